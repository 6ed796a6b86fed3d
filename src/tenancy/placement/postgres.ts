import type { NeonQueryFunction } from '@neondatabase/serverless';
import { quoteIdentifier as escapeIdentifier, quoteLiteral as escapeLiteral } from '../../db/escape';
import { randomSecret } from '../crypto';
import type { DatabaseNames, Placement, PlacementRef, ProvisionedDatabase } from './types';

type Sql = NeonQueryFunction<false, false>;

/**
 * A database per tenant on one PostgreSQL server (`CREATE DATABASE`), each owned by its own login
 * role. CONNECT is revoked from PUBLIC, so a tenant's role can reach its own database and no other.
 * `admin` is a Neon-driver SQL function on a role with CREATEDB and CREATEROLE.
 */
export function createPostgresPlacement(options: { admin: Sql; adminUrl: string }): Placement {
  const { admin } = options;

  async function ensureDatabase(_tenantId: string, names: DatabaseNames): Promise<ProvisionedDatabase> {
    const role = escapeIdentifier(names.roleName);
    const database = escapeIdentifier(names.databaseName);
    // The password of an existing role was lost with the run that created it: always set a new one.
    const password = randomSecret(24);
    const [existing] = await admin`SELECT
      EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${names.roleName}) AS role,
      EXISTS (SELECT 1 FROM pg_database WHERE datname = ${names.databaseName}) AS database`;
    await admin.query(
      existing?.role
        ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${escapeLiteral(password)}`
        : `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${escapeLiteral(password)}`,
    );
    if (!existing?.database) await createDatabase(database, role);
    await admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${role}`);
    const ref: PlacementRef = { kind: 'postgres', databaseName: names.databaseName, roleName: names.roleName, ids: {} };
    return { ref, connectionString: connectionStringFor(options.adminUrl, names, password) };
  }

  async function createDatabase(database: string, role: string): Promise<void> {
    try {
      await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    } catch (error) {
      // 42P04 duplicate_database: a concurrent run created it between our check and now.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  }

  async function dropDatabase(_tenantId: string, names: DatabaseNames): Promise<void> {
    await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(names.databaseName)} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(names.roleName)}`);
  }

  return { kind: 'postgres', ensureDatabase, dropDatabase };
}

function connectionStringFor(adminUrl: string, names: DatabaseNames, password: string): string {
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(names.roleName);
  url.password = encodeURIComponent(password);
  url.pathname = `/${names.databaseName}`;
  return url.toString();
}
