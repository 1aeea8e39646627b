import { randomBytes } from 'crypto';
import { connectPg } from '../../src/database/embedded-postgres';
import { TEST_DATABASE_URL } from './env';

export interface TestDatabase {
  /** `postgres://` URL of the new, empty database (no migrations applied: the app applies them at boot). */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

/** Creates a fresh, uniquely named database (`acd_t_<random>`) on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `acd_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // FORCE (Postgres >= 13): an app under test may not have closed its pool yet.
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = await connectPg(TEST_DATABASE_URL);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
