import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const TEMPLATE_LANGUAGES = ['fr', 'en'] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

/** A file sent with every mail made from the template (stored inline: a few small PDFs at most). */
export interface TemplateAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/**
 * A reply template: a Handlebars subject and plain-text body with merge fields
 * (`{{customer.name}}`, see merge-context.ts), checked when saved and rendered
 * by template-renderer.ts.
 *
 * The name is unique whatever its case: `templates_name_key` is a unique
 * index on `lower(name)`, created by the migration (TypeORM cannot describe an
 * expression index, hence `synchronize: false`).
 */
@Entity('templates')
@Index('templates_name_key', { synchronize: false })
export class TemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  language: TemplateLanguage;

  /** Handlebars source of the subject; null = "Re: " + the conversation's subject. */
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  /** Handlebars source of the plain-text body. */
  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** At most MAX_ATTACHMENT_BYTES decoded, all files together (checked by the service). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  attachments: TemplateAttachment[];
}
