import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConversationEntity } from '../../conversations/conversation.entity';
import { REF_IN_SUBJECT } from '../../conversations/ref-token';
import { ParsedEmail } from './parsed-email';

export type ThreadMatch = { conversation: ConversationEntity; by: 'headers' | 'reference' } | null;

/** References headers can be long; the newest ids are the useful ones. */
const MAX_IDS = 50;

/**
 * Which conversation an inbound mail continues:
 * 1. In-Reply-To / References against every email message we hold, inbound
 *    and outbound (our replies and acknowledgements carry their own ids);
 * 2. the reference token in the subject (`[#K7F-2Q9]`), only for the same
 *    customer, so a forwarded or guessed token cannot attach a stranger's
 *    mail to someone else's case;
 * 3. otherwise none: a new conversation.
 */
@Injectable()
export class EmailThreadingService {
  constructor(@InjectRepository(ConversationEntity) private readonly conversations: Repository<ConversationEntity>) {}

  async find(email: ParsedEmail, customerId: string | null): Promise<ThreadMatch> {
    const ids = [...new Set([email.inReplyTo, ...[...email.references].reverse()].filter((id): id is string => !!id))].slice(0, MAX_IDS);
    if (ids.length > 0) {
      // Outbound ids are also looked up in the outbox: a customer can answer within the instant between
      // the SMTP server taking our mail and its message row being written.
      const rows: ConversationEntity[] = await this.conversations.query(
        `SELECT id FROM (
           SELECT m.conversation_id AS id, m.at FROM messages m
            WHERE m.message_id = ANY($1) AND m.channel = 'email'
           UNION ALL
           SELECT o.conversation_id AS id, o.created_at AS at FROM outbound_mails o
            WHERE o.message_id = ANY($1) AND o.status IN ('sending', 'sent')
         ) AS known JOIN conversations c USING (id)
         WHERE c.channel = 'email'
         ORDER BY known.at DESC LIMIT 1`,
        [ids],
      );
      if (rows.length) return { conversation: await this.conversations.findOneByOrFail({ id: rows[0].id }), by: 'headers' };
    }
    const ref = REF_IN_SUBJECT.exec(email.subject)?.[1];
    if (ref && customerId) {
      const conversation = await this.conversations.findOneBy({ ref, customerId, channel: 'email' });
      if (conversation) return { conversation, by: 'reference' };
    }
    return null;
  }
}
