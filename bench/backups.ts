/**
 * Backups of a large shop (bench/large-shop.ts: 100,000 contacts and 50,000 invoices, about
 * 335,000 rows) through every path that takes or restores one:
 *   18a/18b the admin panel's jobs: POST /admin/tenants/<id>/backups and .../restore (as a copy),
 *           run by the Worker's own queue consumer;
 *   18c     the daily Cron Trigger (the Worker's scheduled handler, every active tenant);
 *   18d/18e the CLI: `npx optiflow tenants:backup --tenants=<id>` and `tenants:restore <id> <key> --as <new>`.
 * The Worker (src/index.ts with wrangler.toml) runs in a workerd of its own, started by
 * unstable_startWorker without file watching (a neighbour's edit must not restart it mid-job), so its
 * resident memory, sampled every 20 ms from /proc, is the jobs' alone. The CLI's peak is the RSS of
 * its process tree (node and getPlatformProxy's workerd). Every copy is compared with the original
 * table by table (row count and md5 of every row).
 * Rows of `npm run bench` (with 17a-c, the month's reports, on the same shop, and 19, the CLI's
 * start); OPTIFLOW_BENCH_LARGE=<contacts>,<invoices> makes the shop smaller (e.g. 10000,5000).
 * Alone: `npx tsx bench/backups.ts [contacts] [invoices]`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { unstable_startWorker } from 'wrangler';
import { platformAdmins, platformJobs, tenants } from '../src/db/central-schema';
import { sqlClient, type Sql } from '../src/db/client';
import { createAdminSession } from '../src/services/platform/sessions';
import { tenantConnection } from '../src/tenancy/lifecycle';
import { cliStartRows } from './cli-start';
import { checkLargeShopPages, createLargeShop, type SeededShop } from './large-shop';
import { monthReportRows } from './reports';
import { withStack, type BenchStack, type Row } from './run';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const limitBytes = 128 * 1024 * 1024;

/** The large shop's size: OPTIFLOW_BENCH_LARGE=<contacts>,<invoices>; the month holds 60% of the invoices. */
export function largeShopSize(value = process.env.OPTIFLOW_BENCH_LARGE) {
  const [contacts, invoices] = (value ?? '100000,50000').split(',').map(Number);
  if (!contacts || !invoices || contacts < 50)
    throw new Error(`OPTIFLOW_BENCH_LARGE=<contacts>,<invoices>, not ${value}`);
  return { contacts, invoices, monthInvoices: Math.round(invoices * 0.6) };
}

interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
}

function processes(): ProcEntry[] {
  const list: ProcEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      list.push({
        pid: Number(entry),
        comm: stat.slice(stat.indexOf('(') + 1, close),
        ppid: Number(stat.slice(close + 2).split(' ')[1]),
      });
    } catch {
      // exited between readdir and read
    }
  }
  return list;
}

function rssBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** `pid` and its descendants. */
function tree(pid: number): number[] {
  const all = processes();
  const found = [pid];
  for (let i = 0; i < found.length; i++) for (const p of all) if (p.ppid === found[i]) found.push(p.pid);
  return found;
}

/** Runs `work` while sampling the RSS of `pids()` (summed) every 20 ms: seconds, RSS before, peak and peak growth. */
async function sampled<T>(pids: () => number[], work: () => Promise<T>) {
  const total = () => pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
  const before = total();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, total());
  }, 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, total());
    return { value, seconds: (performance.now() - started) / 1000, before, peak, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** Row count and md5 of every row, per table. */
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

/** wrangler dev's --persist-to (the bench's state directory), read from its command line: the CLI must use the same R2. */
function wranglerPersistDir(port: number): string {
  for (const p of processes()) {
    try {
      const args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('--persist-to');
      if (args.includes('dev') && args[args.indexOf('--port') + 1] === String(port) && at > 0) return args[at + 1]!;
    } catch {
      // exited
    }
  }
  throw new Error(`no wrangler dev with --persist-to on port ${port}`);
}

/** Rows 17a-c, 18a-e and 19a-b on one large shop. */
export async function largeShopRows(bench: BenchStack, progress: (line: string) => void): Promise<Row[]> {
  const size = largeShopSize();
  progress(`rows 17-18: seeding a shop of ${size.contacts} contacts and ${size.invoices} invoices...`);
  const shop = await createLargeShop(bench.platform, 'bench-large', size);
  progress(`rows 17-18: ${shop.totalRows} rows in ${shop.seconds.toFixed(1)} s; reading it back through the app...`);
  // A page that fails says so but does not cost the backup rows (wrangler dev rebuilds on every edit in the checkout).
  await checkLargeShopPages(bench.port, shop).catch((error: unknown) => progress(`WARNING: ${String(error)}`));
  const rows = await monthReportRows(bench.stack, bench.port, shop, progress);
  rows.push(...(await backupRows(bench, shop, progress)));
  rows.push(...(await cliStartRows(bench, progress, wranglerPersistDir(bench.port))));
  return rows;
}

async function backupRows(bench: BenchStack, shop: SeededShop, progress: (line: string) => void): Promise<Row[]> {
  const { platform, stack } = bench;
  const original = await fingerprint(sqlClient(shop.connectionString));
  const sameAs = async (tenantId: string) => {
    const copy = await fingerprint(sqlClient((await tenantConnection(platform, tenantId)).connectionString));
    const differing = Object.keys(original).filter((table) => copy[table] !== original[table]);
    return differing.length === 0 ? 'copy equal row by row' : `copy DIFFERENT in ${differing.join(', ')}`;
  };
  const load = `${shop.totalRows.toLocaleString('en')} rows (${shop.rows.contacts?.toLocaleString('en')} contacts, ${shop.rows.invoices?.toLocaleString('en')} invoices)`;
  const row = (
    id: string,
    scenario: string,
    m: { seconds: number; before: number; peak: number; growth: number },
    result: string,
    memory: 'growth' | 'peak',
  ): Row => ({
    id,
    scenario,
    load,
    time: `${m.seconds.toFixed(1)} s`,
    throughput: `${Math.round(shop.totalRows / m.seconds).toLocaleString('en')} rows/s`,
    ratio: '',
    p50: '',
    tail: result,
    central: '',
    tenant: '',
    cpuPerOp: '',
    cpu: memory === 'growth' ? `workerd RSS ${mib(m.before)} + ${mib(m.growth)} at peak` : `peak RSS ${mib(m.peak)}`,
    target: memory === 'growth' ? 'workerd growth < 128 MB' : '',
    met: memory === 'growth' ? (m.growth < limitBytes ? 'met' : '**not met**') : '',
  });
  const rows: Row[] = [];

  const before = new Set(
    processes()
      .filter((p) => p.comm === 'workerd' && p.ppid === process.pid)
      .map((p) => p.pid),
  );
  const worker = await unstable_startWorker({
    config: path.join(root, 'wrangler.toml'),
    bindings: Object.fromEntries(
      Object.entries(stack.env).map(([name, value]) => [name, { type: 'plain_text', value }]),
    ),
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, logLevel: 'error' },
  } as unknown as Parameters<typeof unstable_startWorker>[0]);
  try {
    await worker.ready;
    const pid = processes().find((p) => p.comm === 'workerd' && p.ppid === process.pid && !before.has(p.pid))?.pid;
    if (!pid) throw new Error('the bench Worker has no workerd process of its own');
    const [admin] = await platform.central
      .insert(platformAdmins)
      .values({ email: `bench-${Date.now()}@optiflow.test`, name: 'Bench', status: 'active' })
      .returning();
    const { token } = await createAdminSession(platform.central, { adminId: admin!.id, verified: true });
    const post = async (pathname: string, fields: Record<string, string> = {}) => {
      const response = await worker.fetch(`http://localhost${pathname}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: 'http://localhost',
          Cookie: `optiflow_admin=${token}`,
        },
        body: new URLSearchParams(fields).toString(),
      });
      const jobId = /\/admin\/jobs\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1];
      if (response.status !== 303 || !jobId)
        throw new Error(`POST ${pathname}: ${response.status} ${await response.text()}`);
      return jobId;
    };
    const finished = async (jobId: string) => {
      for (;;) {
        const [job] = await platform.central.select().from(platformJobs).where(eq(platformJobs.id, jobId));
        if (job?.status === 'succeeded') return job.result as Record<string, unknown>;
        if (job?.status === 'failed') throw new Error(`job ${job.kind} failed: ${job.error}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const workerPids = () => [pid];

    progress('row 18a: the panel backup job...');
    const backup = await sampled(workerPids, async () =>
      finished(await post(`/admin/tenants/${shop.tenantId}/backups`)),
    );
    const key = String(backup.value.key);
    rows.push(
      row(
        '18a',
        'backup, admin panel job (Worker queue consumer)',
        backup,
        `${mib(Number(backup.value.size))} gzip, ${backup.value.rows} rows`,
        'growth',
      ),
    );

    progress('row 18b: the panel restore-as-copy job...');
    const stamp = /(\d{8}T\d{6}Z)\.json\.gz$/.exec(key)![1]!;
    const copy = `${shop.tenantId}-panel`;
    const restore = await sampled(workerPids, async () =>
      finished(
        await post(`/admin/tenants/${shop.tenantId}/backups/${stamp}/restore`, { mode: 'copy', newTenant: copy }),
      ),
    );
    rows.push(
      row('18b', 'restore as a copy, admin panel job (Worker queue consumer)', restore, await sameAs(copy), 'growth'),
    );

    progress('row 18c: the daily Cron Trigger (every active tenant)...');
    const active = (await platform.central.select({ id: tenants.id, status: tenants.status }).from(tenants)).filter(
      (tenant) => tenant.status === 'active',
    ).length;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a new second: a new backup stamp
    const cron = await sampled(workerPids, async () => {
      const response = await worker.fetch('http://localhost/cdn-cgi/local/scheduled?cron=0+7+*+*+*&format=json');
      const outcome = (await response.json()) as { outcome: string };
      if (outcome.outcome !== 'ok') throw new Error(`scheduled: ${JSON.stringify(outcome)}`);
    });
    const listing = await worker.fetch(`http://localhost/admin/tenants/${shop.tenantId}/backups`, {
      headers: { Cookie: `optiflow_admin=${token}` },
    });
    const listed = new Set((await listing.text()).match(/\d{8}T\d{6}Z/g) ?? []).size;
    rows.push({
      ...row(
        '18c',
        `backup, daily Cron Trigger (Worker scheduled handler, ${active} active tenants, 4 at a time)`,
        cron,
        `the large shop now has ${listed} backups`,
        'growth',
      ),
      throughput: '',
    });
  } finally {
    await worker.dispose();
  }

  const persistTo = wranglerPersistDir(bench.port);
  const cliEnv = { ...process.env, ...stack.env, WRANGLER_LOG: 'error' };
  let running = 0;
  const cli = (args: string[]) =>
    sampled(
      () => (running ? tree(running) : []),
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn('npx', ['optiflow', ...args, '--persist-to', persistTo], {
            cwd: root,
            env: cliEnv,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          running = child.pid ?? 0;
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
          child.on('error', reject);
          child.on('exit', (code) => {
            running = 0;
            if (code === 0) resolve(output);
            else reject(new Error(`npx optiflow ${args.join(' ')} exited ${code}: ${output}`));
          });
        }),
    );
  progress('row 18d: npx optiflow tenants:backup...');
  const cliBackup = await cli(['tenants:backup', `--tenants=${shop.tenantId}`]);
  const cliKey = /(backups\/\S+\.json\.gz)/.exec(cliBackup.value)?.[1];
  if (!cliKey) throw new Error(`tenants:backup printed no key: ${cliBackup.value}`);
  rows.push(
    row(
      '18d',
      '`npx optiflow tenants:backup --tenants=<id>`',
      cliBackup,
      cliBackup.value.trim().split(': ').at(-1)!,
      'peak',
    ),
  );
  progress('row 18e: npx optiflow tenants:restore --as...');
  const cliCopy = `${shop.tenantId}-cli`;
  const cliRestore = await cli(['tenants:restore', shop.tenantId, cliKey, '--as', cliCopy]);
  rows.push(
    row('18e', '`npx optiflow tenants:restore <id> <backup> --as <new>`', cliRestore, await sameAs(cliCopy), 'peak'),
  );
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2]) process.env.OPTIFLOW_BENCH_LARGE = `${process.argv[2]},${process.argv[3] ?? 50_000}`;
  await withStack(async (bench) => {
    for (const row of await largeShopRows(bench, (line) => process.stderr.write(`${line}\n`)))
      console.log(
        `| ${row.id} | ${row.scenario} | ${row.load} | ${row.time} | ${row.tail} | ${row.cpu} | ${row.met} |`,
      );
  });
  process.exit(0);
}
