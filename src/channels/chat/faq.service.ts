import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CreateFaqDto, FaqView, UpdateFaqDto } from './chat.dto';
import { ChatException, ChatExceptionCode } from './chat.exception';
import { FaqEntryEntity } from './faq-entry.entity';
import { FaqMatch, matchFaq } from './faq-matcher';

/** The self-service FAQ: CRUD for supervisors, matching for chat visitors. */
@Injectable()
export class FaqService {
  constructor(@InjectRepository(FaqEntryEntity) private readonly entries: Repository<FaqEntryEntity>) {}

  async list(): Promise<FaqView[]> {
    return (await this.entries.find({ order: { createdAt: 'ASC' } })).map(toFaqView);
  }

  async get(id: string): Promise<FaqView> {
    return toFaqView(await this.entity(id));
  }

  async create(dto: CreateFaqDto): Promise<FaqView> {
    const saved = await this.entries.save(
      this.entries.create({ question: dto.question, answer: dto.answer, keywords: dto.keywords ?? [], language: dto.language ?? null }),
    );
    return toFaqView(saved);
  }

  async update(id: string, dto: UpdateFaqDto): Promise<FaqView> {
    const entry = await this.entity(id);
    if (dto.question !== undefined) entry.question = dto.question;
    if (dto.answer !== undefined) entry.answer = dto.answer;
    if (dto.keywords !== undefined) entry.keywords = dto.keywords;
    if (dto.language !== undefined) entry.language = dto.language;
    return toFaqView(await this.entries.save(entry));
  }

  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.entries.delete({ id });
  }

  /**
   * The best FAQ entry for a visitor's message. The FAQ is a short list
   * (tens of entries) read whole; see faq-matcher.ts for the scoring.
   */
  async match(message: string, language: string): Promise<FaqMatch<FaqEntryEntity> | null> {
    return matchFaq(message, await this.entries.find({ take: 1000 }), language);
  }

  private async entity(id: string): Promise<FaqEntryEntity> {
    const entry = await this.entries.findOneBy({ id });
    if (!entry) throw new ChatException(ChatExceptionCode.FAQ_NOT_FOUND, `FAQ entry ${id} not found`);
    return entry;
  }
}

function toFaqView(entry: FaqEntryEntity): FaqView {
  return {
    id: entry.id,
    question: entry.question,
    answer: entry.answer,
    keywords: entry.keywords,
    language: entry.language,
    updatedAt: entry.updatedAt.toISOString(),
  };
}
