/**
 * Row 22: every business report (/reports/<key>) over HTTP under wrangler dev on a shop with 50,000
 * issued invoices (bench/large-shop.ts, with lines and payments), the range taking all of them: the
 * tenant database's round trips per page (the endpoint's counters) and the p50 of `requests` loads
 * each; and a CSV export of the largest sales report streamed in the response.
 * Alone: OPTIFLOW_BENCH_ONLY=reports npm run bench.
 */
import http from 'node:http';
import type { DevStack } from '../dev/stack';
import { businessReports } from '../src/services/shop/business-reports';
import type { Platform } from '../src/tenancy/platform';
import { createLargeShop, type SeededShop } from './large-shop';
import { percentile } from './load';
import { blankRow, type Row } from './row';

const plan = { contacts: 20_000, invoices: 50_000, monthInvoices: 5_000, requests: 7 };

/** A range that takes every seeded invoice (13 months), and the month with 5,000 of them. */
const everything = 'from=2020-01-01&to=2029-12-31';
const month = 'from=2025-03-01&to=2025-03-31';

interface Answer {
  status: number;
  bytes: number;
  ms: number;
}

function getter(port: number, shop: SeededShop) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const jar = new Map(shop.cookie.split('; ').map((pair) => pair.split('=', 2) as [string, string]));
  const get = (path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
      const started = performance.now();
      const request = http.request(
        { host: '127.0.0.1', port, path, agent, headers: { host: `${shop.tenantId}.localhost:${port}`, cookie } },
        (response) => {
          for (const line of response.headers['set-cookie'] ?? []) {
            const [pair = ''] = line.split(';');
            const at = pair.indexOf('=');
            jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
          }
          let bytes = 0;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.byteLength;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, bytes, ms: performance.now() - started }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end();
    });
  return { get, close: () => agent.destroy() };
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

export async function businessReportRows(
  platform: Platform,
  stack: DevStack,
  port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  progress(`row 22: seeding a shop with ${plan.invoices.toLocaleString('en')} invoices for the business reports...`);
  const shop = await createLargeShop(platform, 'bench-reports', plan);
  const client = getter(port, shop);
  const database = `optiflow_${shop.tenantId.replace(/-/g, '_')}`;
  const tripsOf = async (path: string) => {
    await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
    const answer = await client.get(path);
    const stats = (await (await fetch(`${endpoint}/_stats`)).json()) as {
      roundTripsByDatabase: Record<string, number>;
    };
    return { answer, trips: stats.roundTripsByDatabase[database] ?? 0 };
  };
  const rows: Row[] = [];
  try {
    const measure = async (path: string) => {
      await client.get(path);
      const { answer, trips } = await tripsOf(path);
      const times: number[] = [];
      for (let i = 0; i < plan.requests; i++) times.push((await client.get(path)).ms);
      times.sort((a, b) => a - b);
      return { status: answer.status, trips, p50: percentile(times, 0.5) };
    };
    const results: Array<{ key: string; trips: number; all: number; month: number }> = [];
    const failures: string[] = [];
    for (const report of businessReports) {
      const all = await measure(`/reports/${report.key}?${everything}`);
      const inMonth = await measure(`/reports/${report.key}?${month}`);
      for (const [label, run] of [
        ['all', all],
        ['month', inMonth],
      ] as const) {
        if (run.status !== 200) failures.push(`${report.key} (${label}): HTTP ${run.status}`);
        if (run.trips > 1) failures.push(`${report.key} (${label}): ${run.trips} round trips`);
      }
      results.push({ key: report.key, trips: Math.max(all.trips, inMonth.trips), all: all.p50, month: inMonth.p50 });
      progress(
        `row 22: ${report.key}: ${all.trips} round trip(s), p50 ${ms(all.p50)} ms all, ${ms(inMonth.p50)} ms month`,
      );
    }
    const slowest = results.reduce((a, b) => (b.all > a.all ? b : a));
    const slowestMonth = results.reduce((a, b) => (b.month > a.month ? b : a));
    rows.push({
      ...blankRow,
      id: '22a',
      scenario: `business report pages (/reports/<key>) on a shop with ${plan.invoices.toLocaleString('en')} invoices: p50 over all of them / over the month of ${plan.monthInvoices.toLocaleString('en')}`,
      load: results.map((r) => `${r.key} ${ms(r.all)} / ${ms(r.month)} ms`).join('; '),
      p50: `max ${ms(slowest.all)} ms all (${slowest.key}), ${ms(slowestMonth.month)} ms month (${slowestMonth.key})`,
      tenant: `max ${Math.max(...results.map((r) => r.trips))}`,
      target: '1 round trip per page',
      met: failures.length ? `**not met** (${failures.join('; ')})` : 'met',
    });

    // A streamed export: sales by product over all invoices, CSV, in the response.
    const exportPath = `/reports/sales-by-product.csv?${everything}`;
    const exportTimes: number[] = [];
    let exportAnswer: Answer | null = null;
    for (let i = 0; i < 3; i++) {
      exportAnswer = await client.get(exportPath);
      exportTimes.push(exportAnswer.ms);
    }
    exportTimes.sort((a, b) => a - b);
    rows.push({
      ...blankRow,
      id: '22b',
      scenario: 'sales by product exported to CSV, streamed in the response (all invoices)',
      load: `HTTP ${exportAnswer!.status}, ${exportAnswer!.bytes.toLocaleString('en')} bytes`,
      p50: `${ms(percentile(exportTimes, 0.5))} ms`,
      target: '200, streamed',
      met: exportAnswer!.status === 200 ? 'met' : '**not met**',
    });
  } finally {
    client.close();
  }
  return rows;
}
