import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { telephonyHeaders } from './telephony-signature';

/** Waits before each retry of a webhook that failed: bounded, about 4 s in all. */
export const WEBHOOK_RETRY_DELAYS_MS = [250, 1000, 3000];
const REQUEST_TIMEOUT_MS = 3000;

/**
 * What the ACD asks of the telephony system: connect a call to an agent's
 * extension (`call.assign`, on accept), or, from the agent's call card, put it
 * on hold, take it back, hang it up.
 */
export const TELEPHONY_COMMAND_TYPES = ['call.assign', 'call.hold', 'call.resume', 'call.hangup'] as const;
export type TelephonyCommandType = (typeof TELEPHONY_COMMAND_TYPES)[number];

export interface TelephonyCommand {
  type: TelephonyCommandType;
  callId: string;
  agentId: string;
  extension: string | null;
}

export interface CallAssignPayload extends TelephonyCommand {
  type: 'call.assign';
}

/**
 * Tells the telephony system what to do with a call (connect it, hold,
 * resume, hang up — see TelephonyCommand): a POST to
 * TELEPHONY_WEBHOOK_URL signed like the events it sends us (X-Timestamp,
 * X-Signature), re-signed and retried with backoff on a network error, a
 * timeout, a 5xx, 408 or 429. A 4xx answer is final. If every attempt
 * fails: for call.assign the connect timer (CallConnectService) re-queues the
 * call; for the call-control commands the caller decides (CallControlService).
 */
@Injectable()
export class TelephonyWebhookClient implements OnModuleDestroy {
  private readonly logger = new Logger(TelephonyWebhookClient.name);
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.telephonyWebhookUrl && !!this.config.telephonySecret;
  }

  /** True once the telephony system answered 2xx. */
  async send(payload: TelephonyCommand): Promise<boolean> {
    const url = this.config.telephonyWebhookUrl;
    const secret = this.config.telephonySecret;
    if (!url || !secret) return false;
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= WEBHOOK_RETRY_DELAYS_MS.length && !this.stopped; attempt++) {
      if (attempt > 0) await this.wait(WEBHOOK_RETRY_DELAYS_MS[attempt - 1]);
      if (this.stopped) break;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...telephonyHeaders(secret, body) },
          body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return true;
        const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
        this.logger.warn(`${payload.type} ${payload.callId}: webhook answered ${response.status} (attempt ${attempt + 1})`);
        if (!retryable) return false;
      } catch (error) {
        this.logger.warn(`${payload.type} ${payload.callId}: webhook failed (attempt ${attempt + 1}): ${String(error)}`);
      }
    }
    this.logger.error(`${payload.type} ${payload.callId}: webhook gave up`);
    return false;
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
    this.waits.clear();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.waits.add(entry);
    });
  }
}
