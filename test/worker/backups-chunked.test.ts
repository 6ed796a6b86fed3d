import { neonConfig } from '@neondatabase/serverless';
import { describe, expect, it } from 'vitest';
import { sqlClient, type Sql } from '../../src/db/client';
import {
  backupKey,
  backupTenant,
  chunkRows,
  encodeBackup,
  manifestKey,
  readBackup,
  restoreBackup,
  type BackupManifest,
} from '../../src/services/platform/backups';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { getTenantRow } from '../../src/tenancy/provisioning';
import { createTestTenant, newTenantId, platform } from '../support/worker/helpers';

/** What the Neon driver's HTTP requests are capped at (the local endpoint answers 413 above it, as Neon does). */
const requestLimit = 10 * 1024 * 1024;
const contactCount = 5000;

async function tenantSql(tenantId: string): Promise<Sql> {
  const { connectionString } = await tenantConnection(await platform(), tenantId);
  return sqlClient(connectionString);
}

/** Per table: row count and an md5 of every row's text, in a stable order (compares row by row without holding them). */
async function fingerprint(sql: Sql): Promise<Record<string, string>> {
  const tables =
    await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const result: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const [row] = await sql.query(
      `SELECT count(*) || ':' || coalesce(md5(string_agg(to_jsonb(t)::text, '|' ORDER BY to_jsonb(t)::text)), '') AS f FROM "${table}" t`,
    );
    result[table as string] = row!.f as string;
  }
  return result;
}

/** A shop whose contacts alone are about 16 MB of JSON: more than one request may carry. */
async function largeShop() {
  const tenant = await createTestTenant({ seed: false });
  const sql = await tenantSql(tenant.id);
  await sql.query(
    `INSERT INTO contacts (name, phone, notes)
     SELECT CASE i WHEN 1 THEN 'María ' ELSE 'Cliente ' END || i || ' Núñez', '809' || lpad(i::text, 7, '0'), repeat('Línea "' || i || '" con ñ y acentos. ', 80)
       FROM generate_series(1, ${contactCount}) AS i`,
  );
  return { tenant, sql };
}

/** Records the size of every HTTP request body the Neon driver sends while `work` runs; `fail` may throw instead of sending. */
async function recordingRequests<T>(
  work: () => Promise<T>,
  fail?: (body: string) => boolean,
): Promise<{ result: T | Error; sizes: number[]; bodies: number }> {
  const sizes: number[] = [];
  const previous = neonConfig.fetchFunction;
  neonConfig.fetchFunction = async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    if (fail?.(body)) throw new Error('connection dropped (test)');
    sizes.push(new TextEncoder().encode(body).byteLength);
    return fetch(input, init);
  };
  try {
    return { result: await work().catch((error: Error) => error), sizes, bodies: sizes.length };
  } finally {
    neonConfig.fetchFunction = previous;
  }
}

describe('chunked backups of a large shop', { timeout: 120_000 }, () => {
  it('writes bounded chunks, restores as a copy in requests under the limit, and the copy is equal row by row', async () => {
    const p = await platform();
    const shop = await largeShop();
    const backup = await backupTenant(p, shop.tenant.id);
    const stored = await p.files.get(manifestKey(backup.key));
    const manifest = (await stored!.json()) as BackupManifest;
    const contactChunks = manifest.chunks.filter((chunk) => chunk.table === 'contacts');
    expect(manifest.header.tables.contacts).toBe(contactCount);
    expect(contactChunks.length).toBeGreaterThanOrEqual(Math.ceil(contactCount / chunkRows));
    expect(Math.max(...contactChunks.map((chunk) => chunk.rows))).toBeLessThanOrEqual(chunkRows);

    const copy = newTenantId('big');
    const { result, sizes } = await recordingRequests(() => restoreBackup(p, { backupKey: backup.key, into: copy }));
    if (result instanceof Error) throw result;
    const total = sizes.reduce((sum, size) => sum + size, 0);
    // The load carried more than one request may: one request per table (the old restore) would have been refused.
    expect(total).toBeGreaterThan(requestLimit);
    expect(Math.max(...sizes)).toBeLessThan(requestLimit / 4);
    expect((await getTenantRow(p, copy))?.status).toBe('active');
    expect(await fingerprint(await tenantSql(copy))).toEqual(await fingerprint(shop.sql));
    // name_fold is generated: the restore leaves it out and the copy's database computes it again.
    const found = await (await tenantSql(copy))`SELECT name FROM contacts WHERE name_fold LIKE '%maria%'`;
    expect(found.map((row) => row.name)).toEqual(['María 1 Núñez']);
  });

  it('a restore as a copy interrupted mid-way resumes at its last committed chunk', async () => {
    const p = await platform();
    const shop = await largeShop();
    const backup = await backupTenant(p, shop.tenant.id);
    const copy = newTenantId('resume');
    let chunkRequests = 0;
    const interrupted = await recordingRequests(
      () => restoreBackup(p, { backupKey: backup.key, into: copy }),
      (body) => body.includes('SET next_chunk') && ++chunkRequests === 3,
    );
    expect(interrupted.result).toBeInstanceOf(Error);
    expect((await getTenantRow(p, copy))?.status).toBe('failed');
    const copySql = await tenantSql(copy);
    const [progress] = await copySql`SELECT next_chunk FROM optiflow_restore.progress`;
    expect(progress!.next_chunk).toBe(2);

    const steps: Array<[string, string | undefined]> = [];
    let resumedChunks = 0;
    const resumed = await recordingRequests(
      () =>
        restoreBackup(p, {
          backupKey: backup.key,
          into: copy,
          progress: (step, message) => void steps.push([step, message]),
        }),
      (body) => {
        if (body.includes('SET next_chunk')) resumedChunks++;
        return false;
      },
    );
    if (resumed.result instanceof Error) throw resumed.result;
    const manifest = (await (await p.files.get(manifestKey(backup.key)))!.json()) as BackupManifest;
    expect(steps).toContainEqual(['resume', `2/${manifest.chunks.length}`]);
    expect(resumedChunks).toBe(manifest.chunks.length - 2);
    expect((await getTenantRow(p, copy))?.status).toBe('active');
    expect(await fingerprint(copySql)).toEqual(await fingerprint(shop.sql));
    const [schema] = await copySql`SELECT to_regnamespace('optiflow_restore') IS NULL AS gone`;
    expect(schema!.gone).toBe(true);
  });

  it('refuses a backup with one flipped byte in a chunk, or a tampered manifest, and changes nothing', async () => {
    const p = await platform();
    const tenant = await createTestTenant({ seed: false });
    const sql = await tenantSql(tenant.id);
    await sql.query(
      `INSERT INTO contacts (name, notes) SELECT 'Cliente ' || i, repeat('x', 500) FROM generate_series(1, 2500) AS i`,
    );
    const backup = await backupTenant(p, tenant.id);
    const object = await p.files.get(backup.key);
    const bytes = new Uint8Array(await object!.arrayBuffer());
    const manifestObject = await p.files.get(manifestKey(backup.key));
    const manifestText = await manifestObject!.text();
    const manifest = JSON.parse(manifestText) as BackupManifest;
    const second = manifest.chunks.find((chunk) => chunk.table === 'contacts' && chunk.offset > 0)!;

    const copyAt = async (stamp: string, data: Uint8Array, manifestBody: string, sha256: string) => {
      const key = `backups/${tenant.id}/${stamp}.json.gz`;
      await p.files.put(key, data, { customMetadata: object!.customMetadata });
      await p.files.put(manifestKey(key), manifestBody, { customMetadata: { sha256 } });
      return key;
    };
    const sha = manifestObject!.customMetadata!.sha256!;
    const intact = await copyAt('20200101T000000Z', bytes, manifestText, sha);
    const flipped = bytes.slice();
    const at = second.offset + Math.floor(second.length / 2);
    flipped[at] = flipped[at]! ^ 0x01;
    const flippedKey = await copyAt('20200101T000001Z', flipped, manifestText, sha);
    const tamperedKey = await copyAt(
      '20200101T000002Z',
      bytes,
      manifestText.replace(/"rows":(\d+)/, (_, n) => `"rows":${Number(n) + 1}`),
      sha,
    );

    for (const key of [flippedKey, tamperedKey]) {
      const into = newTenantId('bad');
      await expect(restoreBackup(p, { backupKey: key, into })).rejects.toThrow(
        /corrupted or incomplete.*nothing was changed/,
      );
      expect(await getTenantRow(p, into)).toBeNull();
    }
    // The same bytes, untouched, restore: it was the flipped byte that was refused.
    const good = newTenantId('good');
    await restoreBackup(p, { backupKey: intact, into: good });
    expect(await fingerprint(await tenantSql(good))).toEqual(await fingerprint(sql));
  });

  it('an old backup (format 1, one gzipped JSON) still restores, in chunks, row by row', async () => {
    const p = await platform();
    const tenant = await createTestTenant({ seed: false });
    const sql = await tenantSql(tenant.id);
    await sql.query(
      `INSERT INTO contacts (name, notes) SELECT 'Cliente ' || i, 'nota ' || i FROM generate_series(1, 2500) AS i`,
    );
    const document = await readBackup(p, (await backupTenant(p, tenant.id)).key);
    const { body, sha256 } = await encodeBackup({ ...document, header: { ...document.header, version: 1 } });
    const key = backupKey(tenant.id, '20190101T000000Z');
    await p.files.put(key, body, { customMetadata: { sha256 } });
    const copy = newTenantId('v1');
    const result = await restoreBackup(p, { backupKey: key, into: copy });
    expect(result.rows).toBe(Object.values(document.header.tables).reduce((sum, n) => sum + n, 0));
    expect(await fingerprint(await tenantSql(copy))).toEqual(await fingerprint(sql));
  });
});
