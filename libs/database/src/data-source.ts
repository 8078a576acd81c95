import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** Raised when a dependency cannot be reached at start; the message says which URL and how to start it. */
export class InfrastructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfrastructureError';
  }
}

export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // Postgres returns timestamptz; never depend on the process time zone.
    // A request that cannot get a connection within 10 s fails instead of waiting forever.
    extra: { max: 10, connectionTimeoutMillis: 10_000, options: '-c timezone=UTC' },
  };
}

const POSTGRES_HINT =
  'Start PostgreSQL 14+ (e.g. `docker compose -f docker/compose.yml up -d postgres`, or your distribution\'s ' +
  'package: `pg_ctlcluster <version> main start`) or set DATABASE_URL.';

/** Creates the database named in `url` if it does not exist yet (so `npm start` works on a fresh machine). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new InfrastructureError(`Cannot reach PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}. ${POSTGRES_HINT}`);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 7_316_001;

/** Runs pending migrations under an advisory lock, so API and worker replicas starting together do not race. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Creates the database if needed, connects and migrates. Used by every app at start and by tests. */
export async function openDatabase(url: string): Promise<DataSource> {
  await ensureDatabase(url);
  const dataSource = new DataSource(dataSourceOptions(url));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new InfrastructureError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}. ${POSTGRES_HINT}`);
  }
  await migrate(dataSource);
  return dataSource;
}
