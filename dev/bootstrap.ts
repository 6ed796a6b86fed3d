/**
 * Local bootstrap shared by `npm run dev`, the tests and the benchmark: the central database on the
 * local Postgres, closed to every role but its owner, with its migrations applied.
 */
import { neon } from '@neondatabase/serverless';
import { configureNeon } from '../src/db/client';
import { migrate, type MigrationResult } from '../src/db/migrate';
import { functions, migrations } from '../src/db/migrations.generated';

export const centralDatabaseName = 'optiflow_central';

export async function ensureCentralDatabase(options: {
  endpointUrl: string;
  adminUrl: (database?: string) => string;
}): Promise<{ centralUrl: string; migration: MigrationResult }> {
  configureNeon(options.endpointUrl);
  const admin = neon(options.adminUrl('postgres'));
  const [existing] = await admin`SELECT 1 AS present FROM pg_database WHERE datname = ${centralDatabaseName}`;
  if (!existing) await admin.query(`CREATE DATABASE ${centralDatabaseName}`);
  // Tenant roles must reach their own database only: nothing else is open to PUBLIC.
  await admin.query(`REVOKE ALL ON DATABASE ${centralDatabaseName} FROM PUBLIC`);
  await admin.query('REVOKE ALL ON DATABASE postgres FROM PUBLIC');
  const centralUrl = options.adminUrl(centralDatabaseName);
  const migration = await migrate(neon(centralUrl), migrations.central, functions.central);
  return { centralUrl, migration };
}

/** 32 random bytes in base64: a fresh ENCRYPTION_KEY. */
export function generateEncryptionKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
}
