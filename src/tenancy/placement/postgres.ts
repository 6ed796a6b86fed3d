import type { NeonQueryFunction } from '@neondatabase/serverless';
import { quoteIdentifier as escapeIdentifier, quoteLiteral as escapeLiteral } from '../../db/escape';
import { randomSecret } from '../crypto';
import { createTenantTemplates, duplicate, type TenantTemplateSource } from './postgres-template';
import type { DatabaseNames, Placement, PlacementRef, ProvisionedDatabase } from './types';

type Sql = NeonQueryFunction<false, false>;

/**
 * A database per tenant on one PostgreSQL server (`CREATE DATABASE`), each owned by its own login
 * role. CONNECT is revoked from PUBLIC, so a tenant's role can reach its own database and no other.
 * `admin` is a Neon-driver SQL function on a role with CREATEDB and CREATEROLE. With `template`, a
 * new database is a copy of a template that has the current schema (see postgres-template.ts), so
 * the migrate step that follows finds nothing to do.
 */
export function createPostgresPlacement(options: {
  admin: Sql;
  adminUrl: string;
  template?: TenantTemplateSource;
  /** A Neon-driver SQL function for a connection string (the admin on another database). */
  connect?: (connectionString: string) => Sql;
}): Placement {
  const { admin } = options;
  const urlFor = (database: string, role: string, password: string) =>
    connectionStringFor(options.adminUrl, { databaseName: database, roleName: role }, password);
  const adminOn = (database: string) => {
    const url = new URL(options.adminUrl);
    url.pathname = `/${encodeURIComponent(database)}`;
    if (!options.connect) throw new Error('A template needs `connect`');
    return options.connect(url.toString());
  };
  const templates = options.template
    ? createTenantTemplates({ admin, adminOn, connectionString: urlFor, source: options.template })
    : null;

  async function ensureDatabase(
    _tenantId: string,
    names: DatabaseNames,
    _previous: PlacementRef | null,
    ensure: { empty?: boolean } = {},
  ): Promise<ProvisionedDatabase> {
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
    const copied = !existing?.database && !ensure.empty && (await templates?.copy(names.databaseName, names.roleName));
    if (!existing?.database && !copied) await createDatabase(database, role);
    await closeToOthers(database, role);
    // A copy's objects become the tenant's (also after a run interrupted between the copy and this).
    // When that cannot be done (an admin without the rights REASSIGN OWNED needs), the copy is dropped
    // and the database made empty: this is still the database step, before any of the shop's data.
    try {
      await templates?.adopt(names.databaseName, names.roleName);
    } catch (error) {
      console.warn(
        JSON.stringify({ level: 'warn', message: 'tenant template copy not adopted', error: String(error) }),
      );
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await createDatabase(database, role);
      await closeToOthers(database, role);
    }
    const ref: PlacementRef = { kind: 'postgres', databaseName: names.databaseName, roleName: names.roleName, ids: {} };
    return { ref, connectionString: connectionStringFor(options.adminUrl, names, password) };
  }

  async function closeToOthers(database: string, role: string): Promise<void> {
    await admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO ${role}`);
  }

  /** An empty database (no template, or none ready): the migrate step gives it the schema. */
  async function createDatabase(database: string, role: string): Promise<void> {
    try {
      await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    } catch (error) {
      // A concurrent run created it between our check and now.
      if (!duplicate(error)) throw error;
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
