import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A self-service answer, matched against a chat visitor's message (see faq-matcher.ts). */
@Entity('faq_entries')
export class FaqEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  question: string;

  @Column({ type: 'text' })
  answer: string;

  /** Extra words that count for the match besides the question's own. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  keywords: string[];

  /** `fr`, `en`, or null for both. */
  @Column({ type: 'text', nullable: true })
  language: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
