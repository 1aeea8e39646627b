import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { ChatException, ChatExceptionCode } from './chat.exception';

/** Chat sessions a client address may open per window. */
export const CHAT_SESSIONS_PER_WINDOW = 20;
export const CHAT_SESSION_WINDOW_MS = 60_000;
/** Above this many tracked addresses, expired ones are swept (bounds memory under a spray of addresses). */
const SWEEP_THRESHOLD = 10_000;

/**
 * The public chat entry is rate-limited per client address: at most
 * CHAT_SESSIONS_PER_WINDOW sessions in any sliding minute; the next one is a
 * 429 with Retry-After. In memory, per node (N nodes give N× the budget).
 * Kept local to this route rather than a global throttler module, so no
 * other route's limits change. The address is `req.ip` (configure Express
 * `trust proxy` behind a reverse proxy).
 */
@Injectable()
export class ChatSessionRateLimitGuard implements CanActivate {
  private readonly logger = new Logger(ChatSessionRateLimitGuard.name);
  private readonly hits = new Map<string, number[]>();

  canActivate(context: ExecutionContext): boolean {
    const ip = context.switchToHttp().getRequest<Request>().ip ?? 'unknown';
    const now = Date.now();
    const recent = (this.hits.get(ip) ?? []).filter((at) => at > now - CHAT_SESSION_WINDOW_MS);
    if (recent.length >= CHAT_SESSIONS_PER_WINDOW) {
      this.logger.warn(`chat session rate limit reached for ${ip}`);
      throw new ChatException(ChatExceptionCode.RATE_LIMITED, 'Too many chat sessions from this address; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + CHAT_SESSION_WINDOW_MS - now) / 1000)),
      });
    }
    recent.push(now);
    this.hits.set(ip, recent);
    if (this.hits.size > SWEEP_THRESHOLD) this.sweep(now);
    return true;
  }

  private sweep(now: number): void {
    for (const [ip, times] of this.hits) {
      if (times.every((at) => at <= now - CHAT_SESSION_WINDOW_MS)) this.hits.delete(ip);
    }
  }
}
