/**
 * The DGII 607/608 and the preview of a month of 30,000 invoices (bench/large-shop.ts's month)
 * over HTTP under wrangler dev, with the Worker's workerd sampled from /proc (RSS every 10 ms, CPU
 * before and after), the tenant database's statements from the endpoint's counters, and the
 * largest database response (the JSON of each statement the report runs, read through the same
 * query functions) beside the one-shot statement the reports ran before issue 12.
 * Rows 17a-c of `npm run bench`; alone: `npx tsx bench/reports.ts [invoices in the month]`.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { DevStack } from '../dev/stack';
import { tenantDb } from '../src/db/client';
import { periodRange } from '../src/domain/dgii-reports';
import { dgiiPeriodHead, dgiiSalesPage, reportPageSize, type ReportCursor } from '../src/queries/reports';
import { wranglerRuntimePids } from './cpu';
import { checkLargeShopPages, createLargeShop, type SeededShop } from './large-shop';
import { withStack, type Row } from './run';

// A runtime that wrangler dev replaced (an edit in the checkout) reads as 0: the measurement is repeated.
function rssBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
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

/** Rows 17a-c: the month's 607, 608 and preview page of `shop` (seeded by bench/large-shop.ts) through wrangler dev. */
export async function monthReportRows(
  stack: DevStack,
  port: number,
  shop: SeededShop,
  progress: (line: string) => void,
): Promise<Row[]> {
  const { period, monthInvoices: count, cookie } = shop;
  const db = tenantDb(shop.connectionString);
  const host = `${shop.tenantId}.localhost:${port}`;
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  const database = `optiflow_${shop.tenantId.replace(/-/g, '_')}`;
  progress(`rows 17a-c: the 607/608 of ${period} (${count} invoices in the month)...`);
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

  const measureOnce = async (path: string) => {
    const pid = Number(wranglerRuntimePids().split(',').at(-1));
    if (!pid) throw new Error('no workerd under wrangler dev');
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
      sameRuntime: rssBytes(pid) > 0,
    };
  };
  const measure = async (path: string) => {
    let m = await measureOnce(path);
    for (let retry = 0; (!m.sameRuntime || Number.isNaN(m.cpu)) && retry < 3; retry++) m = await measureOnce(path);
    return m;
  };
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const rows: Row[] = [];
  for (const [id, step, path] of [
    ['17a', '607 TXT', `/reports/dgii/607.txt?period=${period}`],
    ['17b', '608 TXT', `/reports/dgii/608.txt?period=${period}`],
    ['17c', 'preview page', `/reports/dgii?period=${period}`],
  ] as const) {
    const m = await measure(path);
    rows.push({
      id,
      scenario: `DGII month report, ${step}, paged (wrangler dev)`,
      load: `${count.toLocaleString('en')} invoices in the month`,
      time: `${(m.seconds * 1000).toFixed(0)} ms`,
      throughput: '',
      ratio: '',
      p50: '',
      tail: `answer ${m.status}, ${(m.bytes / 1024).toFixed(0)} KiB`,
      central: '',
      tenant: String(m.statements),
      cpuPerOp: `${(m.cpu * 1000).toFixed(0)} ms`,
      cpu: `workerd RSS growth ${mib(m.growth)}`,
      target: id === '17a' ? 'answer 200, largest DB response < 10 MB' : 'answer 200',
      met:
        m.status !== 200
          ? '**not met**'
          : id === '17a'
            ? `${largest < 10_000_000 ? 'met' : '**not met**'}: ${mib(largest)} (${pageCount} pages; one-shot ${mib(Number(oneShot.rows[0]!.bytes))})`
            : 'met',
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 30_000);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  await withStack(async ({ stack, platform, port }) => {
    progress(`seeding a shop with ${count} invoices in one month...`);
    const shop = await createLargeShop(platform, 'bench-reports', {
      contacts: Math.max(1_000, count),
      invoices: count,
      monthInvoices: count,
    });
    progress(
      `seeded ${shop.totalRows} rows in ${shop.seconds.toFixed(1)} s; pages: ${(await checkLargeShopPages(port, shop)).join(', ')}`,
    );
    for (const row of await monthReportRows(stack, port, shop, progress)) console.log(JSON.stringify(row));
  });
  process.exit(0);
}
