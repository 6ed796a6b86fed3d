/**
 * `npx tsx bench/backups.ts [contacts]`: backup and restore-as-copy of a large shop inside workerd,
 * with that workerd's resident memory sampled every 20 ms (Linux /proc). The shop is seeded in
 * Postgres (contacts with about 500 bytes of notes each, default 100,000), backed up and restored
 * by bench/backup-worker.ts (the functions the panel job runs), and the copy compared with the
 * original table by table (row count and md5 of every row). Prints one markdown table row per step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_startWorker } from 'wrangler';
import { sqlClient, type Sql } from '../src/db/client';
import { tenantConnection } from '../src/tenancy/lifecycle';
import { createTenant } from '../src/tenancy/provisioning';
import { withStack } from './run';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contacts = Number(process.argv[2] ?? 100_000);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function workerdPids(): Set<number> {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'workerd' && ppid === process.pid) pids.add(Number(entry));
    } catch {
      // exited between readdir and read
    }
  }
  return pids;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Runs `work` while sampling the process's RSS: seconds and the peak growth over the RSS before. */
async function sampled<T>(pid: number, work: () => Promise<T>) {
  const before = rssBytes(pid);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, rssBytes(pid));
    return { value, seconds: (performance.now() - started) / 1000, growth: peak - before, before };
  } finally {
    clearInterval(timer);
  }
}

async function fingerprint(sql: Sql): Promise<Record<string, string>> {
  const tables =
    await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const result: Record<string, string> = {};
  for (const { table_name: table } of tables) {
    const [row] = await sql.query(
      `SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') AS f FROM "${table}" t`,
    );
    result[table as string] = row!.f as string;
  }
  return result;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

await withStack(async ({ stack, platform }) => {
  const id = `bench-backup-${Date.now().toString(36)}`;
  await createTenant(platform, { id, name: 'Óptica grande', domains: [id], seed: false });
  const sql = sqlClient((await tenantConnection(platform, id)).connectionString);
  progress(`seeding ${contacts} contacts...`);
  for (let start = 0; start < contacts; start += 20_000) {
    await sql.query(
      `INSERT INTO contacts (name, phone, notes)
       SELECT 'Cliente ' || i || ' Núñez', '809' || lpad(i::text, 7, '0'), repeat('Nota "' || i || '" con ñ. ', 30)
         FROM generate_series($1::int, $2::int) AS i`,
      [start + 1, Math.min(start + 20_000, contacts)],
    );
  }
  const [size] = await sql`SELECT sum(length(json_build_array(c.*)::text))::bigint AS bytes FROM contacts c`;
  const before = workerdPids();
  process.env.WRANGLER_LOG = 'error';
  const worker = await unstable_startWorker({
    entrypoint: path.join(root, 'bench/backup-worker.ts'),
    compatibilityDate: '2026-10-01',
    compatibilityFlags: ['nodejs_compat'],
    bindings: {
      ...Object.fromEntries(Object.entries(stack.env).map(([name, value]) => [name, { type: 'plain_text', value }])),
      FILES: { type: 'r2_bucket', bucket_name: 'bench-backups' },
      KV: { type: 'kv_namespace', id: 'bench-kv' },
    },
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, logLevel: 'error' },
  } as unknown as Parameters<typeof unstable_startWorker>[0]);
  try {
    await worker.ready;
    const pid = [...workerdPids()].find((candidate) => !before.has(candidate));
    if (!pid) throw new Error('the bench worker has no workerd process of its own');
    const call = async (query: string) => {
      const response = await worker.fetch(`http://bench.local/?${query}`);
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${query}: ${String(body.error)}`);
      return body;
    };
    progress('backup...');
    const backup = await sampled(pid, () => call(`op=backup&tenant=${id}`));
    const copy = `${id}-copy`;
    progress('restore as a copy...');
    const restore = await sampled(pid, () => call(`op=restore&key=${String(backup.value.key)}&into=${copy}`));
    const equal =
      JSON.stringify(await fingerprint(sqlClient((await tenantConnection(platform, copy)).connectionString))) ===
      JSON.stringify(await fingerprint(sql));
    console.log('| step | load | time | workerd RSS before | peak growth | result |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const load = `${contacts} contacts, ${mib(Number(size!.bytes))} of row JSON`;
    console.log(
      `| backup (in workerd) | ${load} | ${backup.seconds.toFixed(1)} s | ${mib(backup.before)} | ${mib(backup.growth)} | ${mib(Number(backup.value.size))} gzip |`,
    );
    console.log(
      `| restore as a copy (in workerd) | ${load} | ${restore.seconds.toFixed(1)} s | ${mib(restore.before)} | ${mib(restore.growth)} | copy ${equal ? 'equal' : 'DIFFERENT'} row by row |`,
    );
  } finally {
    await worker.dispose();
  }
});
process.exit(0);
