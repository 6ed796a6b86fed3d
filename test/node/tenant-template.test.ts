/**
 * The postgres placement copies new tenant databases from a template that has the current schema:
 * built once per schema version (by one of several simultaneous provisionings), the copy handed
 * over to the tenant's own role with nothing left to the template's, an interrupted build rebuilt,
 * and an older version's template dropped when a new one is built.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sqlClient, type Sql } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { functions, migrations } from '../../src/db/migrations.generated';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createPostgresPlacement } from '../../src/tenancy/placement/postgres';
import { templateMarker, type TenantTemplateSource } from '../../src/tenancy/placement/postgres-template';
import { createPlatform, type Platform } from '../../src/tenancy/platform';
import { createTenant } from '../../src/tenancy/provisioning';
import { openCliState, stackEnv, type CliState } from '../support/cli';

let state: CliState;
let admin: Sql;

beforeAll(async () => {
  state = await openCliState('tenant-template');
  admin = sqlClient(stackEnv().POSTGRES_ADMIN_URL!);
});

afterAll(async () => {
  await state?.dispose();
});

/**
 * A platform whose postgres placement builds templates of its own version: one or two files, fewer
 * than the real schema's, so the suite's own template (built by the other files) is never dropped here.
 */
async function platformWithTemplate(
  version: string,
  builds: { count: number },
  connect: (connectionString: string) => Sql = sqlClient,
): Promise<Platform> {
  const env = stackEnv();
  const source: TenantTemplateSource = {
    version,
    async migrate(connectionString) {
      builds.count += 1;
      await migrate(sqlClient(connectionString), migrations.tenant, functions.tenant);
    },
  };
  return createPlatform({ ...state.proxy.env, ...env, DEFAULT_PLACEMENT: 'postgres' }, () =>
    createPostgresPlacement({
      admin: sqlClient(env.POSTGRES_ADMIN_URL!),
      adminUrl: env.POSTGRES_ADMIN_URL!,
      template: source,
      connect,
    }),
  );
}

const newId = () => `tpl-${Math.random().toString(36).slice(2, 10)}`;

async function templates(version: string) {
  return admin`SELECT datname, datistemplate, datallowconn FROM pg_database WHERE datname = ${templateMarker + version}`;
}

/** Owners in a tenant's database other than its role (tables, sequences, views, functions, types, schemas, extensions). */
async function foreignOwners(platform: Platform, id: string): Promise<string[]> {
  const { connectionString } = await tenantConnection(platform, id);
  const sql = sqlClient(connectionString);
  const rows = await sql`
    SELECT kind || ' ' || name AS object FROM (
      SELECT 'relation' AS kind, c.relname AS name, c.relowner AS owner FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'drizzle')
      UNION ALL SELECT 'function', p.proname, p.proowner FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND NOT EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
      UNION ALL SELECT 'type', t.typname, t.typowner FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND NOT EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
      UNION ALL SELECT 'schema', nspname, nspowner FROM pg_namespace WHERE nspname = 'drizzle'
      UNION ALL SELECT 'extension', extname, extowner FROM pg_extension WHERE extname IN ('unaccent', 'pg_trgm')
    ) o WHERE o.owner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`;
  return rows.map((row) => String(row.object));
}

/**
 * Creates the shops side by side and checks each copy was handed over to its own role (none fell
 * back to an empty database, which the placement reports as "copy not adopted").
 */
async function createAllHandedOver(platform: Parameters<typeof createTenant>[0], ids: string[]) {
  const warnings = vi.spyOn(console, 'warn');
  try {
    await Promise.all(ids.map((id) => createTenant(platform, { id, name: `Óptica ${id}`, domains: [id] })));
    expect(warnings.mock.calls.flat().join('\n')).not.toContain('copy not adopted');
  } finally {
    warnings.mockRestore();
  }
}

describe('tenant databases from a template', { timeout: 180_000 }, () => {
  it('builds one template for six simultaneous shops; every copy is its own role’s, complete and closed to the others', async () => {
    const version = `1_t${Date.now().toString(36)}`;
    const builds = { count: 0 };
    const platform = await platformWithTemplate(version, builds);
    const ids = Array.from({ length: 6 }, newId);
    await createAllHandedOver(platform, ids);
    expect(builds.count).toBe(1);
    expect(await templates(version)).toEqual([
      { datname: templateMarker + version, datistemplate: true, datallowconn: false },
    ]);
    // Later shops are copies, six at once: no second build, each handed over.
    const laterIds = Array.from({ length: 6 }, newId);
    await createAllHandedOver(platform, laterIds);
    const later = laterIds[0]!;
    expect(builds.count).toBe(1);

    for (const id of [...ids, later]) {
      expect(await foreignOwners(platform, id)).toEqual([]);
      const { connectionString } = await tenantConnection(platform, id);
      const sql = sqlClient(connectionString);
      // Complete: nothing left to migrate, the seeded shop is there, a function and a search index work.
      expect(await migrate(sql, migrations.tenant, functions.tenant)).toMatchObject({ applied: [], functions: [] });
      expect((await sql`SELECT count(*)::int AS n FROM branches`)[0]!.n).toBe(1);
      expect((await sql`SELECT unaccent('María') AS folded`)[0]!.folded).toBe('Maria');
      // Nothing of the template's role remains: no ownership, no grant.
      const held = await admin`SELECT count(*)::int AS n FROM pg_shdepend d
          JOIN pg_database db ON db.oid = d.dbid JOIN pg_roles a ON a.oid = d.refobjid
         WHERE db.datname = current_database() AND left(a.rolname, ${templateMarker.length}) = ${templateMarker}`;
      expect(held[0]!.n).toBe(0);
    }
    // Every copy drew its own ids for the rows the migrations seed (the lab stages).
    const stageIds = await Promise.all(
      [...ids, later].map(async (id) => {
        const sql = sqlClient((await tenantConnection(platform, id)).connectionString);
        return (await sql`SELECT id FROM lab_stages ORDER BY position`).map((row) => String(row.id));
      }),
    );
    expect(stageIds[0]).toHaveLength(7);
    expect(new Set(stageIds.flat()).size).toBe(7 * stageIds.length);
    // A shop's role reaches neither the template nor another shop.
    const { connectionString } = await tenantConnection(platform, ids[0]!);
    const onTemplate = new URL(connectionString);
    onTemplate.pathname = `/${encodeURIComponent(templateMarker + version)}`;
    await expect(sqlClient(onTemplate.toString())`SELECT 1`).rejects.toThrow();
    const onOther = new URL(connectionString);
    onOther.pathname = new URL((await tenantConnection(platform, ids[1]!)).connectionString).pathname;
    await expect(sqlClient(onOther.toString())`SELECT 1`).rejects.toThrow(/permission denied/);
  });

  it('rebuilds a template whose build was interrupted, and a new version drops the older template', async () => {
    const version = `1_s${Date.now().toString(36)}`;
    const name = templateMarker + version;
    // What a build killed half-way leaves: the database, marked as building since long ago.
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.query(`COMMENT ON DATABASE "${name}" IS 'building since 2020-01-01T00:00:00.000Z'`);
    const builds = { count: 0 };
    const id = newId();
    await createTenant(await platformWithTemplate(version, builds), { id, name: 'Óptica', domains: [id] });
    expect(builds.count).toBe(1);
    expect((await templates(version))[0]).toMatchObject({ datistemplate: true });

    const next = `2_s${Date.now().toString(36)}`;
    const other = newId();
    const nextPlatform = await platformWithTemplate(next, builds);
    await createTenant(nextPlatform, { id: other, name: 'Óptica', domains: [other] });
    expect(builds.count).toBe(2);
    expect(await templates(version)).toEqual([]);
    expect((await templates(next))[0]).toMatchObject({ datistemplate: true });
    expect(await foreignOwners(nextPlatform, other)).toEqual([]);
  });

  it('a copy the admin cannot hand over (REASSIGN refused) is dropped, and the shop made empty and migrated', async () => {
    const version = `1_r${Date.now().toString(36)}`;
    const builds = { count: 0 };
    // The admin may work on the template but not on the shop's copy: its hand-over statement fails.
    const refused = (connectionString: string) =>
      decodeURIComponent(new URL(connectionString).pathname).includes(templateMarker)
        ? sqlClient(connectionString)
        : sqlClient(connectionString.replace(/\/\/[^@]*@/, '//nobody:wrong@'));
    const platform = await platformWithTemplate(version, builds, refused);
    const id = newId();
    await createTenant(platform, { id, name: 'Óptica', domains: [id] });
    expect(builds.count).toBe(1);
    expect(await foreignOwners(platform, id)).toEqual([]);
    const sql = sqlClient((await tenantConnection(platform, id)).connectionString);
    expect((await sql`SELECT count(*)::int AS n FROM lab_stages`)[0]!.n).toBe(7);
  });

  it('a build under way elsewhere is not waited for: the shop is made without it', async () => {
    const version = `1_b${Date.now().toString(36)}`;
    const name = templateMarker + version;
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.query(`COMMENT ON DATABASE "${name}" IS 'building since ${new Date().toISOString()}'`);
    const builds = { count: 0 };
    const platform = await platformWithTemplate(version, builds);
    const id = newId();
    await createTenant(platform, { id, name: 'Óptica', domains: [id] });
    expect(builds.count).toBe(0);
    expect(await foreignOwners(platform, id)).toEqual([]);
    await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
  });
});
