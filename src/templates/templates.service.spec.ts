import { checkedAttachments, MAX_ATTACHMENT_BYTES } from './templates.service';
import { TemplateException, TemplateExceptionCode } from './template.exception';

const file = (bytes: number, filename = 'file.pdf') => ({
  filename,
  contentType: 'application/pdf',
  contentBase64: Buffer.alloc(bytes, 7).toString('base64'),
});

describe('template attachments', () => {
  it('accepts up to 2 MB in all (decoded size), keeping only the three fields', () => {
    const half = MAX_ATTACHMENT_BYTES / 2;
    const kept = checkedAttachments([file(half, 'a.pdf'), { ...file(half, 'b.pdf'), extra: 'dropped' } as ReturnType<typeof file>]);
    expect(kept.map((attachment) => Object.keys(attachment))).toEqual([
      ['filename', 'contentType', 'contentBase64'],
      ['filename', 'contentType', 'contentBase64'],
    ]);
    expect(checkedAttachments([])).toEqual([]);
  });

  it('refuses one byte more (ATTACHMENT_TOO_LARGE, 400)', () => {
    let error: unknown;
    try {
      checkedAttachments([file(MAX_ATTACHMENT_BYTES), file(1, 'b.pdf')]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateException);
    expect((error as TemplateException).code).toBe(TemplateExceptionCode.ATTACHMENT_TOO_LARGE);
    expect((error as TemplateException).httpStatus).toBe(400);
  });
});
