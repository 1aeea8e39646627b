import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A probe must answer quickly: a database that takes longer than this counts as down. */
const PING_TIMEOUT_MS = 2_000;

/** Readiness check of the durable store: `SELECT 1` within a short timeout. */
@Injectable()
export class DatabaseHealth {
  private readonly logger = new Logger(DatabaseHealth.name);
  /** Last outcome, so a probe polled every few seconds logs transitions, not every failure. */
  private lastUp: boolean | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    try {
      if (!this.dataSource.isInitialized) throw new Error('data source not initialised');
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
      this.record(true);
      return true;
    } catch (err) {
      this.record(false, err instanceof Error ? err.message : String(err));
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private record(up: boolean, reason?: string): void {
    if (up && this.lastUp === false) this.logger.log('Database is reachable again');
    if (!up && this.lastUp !== false) this.logger.warn(`Database is down: ${reason}`);
    this.lastUp = up;
  }
}
