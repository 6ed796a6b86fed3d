/**
 * `npx tsx bench/reports.ts [invoices]`: the DGII 607/608 of a month of 30,000 invoices (default)
 * over HTTP under wrangler dev, with the Worker's workerd sampled from /proc (RSS every 10 ms, CPU
 * before and after), the tenant database's statements from the endpoint's counters, and the
 * largest database response (the JSON of each statement the report runs, read through the same
 * query functions) beside the one-shot statement the reports ran before issue 12.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { createSession } from '../src/auth/session';
import { tenantDb, type TenantDb } from '../src/db/client';
import { branches, company, fiscalSequences, users } from '../src/db/tenant-schema';
import { periodRange } from '../src/domain/dgii-reports';
import { shopTimeZone } from '../src/domain/dates';
import { dgiiPeriodHead, dgiiSalesPage, reportPageSize, type ReportCursor } from '../src/queries/reports';
import { tenantConnection } from '../src/tenancy/lifecycle';
import { createTenant } from '../src/tenancy/provisioning';
import { wranglerRuntimePids } from './cpu';
import { withStack } from './run';

const count = Number(process.argv[2] ?? 30_000);
const period = '202503';
const progress = (line: string) => process.stderr.write(`${line}\n`);

function rssBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The same month as test/worker/reports-paged.test.ts (see there), at bench size. */
async function seedMonth(db: TenantDb, branchId: string, recId: string): Promise<void> {
  await db.execute(sql`
    INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, buyer_id_type, buyer_id_number, branch_id, currency_code,
                          taxable_total, itbis_total, total, taxable_total_dop, itbis_total_dop, total_dop, paid_total,
                          voided_at, void_reason)
    SELECT 'invoice', CASE WHEN g % 50 = 0 THEN 'voided' WHEN g % 3 = 0 THEN 'paid' ELSE 'issued' END,
           t.type, t.type || lpad(g::text, CASE WHEN t.type LIKE 'E%' THEN 10 ELSE 8 END, '0'),
           date '2025-03-01' + (g * 7919 % 31),
           CASE WHEN t.type IN ('B01', 'E31') OR t.amount > 250000 THEN 'rnc' END,
           CASE WHEN t.type IN ('B01', 'E31') OR t.amount > 250000 THEN '131246796' END,
           ${branchId}, 'DOP', t.amount, t.itbis, t.amount + t.itbis, t.amount, t.itbis, t.amount + t.itbis,
           CASE WHEN g % 3 = 0 AND g % 50 <> 0 THEN t.amount + t.itbis ELSE 0 END,
           CASE WHEN g % 50 = 0 THEN (timestamp '2025-03-02 10:00' + (g % 25) * interval '1 day') AT TIME ZONE ${shopTimeZone} END,
           CASE WHEN g % 50 = 0 THEN '0' || (1 + g % 9) END
      FROM generate_series(1, ${count}) g,
           LATERAL (SELECT (ARRAY['B01', 'B02', 'E31', 'E32'])[1 + g % 4] AS type,
                           ((g % 997 + 1) * 10.37 + CASE WHEN g % 40 = 1 THEN 300000 ELSE 0 END)::numeric(14, 2) AS amount) a,
           LATERAL (SELECT a.type, a.amount, round(a.amount * 0.18, 2) AS itbis) t`);
  await db.execute(sql`
    INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, status)
    SELECT id, 'REC-' || id, ${recId}, branch_id, issued_on, (ARRAY['1', '2', '3'])[1 + abs(hashtext(ncf)) % 3], total, 'active'
      FROM invoices WHERE status = 'paid'`);
  await db.execute(sql`ANALYZE invoices`);
  await db.execute(sql`ANALYZE payments`);
}

function download(
  port: number,
  host: string,
  path: string,
  cookie: string,
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, headers: { host, cookie } }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
    });
    request.on('error', reject);
    request.end();
  });
}

await withStack(async ({ stack, platform, port }) => {
  const id = `bench-reports-${Date.now().toString(36)}`;
  await createTenant(platform, { id, name: 'Óptica Reportes', domains: [id] });
  const db = tenantDb((await tenantConnection(platform, id)).connectionString);
  await db.update(company).set({ rnc: '130123454' });
  const [branch] = await db.select().from(branches);
  const [rec] = await db.select().from(fiscalSequences).where(sql`doc_type = 'REC'`);
  progress(`seeding ${count} invoices in ${period}...`);
  await seedMonth(db, branch!.id, rec!.id);
  const [owner] = await db
    .insert(users)
    .values({ email: 'bench@example.test', name: 'Bench', role: 'owner', status: 'active' })
    .returning();
  const cookie = `optiflow_session=${(await createSession(db, { userId: owner!.id })).token}`;
  const host = `${id}.localhost:${port}`;
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  const database = `optiflow_${id.replace(/-/g, '_')}`;
  const pid = Number(wranglerRuntimePids().split(',').at(-1));
  if (!pid) throw new Error('no workerd under wrangler dev');

  // Largest database response: each statement the 607 runs, as JSON, beside the one-shot of before.
  const head = await dgiiPeriodHead(db, period, 'sales');
  let largest = JSON.stringify(head).length;
  const full = (page: Array<{ issuedOn: string; ncf: string }>): ReportCursor | null => {
    const last = page.at(-1);
    return page.length === reportPageSize && last ? { issuedOn: last.issuedOn, ncf: last.ncf } : null;
  };
  let cursor = full(head.firstPage);
  let pageCount = 1;
  while (cursor) {
    const page = await dgiiSalesPage(db, period, cursor);
    largest = Math.max(largest, JSON.stringify(page).length);
    pageCount += 1;
    cursor = full(page);
  }
  const { start, end } = periodRange(period);
  const oneShot = await db.execute<{ bytes: string }>(sql`
    SELECT length(coalesce(json_agg(json_build_object(
          'kind', i.kind, 'ncfType', i.ncf_type, 'ncf', i.ncf, 'modifiedNcf', i.modified_ncf, 'issuedOn', i.issued_on::text,
          'buyerIdType', i.buyer_id_type, 'buyerIdNumber', i.buyer_id_number, 'exchangeRate', i.exchange_rate::text,
          'total', i.total::text, 'creditedTotal', i.credited_total::text,
          'taxableTotalDop', i.taxable_total_dop::text, 'exemptTotalDop', i.exempt_total_dop::text,
          'itbisTotalDop', i.itbis_total_dop::text, 'totalDop', i.total_dop::text,
          'payments', (SELECT coalesce(json_object_agg(p.method, p.amount), '{}'::json)
                         FROM (SELECT method, sum(amount)::text AS amount FROM payments
                                WHERE invoice_id = i.id AND status = 'active' GROUP BY method) p)
        ) ORDER BY i.issued_on, i.ncf), '[]'::json)::text)::text AS bytes
      FROM invoices i
     WHERE i.status NOT IN ('draft', 'voided') AND i.ncf IS NOT NULL
       AND i.issued_on >= ${start}::date AND i.issued_on < ${end}::date`);

  const measure = async (path: string) => {
    await download(port, host, path, cookie); // warm: the first request builds the tenant's caches
    await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
    const before = rssBytes(pid);
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, rssBytes(pid));
    }, 10);
    const cpu = cpuSeconds(pid);
    const started = performance.now();
    const result = await download(port, host, path, cookie);
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, rssBytes(pid));
    const stats = (await (await fetch(`${endpoint}/_stats`)).json()) as { byDatabase: Record<string, number> };
    return {
      ...result,
      seconds,
      cpu: cpuSeconds(pid) - cpu,
      growth: peak - before,
      statements: stats.byDatabase[database] ?? 0,
    };
  };
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  console.log(`| step | load | time | workerd CPU | workerd RSS growth | DB statements | answer |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [step, path] of [
    ['607 TXT', `/reports/dgii/607.txt?period=${period}`],
    ['608 TXT', `/reports/dgii/608.txt?period=${period}`],
    ['preview page', `/reports/dgii?period=${period}`],
  ] as const) {
    const m = await measure(path);
    console.log(
      `| ${step} | ${count} invoices in the month | ${(m.seconds * 1000).toFixed(0)} ms | ${(m.cpu * 1000).toFixed(0)} ms | ${mib(m.growth)} | ${m.statements} | ${m.status}, ${(m.bytes / 1024).toFixed(0)} KiB |`,
    );
  }
  console.log(
    `\nLargest database response of the 607: ${mib(largest)} (${pageCount} statements of at most ${reportPageSize} documents); the one-shot statement of before: ${mib(Number(oneShot.rows[0]!.bytes))}.`,
  );
});
process.exit(0);
