/**
 * Response of `POST /api/calls/:taskId/hold|resume|end` (type-only: the web
 * client imports it as well).
 */
import type { TaskView } from '../../gateway/socket-events';

/**
 * What became of the telephony system's side: `sent` (it answered 2xx),
 * `failed` (it did not, after retries), `none` (not a telephony call, or no
 * TELEPHONY_WEBHOOK_URL: nobody to tell).
 */
export type TelephonyOutcome = 'sent' | 'failed' | 'none';

export interface CallControlResult {
  task: TaskView;
  telephony: TelephonyOutcome;
}
