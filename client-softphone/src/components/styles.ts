import { css, html, type TemplateResult } from 'lit';

/** Shared look: readable at a glance, high contrast, visible focus, one colour per channel. */
export const shared = css`
  :host {
    --ink: #17212b;
    --muted: #5a6877;
    --line: #dbe2ea;
    --panel: #ffffff;
    --bg: #f3f6f9;
    --accent: #1f5fbf;
    --accent-ink: #ffffff;
    --ok: #1b7f4b;
    --warn: #b25e00;
    --danger: #b3261e;
    --voice: #1b7f4b;
    --chat: #1f5fbf;
    --email: #8a4fbf;
    --radius: 10px;
    font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    color: var(--ink);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { margin: 0; line-height: 1.2; }
  h2 { font-size: 1.05rem; }
  h3 { font-size: .95rem; }
  button, select, input, textarea { font: inherit; color: inherit; }
  button {
    border: 1px solid var(--line);
    background: #fff;
    border-radius: 8px;
    padding: .4rem .8rem;
    cursor: pointer;
    min-height: 2.1rem;
  }
  button:hover:not(:disabled) { border-color: var(--accent); }
  button.primary { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); font-weight: 600; }
  button.ok { background: var(--ok); color: #fff; border-color: var(--ok); font-weight: 600; }
  button.danger { background: #fff; color: var(--danger); border-color: var(--danger); font-weight: 600; }
  button:disabled { opacity: .5; cursor: not-allowed; }
  select, input, textarea { border: 1px solid #b8c4d1; border-radius: 8px; padding: .35rem .5rem; background: #fff; min-height: 2.1rem; }
  :focus-visible { outline: 3px solid #f0b429; outline-offset: 2px; }
  .card { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem; }
  .muted { color: var(--muted); }
  .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
  .badge {
    display: inline-flex; align-items: center; gap: .35rem;
    border-radius: 999px; padding: .1rem .6rem; font-size: .8rem; font-weight: 600;
    background: #e8edf3; color: var(--ink); white-space: nowrap;
  }
  .badge.voice { background: #e2f3ea; color: var(--voice); }
  .badge.chat { background: #e3ecfa; color: var(--chat); }
  .badge.email { background: #f1e8fa; color: var(--email); }
  .state-available { background: #e2f3ea; color: var(--ok); }
  .state-away { background: #fdf0dc; color: var(--warn); }
  .state-wrapup { background: #e3ecfa; color: var(--accent); }
  .state-offline { background: #eceff3; color: var(--muted); }
  .dot { width: .55rem; height: .55rem; border-radius: 50%; background: currentColor; display: inline-block; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
  tbody th { font-weight: 600; }
  thead th { font-size: .78rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem .9rem; margin: 0; }
  dl.facts dt { color: var(--muted); }
  dl.facts dd { margin: 0; overflow-wrap: anywhere; }
`;

/** Inline SVG icons (no icon font, no emoji font needed): a handset, a speech bubble, an envelope. */
const ICON_PATHS: Record<string, string> = {
  voice: 'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z',
  email: 'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2.2V17h16V7.2l-8 5.3z',
};

export const channelIcon = (channel: string): TemplateResult =>
  ICON_PATHS[channel]
    ? html`<svg class="icon" viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false" style="fill: currentColor; vertical-align: -0.125em"><path d=${ICON_PATHS[channel]} /></svg>`
    : html`<span aria-hidden="true">•</span>`;
