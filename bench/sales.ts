/**
 * Rows 11-12: the sales day. One shop with a B02 range, a stock-tracked frame and an exempt exam;
 * drafts written straight into its database; then issuing over HTTP (the real route: session,
 * rules, `issue_invoice` with the NCF, the buyer snapshot and the sale stock movement).
 */
import http from 'node:http';
import { tenantDb } from '../src/db/client';
import {
  branches,
  company,
  fiscalSequences,
  invoiceLines,
  invoices,
  products,
  taxes,
  users,
} from '../src/db/tenant-schema';
import { createSession } from '../src/auth/session';
import { computeTotals } from '../src/domain/totals';
import { recordStockMovement } from '../src/services/shop/stock';
import type { DevStack } from '../dev/stack';
import { tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { percentile } from './load';
import type { Row } from './run';
import { blankRow } from './row';

const plan = { issued: 400, concurrency: 16 };

const blank = blankRow;

export async function salesRows(
  platform: Platform,
  stack: DevStack,
  port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  progress(`rows 11-12: a shop with ${plan.issued + 1} drafts, then issuing them over HTTP...`);
  const id = `bench-sales-${Date.now().toString(36)}`;
  await createTenant(platform, { id, name: 'Óptica Ventas', domains: [id] });
  const { connectionString } = await tenantConnection(platform, id);
  const db = tenantDb(connectionString);
  const [branch] = await db.select().from(branches);
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!;
  // Fiscal documents are refused without the issuer's RNC.
  await db.update(company).set({ rnc: '130123454' });
  await db.insert(fiscalSequences).values({
    docType: 'B02',
    prefix: 'B02',
    rangeStart: 1,
    rangeEnd: 100_000,
    nextNumber: 1,
    validUntil: '2099-12-31',
    isDefault: true,
  });
  const [frame] = await db
    .insert(products)
    .values({ sku: 'MON-1', name: 'Montura', category: 'monturas', price: '4500.5000', taxId: tax('ITBIS18').id })
    .returning();
  await recordStockMovement(db, { productId: frame!.id, branchId: branch!.id, kind: 'initial', quantity: 10_000 });
  const lines = [
    {
      productId: frame!.id,
      description: 'Montura',
      quantity: '1',
      unitPrice: '4500.5000',
      discount: '100.00',
      taxId: tax('ITBIS18').id,
      taxRate: '18.00',
      exempt: false,
    },
    {
      productId: null,
      description: 'Examen visual',
      quantity: '1',
      unitPrice: '1500.0000',
      discount: '0',
      taxId: tax('EXENTO').id,
      taxRate: '0.00',
      exempt: true,
    },
  ];
  const totals = computeTotals(lines);
  const drafts = await db
    .insert(invoices)
    .values(
      Array.from({ length: plan.issued + 1 }, () => ({
        ncfType: 'B02',
        branchId: branch!.id,
        currencyCode: 'DOP',
        grossTotal: totals.grossTotal,
        discountTotal: totals.discountTotal,
        taxableTotal: totals.taxableTotal,
        exemptTotal: totals.exemptTotal,
        itbisTotal: totals.itbisTotal,
        total: totals.total,
        taxBreakdown: totals.taxBreakdown,
      })),
    )
    .returning({ id: invoices.id });
  await db.insert(invoiceLines).values(
    drafts.flatMap((draft) =>
      lines.map((line, index) => ({
        ...line,
        invoiceId: draft.id,
        position: index + 1,
        amount: totals.lines[index]!.amount,
      })),
    ),
  );
  const [owner] = await db
    .insert(users)
    .values({ email: 'bench@example.test', name: 'Bench', role: 'owner', status: 'active' })
    .returning();
  const { token } = await createSession(db, { userId: owner!.id });
  const host = `${id}.localhost:${port}`;
  const cookie = `optiflow_session=${token}`;
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  const database = `optiflow_${id.replace(/-/g, '_')}`;
  const counted = async (work: () => Promise<number>) => {
    await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
    const status = await work();
    const stats = (await (await fetch(`${endpoint}/_stats`)).json()) as {
      roundTripsByDatabase: Record<string, number>;
    };
    return { status, queries: stats.roundTripsByDatabase[database] ?? 0 };
  };

  // The first draft is issued alone (row 10, issue + landing round trips, is measured on the large shop: pages.ts).
  const [first, ...rest] = drafts.map((draft) => draft.id);
  await send(port, host, 'POST', `/invoices/${first}/issue`, cookie);
  const rows: Row[] = [];

  // 11: issue throughput on ONE sequence (every issue waits for the sequence row lock).
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < rest.length) {
        const invoiceId = rest[next++]!;
        const t0 = performance.now();
        const status = await send(port, host, 'POST', `/invoices/${invoiceId}/issue`, cookie, agent);
        latencies.push(performance.now() - t0);
        if (status !== 303) failures++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const issued = await db.select({ ncf: invoices.ncf }).from(invoices);
  const numbers = issued.map((row) => Number(row.ncf?.slice(3))).sort((a, b) => a - b);
  const gapless = numbers.length === drafts.length && numbers.every((n, i) => n === i + 1);
  rows.push({
    ...blank,
    id: '11',
    scenario: `issue throughput on one B02 sequence, ${rest.length} drafts @ ${plan.concurrency}`,
    load: `${rest.length} requests, ${failures} failed`,
    time: `${seconds.toFixed(2)} s`,
    throughput: `${(rest.length / seconds).toFixed(1)} invoices/s`,
    p50: `${percentile(latencies, 0.5).toFixed(0)} ms`,
    tail: `p99 ${percentile(latencies, 0.99).toFixed(0)} ms`,
    target: 'NCFs 1..N, no gap',
    met: gapless && failures === 0 ? 'met' : 'not met',
  });

  // 12: the lists and the detail page with those invoices in the shop.
  const pages = [
    '/invoices',
    '/invoices?status=issued',
    `/invoices/${first}`,
    '/payments',
    '/credit-notes',
    '/quotations',
    '/sequences',
    '/reports/dgii',
  ];
  const counts: string[] = [];
  let worst = 0;
  for (const page of pages) {
    const result = await counted(() => send(port, host, 'GET', page, cookie));
    worst = Math.max(worst, result.queries);
    counts.push(
      `${page.replace(first!, ':id')} ${result.queries}${result.status === 200 ? '' : ` (HTTP ${result.status})`}`,
    );
  }
  rows.push({
    ...blank,
    id: '12',
    scenario: `DB round trips per sales page, ${drafts.length} issued invoices`,
    load: counts.join(', '),
    central: '0',
    tenant: `max ${worst}`,
    target: '1 per page',
    met: worst <= 1 ? 'met' : '**not met**',
  });
  return rows;
}

/** A browser-like request: session cookie, and the shop's Origin for the CSRF check on POST. */
function send(
  port: number,
  host: string,
  method: 'GET' | 'POST',
  path: string,
  cookie: string,
  agent?: http.Agent,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host, cookie };
    if (method === 'POST')
      Object.assign(headers, {
        origin: `http://${host}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '0',
      });
    const request = http.request({ host: '127.0.0.1', port, path, method, agent, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}
