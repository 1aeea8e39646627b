import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Raw, Repository } from 'typeorm';
import { isUniqueViolation } from '../common/validation';
import { DEFAULT_TEMPLATES, DefaultTemplate } from './default-templates';
import { MERGE_FIELDS, PartialMergeContext } from './merge-context';
import { assertValidTemplate, RenderedTemplate, TemplateRenderer } from './template-renderer';
import { TemplateAttachment, TemplateEntity, TemplateLanguage } from './template.entity';
import { TemplateException, TemplateExceptionCode } from './template.exception';
import {
  CreateTemplateDto,
  ListTemplatesQueryDto,
  MergeFieldView,
  TemplateAttachmentDto,
  TemplatePreview,
  TemplateView,
  UpdateTemplateDto,
} from './templates.dto';

/** Built-in texts change only with the code: one version for the renderer's cache. */
const BUILT_IN_VERSION = new Date(0);

/** All attachments of one template together, decoded. */
export const MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024;

/** A template rendered for sending: the mail's parts and the files to attach. */
export interface RenderedMail extends RenderedTemplate {
  templateId: string;
  templateName: string;
  language: TemplateLanguage;
  /** For nodemailer: `{filename, contentType, content: contentBase64, encoding: 'base64'}`. */
  attachments: TemplateAttachment[];
}

export interface TemplateSummary {
  id: string;
  name: string;
  language: TemplateLanguage;
}

/**
 * Reply templates: CRUD for supervisors, listing and previews for everyone,
 * and `render` for the code that sends mail (replies, auto-replies,
 * acknowledgements). Every save is checked (syntax, merge fields, attachment
 * size) before anything is written.
 */
@Injectable()
export class TemplatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(TemplatesService.name);

  constructor(
    @InjectRepository(TemplateEntity) private readonly templates: Repository<TemplateEntity>,
    private readonly renderer: TemplateRenderer,
  ) {}

  /** Seeds the default templates into an empty table (see seedDefaults). */
  async onApplicationBootstrap(): Promise<void> {
    const created = await this.seedDefaults();
    if (created > 0) this.logger.log(`Seeded ${created} default reply template(s)`);
  }

  /**
   * Inserts DEFAULT_TEMPLATES when the table is empty, in one statement. Two
   * nodes booting together both see an empty table; the second one's rows
   * then meet the unique name index and are skipped (ON CONFLICT DO NOTHING).
   * Once anything exists, nothing is added: deleted defaults stay deleted.
   */
  async seedDefaults(): Promise<number> {
    const rows = DEFAULT_TEMPLATES.map(({ name, language, subject, body }) => ({ name, language, subject, body }));
    const inserted: Array<{ id: string }> = await this.templates.query(
      `INSERT INTO templates (name, language, subject, body)
       SELECT seed.name, seed.language, seed.subject, seed.body
         FROM jsonb_to_recordset($1::jsonb) AS seed(name text, language text, subject text, body text)
        WHERE NOT EXISTS (SELECT 1 FROM templates)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  mergeFields(): MergeFieldView[] {
    return MERGE_FIELDS.map((field) => ({ ...field }));
  }

  async list(query: ListTemplatesQueryDto = {}): Promise<TemplateView[]> {
    const rows = await this.templates.find({
      where: query.language ? { language: query.language } : {},
      order: { language: 'ASC', name: 'ASC' },
    });
    return rows.map((row) => toView(row, false));
  }

  /** One template, attachments included (base64). */
  async get(id: string): Promise<TemplateView> {
    return toView(await this.entity(id), true);
  }

  /** By name, whatever its case (e.g. a default template: `Acknowledgement`); null when absent. */
  async findByName(name: string): Promise<TemplateView | null> {
    const row = await this.templates.findOne({ where: { name: Raw((column) => `lower(${column}) = lower(:name)`, { name }) } });
    return row ? toView(row, true) : null;
  }

  /** The id, name and language of a template, or null when it does not exist. */
  async summary(id: string): Promise<TemplateSummary | null> {
    const row = await this.templates.findOne({ where: { id }, select: { id: true, name: true, language: true } });
    return row ? { id: row.id, name: row.name, language: row.language } : null;
  }

  async create(dto: CreateTemplateDto, actorId: string | null): Promise<TemplateView> {
    const subject = dto.subject ?? null;
    assertValidTemplate({ subject, body: dto.body });
    const attachments = checkedAttachments(dto.attachments ?? []);
    const entity = this.templates.create({ name: dto.name, language: dto.language, subject, body: dto.body, attachments, createdBy: actorId });
    const saved = await this.saveUnique(entity);
    this.logger.log(`Template "${saved.name}" (${saved.id}) created by ${actorId ?? 'system'}`);
    return toView(saved, true);
  }

  async update(id: string, dto: UpdateTemplateDto): Promise<TemplateView> {
    const entity = await this.entity(id);
    const subject = dto.subject === undefined ? entity.subject : dto.subject;
    const body = dto.body ?? entity.body;
    if (dto.subject !== undefined || dto.body !== undefined) assertValidTemplate({ subject, body });
    if (dto.attachments !== undefined) entity.attachments = checkedAttachments(dto.attachments);
    if (dto.name !== undefined) entity.name = dto.name;
    if (dto.language !== undefined) entity.language = dto.language;
    entity.subject = subject;
    entity.body = body;
    const saved = await this.saveUnique(entity);
    this.logger.log(`Template "${saved.name}" (${saved.id}) updated`);
    return toView(saved, true);
  }

  async remove(id: string): Promise<void> {
    const entity = await this.entity(id);
    try {
      await this.templates.delete({ id });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new TemplateException(TemplateExceptionCode.IN_USE, `Template "${entity.name}" is used by an auto-reply rule: change or delete the rule first`);
      }
      throw error;
    }
    this.renderer.forget(id);
    this.logger.log(`Template "${entity.name}" (${id}) deleted`);
  }

  /** The editor's preview: the saved template rendered with the given values (missing ones empty, and listed). */
  async preview(id: string, context: PartialMergeContext = {}): Promise<TemplatePreview> {
    const { subject, text, html, missingFields } = this.renderer.renderTemplate(await this.entity(id), context);
    return { subject, text, html, missingFields };
  }

  /**
   * A template rendered for sending. `context` is usually built with
   * `buildMergeContext` (merge-context.ts); fields left out render empty and
   * are listed in `missingFields`, for the caller to decide.
   */
  async render(templateId: string, context: PartialMergeContext): Promise<RenderedMail> {
    const entity = await this.entity(templateId);
    return {
      ...this.renderer.renderTemplate(entity, context),
      templateId: entity.id,
      templateName: entity.name,
      language: entity.language,
      attachments: entity.attachments.map((file) => ({ ...file })),
    };
  }

  /**
   * The built-in text of a default template (DEFAULT_TEMPLATES), rendered like
   * a stored one: for mail the product must send even when supervisors have
   * deleted its template (the acknowledgement).
   */
  renderBuiltIn(key: DefaultTemplate['key'], language: TemplateLanguage, context: PartialMergeContext): RenderedTemplate & { templateName: string } {
    const source = DEFAULT_TEMPLATES.find((template) => template.key === key && template.language === language)
      ?? DEFAULT_TEMPLATES.find((template) => template.key === key && template.language === 'en');
    if (!source) throw new Error(`no built-in "${key}" template`);
    const rendered = this.renderer.renderTemplate({ id: `built-in:${source.name}`, updatedAt: BUILT_IN_VERSION, subject: source.subject, body: source.body }, context);
    return { ...rendered, templateName: source.name };
  }

  private async entity(id: string): Promise<TemplateEntity> {
    const entity = await this.templates.findOneBy({ id });
    if (!entity) throw TemplateException.notFound(id);
    return entity;
  }

  /** The unique index on lower(name) decides, so two concurrent creations cannot both win. */
  private async saveUnique(entity: TemplateEntity): Promise<TemplateEntity> {
    try {
      return await this.templates.save(entity);
    } catch (error) {
      if (isUniqueViolation(error)) throw TemplateException.nameTaken(entity.name);
      throw error;
    }
  }
}

/** Copies the attachments (only their three fields), refusing more than MAX_ATTACHMENT_BYTES in all. */
export function checkedAttachments(files: TemplateAttachmentDto[]): TemplateAttachment[] {
  const total = files.reduce((sum, file) => sum + decodedSize(file.contentBase64), 0);
  if (total > MAX_ATTACHMENT_BYTES) {
    throw new TemplateException(
      TemplateExceptionCode.ATTACHMENT_TOO_LARGE,
      `Attachments total ${total} bytes; at most ${MAX_ATTACHMENT_BYTES} bytes (2 MB) per template`,
    );
  }
  return files.map(({ filename, contentType, contentBase64 }) => ({ filename, contentType, contentBase64 }));
}

function decodedSize(base64: string): number {
  return Buffer.byteLength(base64, 'base64');
}

/** Postgres foreign-key violation (SQLSTATE 23503). */
function isForeignKeyViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  return (driverError?.code ?? (error as { code?: unknown }).code) === '23503';
}

function toView(row: TemplateEntity, withContent: boolean): TemplateView {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    subject: row.subject,
    body: row.body,
    attachments: row.attachments.map((file) => ({
      filename: file.filename,
      contentType: file.contentType,
      size: decodedSize(file.contentBase64),
      ...(withContent ? { contentBase64: file.contentBase64 } : {}),
    })),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
