import { ConfigValidationError, loadConfig } from './app-config';

describe('loadConfig: email attachment limits', () => {
  it('defaults to 10 MB per attachment and 20 MB per mail', () => {
    const config = loadConfig({});
    expect(config.emailMaxAttachmentBytes).toBe(10 * 1024 * 1024);
    expect(config.emailMaxAttachmentsTotalBytes).toBe(20 * 1024 * 1024);
  });

  it('reads both from the environment', () => {
    const config = loadConfig({ EMAIL_MAX_ATTACHMENT_BYTES: '65536', EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES: '102400' });
    expect(config.emailMaxAttachmentBytes).toBe(65536);
    expect(config.emailMaxAttachmentsTotalBytes).toBe(102400);
  });

  it.each([
    ['EMAIL_MAX_ATTACHMENT_BYTES', '10MB'],
    ['EMAIL_MAX_ATTACHMENT_BYTES', '100'],
    ['EMAIL_MAX_ATTACHMENTS_TOTAL_BYTES', String(26 * 1024 * 1024 + 1)],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
