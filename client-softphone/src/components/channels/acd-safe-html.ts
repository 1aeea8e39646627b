import DOMPurify from 'dompurify';
import { html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { AcdElement } from '../../lib/store';

// Links in a mail open outside the app, never in the frame or over the softphone.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** What a mail may still do once rendered: no script, no form, no frame; images only inline or over https. */
const FRAME_POLICY = "default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; font-src data:";

/** Sanitized HTML of untrusted mail: scripts, handlers, forms, frames and `javascript:` URLs removed. */
export function sanitizeMailHtml(dirty: string): string {
  return DOMPurify.sanitize(dirty, {
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'base', 'meta', 'link'],
    FORBID_ATTR: ['formaction', 'srcset'],
    ALLOW_DATA_ATTR: false,
  });
}

/**
 * Untrusted HTML (inbound mail), twice contained: sanitized with DOMPurify,
 * then shown in a sandboxed frame that may run no script at all (no
 * `allow-scripts`) under a restrictive CSP. The frame is same-origin only so
 * the page can size it to its content.
 */
@customElement('acd-safe-html')
export class AcdSafeHtml extends AcdElement {
  static override styles = css`
    :host { display: block; }
    iframe { width: 100%; border: 1px solid #dbe2ea; border-radius: 8px; background: #fff; min-height: 6rem; display: block; }
  `;

  @property() html = '';
  @property() label = '';

  override render() {
    const doc =
      `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}">` +
      `<style>body{font:15px/1.5 system-ui,sans-serif;color:#17212b;margin:.8rem;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>` +
      `</head><body>${sanitizeMailHtml(this.html)}</body></html>`;
    return html`<iframe
      title=${this.label}
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      referrerpolicy="no-referrer"
      srcdoc=${doc}
      @load=${this.fit}
    ></iframe>`;
  }

  private fit(event: Event): void {
    const frame = event.target as HTMLIFrameElement;
    const height = frame.contentDocument?.documentElement.scrollHeight;
    if (height) frame.style.height = `${Math.min(height + 4, 900)}px`;
  }
}
