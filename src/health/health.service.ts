import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { STATE_STORE, StateStore } from '../state/state-store';

export type CheckStatus = 'up' | 'down';

export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: { database: CheckStatus; stateStore: CheckStatus };
}

/** A dependency that does not answer within this is treated as down: probes must answer quickly. */
const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(STATE_STORE) private readonly store: StateStore,
  ) {}

  /** Ready when Postgres answers `SELECT 1` and the state store answers a ping. */
  async readiness(): Promise<ReadinessReport> {
    const [database, stateStore] = await Promise.all([
      this.check('database', async () => {
        await this.dataSource.query('SELECT 1');
        return true;
      }),
      this.check('state store', () => this.store.ping()),
    ]);
    return { status: database === 'up' && stateStore === 'up' ? 'ok' : 'unavailable', checks: { database, stateStore } };
  }

  private async check(name: string, probe: () => Promise<boolean>): Promise<CheckStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    try {
      const ok = await Promise.race([probe(), timeout]);
      if (!ok) this.logger.warn(`Readiness: ${name} ping answered false`);
      return ok ? 'up' : 'down';
    } catch (error) {
      this.logger.warn(`Readiness: ${name} is down: ${error instanceof Error ? error.message : String(error)}`);
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}
