import type { NeonQueryFunction } from '@neondatabase/serverless';
import { quoteIdentifier as escapeIdentifier, quoteLiteral as escapeLiteral } from '../../db/escape';
import { randomSecret } from '../crypto';

type Sql = NeonQueryFunction<false, false>;

/**
 * What a template is built from: the tenant schema's version (a hash of the migrations and function
 * files) and the migrator that brings an empty database to it.
 */
export interface TenantTemplateSource {
  /** `<files>_<hash>`: how many migration and function files, and a hash of them all. */
  version: string;
  migrate(connectionString: string): Promise<void>;
}

/** `$` never appears in a tenant's database or role name (ids are DNS labels), so no shop can be called this. */
export const templateMarker = 'optiflow$tpl$';

/** A build that has not finished after this long was interrupted: its half-made database is dropped. */
const staleBuildMs = 10 * 60_000;

export interface TemplateDeps {
  admin: Sql;
  /** A Neon-driver SQL function on `database`, as the admin. */
  adminOn(database: string): Sql;
  /** A connection string for `role` with `password` on `database`. */
  connectionString(database: string, role: string, password: string): string;
  source: TenantTemplateSource;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Tenant databases copied from a template database that already has the current schema
 * (`CREATE DATABASE ... TEMPLATE`): a copy takes a fraction of the time the migrations take. The
 * template is built on first use for each schema version by one provisioning run (the one whose
 * `CREATE DATABASE` wins), as a role of its own; the others meanwhile provision without it. A copy's
 * objects are then handed to the tenant's role (REASSIGN OWNED, and the build role's grants dropped),
 * and checked: nothing in the tenant's database is left to a template role. Any failure on this
 * path leaves the caller to create the database empty and migrate it, as without a template.
 */
export function createTenantTemplates(deps: TemplateDeps) {
  const name = `${templateMarker}${deps.source.version}`;
  const log = deps.log ?? ((message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })));

  /** The template's name when it is ready to copy, after building it if this run may; else null. */
  async function ready(): Promise<string | null> {
    const [row] = await deps.admin`SELECT datistemplate AS ready, shobj_description(oid, 'pg_database') AS note
                                     FROM pg_database WHERE datname = ${name}`;
    if (row?.ready) return name;
    if (row) {
      const since = Date.parse(String(row.note ?? '').replace(/^building since /, ''));
      if (Number.isNaN(since)) {
        // Its builder has not stamped it yet (or died before it could): stamp it, so an interrupted
        // build is found stale from now on.
        await stamp();
        return null;
      }
      // Another run is building it (use no template meanwhile), or one was interrupted (drop it, build again).
      if (Date.now() - since < staleBuildMs) return null;
      await deps.admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
    }
    return build();
  }

  async function build(): Promise<string | null> {
    const database = escapeIdentifier(name);
    try {
      await deps.admin.query(`CREATE DATABASE ${database}`);
    } catch (error) {
      // Another run won the race and builds it.
      if (duplicate(error)) return null;
      throw error;
    }
    try {
      await stamp();
      const password = randomSecret(24);
      const [role] = await deps.admin`SELECT 1 AS present FROM pg_roles WHERE rolname = ${name}`;
      await deps.admin.query(
        role
          ? `ALTER ROLE ${database} WITH LOGIN PASSWORD ${escapeLiteral(password)}`
          : `CREATE ROLE ${database} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${escapeLiteral(password)}`,
      );
      await deps.admin.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
      await deps.admin.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${database} TO ${database}`);
      await deps.adminOn(name).query(`GRANT USAGE, CREATE ON SCHEMA public TO ${database}`);
      await deps.source.migrate(deps.connectionString(name, name, password));
      // No session may stay on a template; none may open one again. The role keeps no right on the
      // template database itself (a shared object): each copy's DROP OWNED then touches its own
      // database only, and simultaneous copies do not update the same catalogue row.
      await deps.admin.query(`ALTER ROLE ${database} WITH NOLOGIN`);
      await deps.admin.query(`REVOKE ALL ON DATABASE ${database} FROM ${database}`);
      await deps.admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
      await closeSessions(name);
      await deps.admin.query(
        `COMMENT ON DATABASE ${database} IS ${escapeLiteral(`tenant schema ${deps.source.version}, ready`)}`,
      );
      await dropOlderTemplates();
      return name;
    } catch (error) {
      log('tenant template build failed', { template: name, error: String(error) });
      await deps.admin.query(`ALTER DATABASE ${database} WITH IS_TEMPLATE false`).catch(() => undefined);
      await deps.admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      return null;
    }
  }

  async function stamp(): Promise<void> {
    await deps.admin.query(
      `COMMENT ON DATABASE ${escapeIdentifier(name)} IS ${escapeLiteral(`building since ${new Date().toISOString()}`)}`,
    );
  }

  async function closeSessions(database: string): Promise<void> {
    await deps.admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${database} AND pid <> pg_backend_pid()`;
  }

  /**
   * Templates of earlier schema versions (a deploy with new migrations or function files builds its
   * own): those whose version counts no more files than this one (`<files>_<hash>`). A template of a
   * later version (another deploy running beside this one) is left alone.
   */
  async function dropOlderTemplates(): Promise<void> {
    const files = versionFiles(deps.source.version);
    const rows = await deps.admin`SELECT datname FROM pg_database
                                   WHERE left(datname, ${templateMarker.length}) = ${templateMarker} AND datname <> ${name}`;
    const older = rows.filter((row) => versionFiles(String(row.datname).slice(templateMarker.length)) <= files);
    for (const row of older) {
      const old = escapeIdentifier(String(row.datname));
      try {
        await deps.admin.query(`ALTER DATABASE ${old} WITH IS_TEMPLATE false`);
        await deps.admin.query(`DROP DATABASE IF EXISTS ${old} WITH (FORCE)`);
      } catch (error) {
        log('old tenant template not dropped', { template: row.datname, error: String(error) });
      }
    }
  }

  /**
   * Creates `database` owned by `role` as a copy of the template; false when there is no ready
   * template (or the copy failed before making anything), so the caller creates it empty.
   */
  async function copy(database: string, role: string): Promise<boolean> {
    const template = await ready().catch((error: unknown) => {
      log('tenant template unavailable', { template: name, error: String(error) });
      return null;
    });
    if (!template) return false;
    const statement = `CREATE DATABASE ${escapeIdentifier(database)} OWNER ${escapeIdentifier(role)} TEMPLATE ${escapeIdentifier(template)}`;
    try {
      await deps.admin.query(statement);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (duplicate(error)) return true; // a concurrent run of the same tenant made it
      if (code !== '55006') {
        log('copy of the tenant template failed', { template, error: String(error) });
        return false;
      }
      // 55006: a session is still on the template (a pooled one from its build): close it, once.
      await closeSessions(template);
      try {
        await deps.admin.query(statement);
      } catch {
        return false;
      }
    }
    return true;
  }

  /**
   * Hands every object a template role owns in `database` to `role`, drops the template roles'
   * grants there, gives the rows the migrations seeded new random ids, and fails if anything is left
   * to a template role (one transaction). Idempotent (nothing to hand
   * over the second time); run on every provisioning of a database that may be a copy.
   */
  async function adopt(database: string, role: string): Promise<void> {
    // pg_shdepend is shared: whether a template role holds anything there is known without connecting to it.
    const [held] = await deps.admin`SELECT 1 AS held FROM pg_shdepend d
        JOIN pg_database db ON db.oid = d.dbid JOIN pg_roles a ON a.oid = d.refobjid
       WHERE db.datname = ${database} AND left(a.rolname, ${templateMarker.length}) = ${templateMarker} LIMIT 1`;
    if (!held) return;
    await deps.adminOn(database).query(`DO $$
      DECLARE
        owner_role text;
        template_roles text[];
        seeded text;
      BEGIN
        SELECT coalesce(array_agg(DISTINCT a.rolname), '{}') INTO template_roles
          FROM pg_shdepend d JOIN pg_roles a ON a.oid = d.refobjid
         WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND left(a.rolname, ${templateMarker.length}) = ${escapeLiteral(templateMarker)};
        FOREACH owner_role IN ARRAY template_roles LOOP
          EXECUTE format('REASSIGN OWNED BY %I TO %I', owner_role, ${escapeLiteral(role)});
          EXECUTE format('DROP OWNED BY %I', owner_role);
        END LOOP;
        -- Rows the migrations seed (the lab stages) came with the template's random ids: every copy
        -- draws its own, so no two shops share an id. Run as the shop's role, on its own tables.
        EXECUTE format('SET LOCAL ROLE %I', ${escapeLiteral(role)});
        FOR seeded IN
          SELECT c.relname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
           WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'id'
             AND pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()'
        LOOP
          EXECUTE format('UPDATE public.%I SET id = gen_random_uuid()', seeded);
        END LOOP;
        RESET ROLE;
        IF EXISTS (SELECT 1 FROM pg_shdepend d JOIN pg_roles a ON a.oid = d.refobjid
                    WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND left(a.rolname, ${templateMarker.length}) = ${escapeLiteral(templateMarker)}) THEN
          RAISE EXCEPTION 'objects of % are still held by a template role', current_database();
        END IF;
      END $$`);
  }

  return { name, ready, copy, adopt };
}

export type TenantTemplates = ReturnType<typeof createTenantTemplates>;

/** The number of files a version names (`<files>_<hash>`); a version of another shape counts none. */
function versionFiles(version: string): number {
  const files = /^(\d+)_/.exec(version);
  return files ? Number(files[1]) : 0;
}

/**
 * Two `CREATE DATABASE` of one name at once: the loser gets 42P04 (duplicate_database) or, when
 * both passed the catalogue check, 23505 on pg_database's name index.
 */
export function duplicate(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '42P04' || code === '23505';
}
