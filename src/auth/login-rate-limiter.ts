import { Logger } from '@nestjs/common';

export interface RateLimitDecision {
  allowed: boolean;
  /** When not allowed: seconds until the oldest attempt leaves the window. */
  retryAfterSeconds: number;
}

export interface LoginRateLimiterOptions {
  /** Attempts allowed per key within the window (default 10). */
  maxAttempts: number;
  /** Sliding window length in ms (default 60 000). */
  windowMs: number;
  /** Above this many tracked keys, expired ones are swept (bounds memory under a spray of emails). */
  sweepThreshold: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimiterOptions = { maxAttempts: 10, windowMs: 60_000, sweepThreshold: 10_000 };

/**
 * Sliding-window limit on login attempts per (email, client IP): at most
 * `maxAttempts` in any `windowMs`; the next one gets 429. A successful login
 * clears the key, so only repeated failures lock a user out, and only from
 * that address.
 *
 * In memory, per node: with N app nodes an attacker gets N× the budget, which
 * is still far below what makes guessing a bcrypt-hashed password practical.
 * The IP is `req.ip`; behind a reverse proxy it is the proxy's address unless
 * Express `trust proxy` is configured.
 *
 * Provided with a factory (see AuthModule): the constructor takes options, not injectables.
 */
export class LoginRateLimiter {
  private readonly logger = new Logger(LoginRateLimiter.name);
  private readonly attempts = new Map<string, number[]>();
  private readonly options: LoginRateLimiterOptions;

  constructor(options: Partial<LoginRateLimiterOptions> = {}, private readonly clock: () => number = Date.now) {
    this.options = { ...DEFAULT_LOGIN_RATE_LIMIT, ...options };
  }

  /** Records an attempt and says whether it may proceed. Refused attempts are not recorded. */
  hit(email: string, ip: string): RateLimitDecision {
    const now = this.clock();
    const key = `${email}\u0000${ip}`;
    const recent = this.recent(key, now);
    if (recent.length >= this.options.maxAttempts) {
      const retryAfterMs = recent[0] + this.options.windowMs - now;
      this.logger.warn(`Login rate limit reached for ${email} from ${ip}`);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    recent.push(now);
    this.attempts.set(key, recent);
    if (this.attempts.size > this.options.sweepThreshold) this.sweep(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Forgets the key's failures (after a successful login). */
  reset(email: string, ip: string): void {
    this.attempts.delete(`${email}\u0000${ip}`);
  }

  private recent(key: string, now: number): number[] {
    const cutoff = now - this.options.windowMs;
    return (this.attempts.get(key) ?? []).filter((at) => at > cutoff);
  }

  private sweep(now: number): void {
    for (const key of [...this.attempts.keys()]) {
      const recent = this.recent(key, now);
      if (recent.length === 0) this.attempts.delete(key);
      else this.attempts.set(key, recent);
    }
  }
}
