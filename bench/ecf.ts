/**
 * Rows 13-14: electronic invoicing.
 *   13  CPU to build and sign one e-CF inside workerd: bench/ecf-sign-worker.ts runs in its own
 *       workerd (wrangler's unstable_startWorker); the CPU that process used for `n` documents, less
 *       what the same request costs with none, from /proc. The E32 adds its RFCE (a second signature).
 *   14  Submissions per second through the queue: a shop with its certificate issues E32 invoices
 *       over HTTP under wrangler dev; the shop's queue sends them to the DGII stand-in; the rate is
 *       what the stand-in received, first to last.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { unstable_startWorker } from 'wrangler';
import type { DevStack } from '../dev/stack';
import { createSession } from '../src/auth/session';
import { tenantDb } from '../src/db/client';
import {
  branches,
  company,
  contacts,
  ecfDocuments,
  ecfSettings,
  fiscalSequences,
  invoiceLines,
  invoices,
  taxes,
  users,
} from '../src/db/tenant-schema';
import { computeTotals } from '../src/domain/totals';
import { sealedCertificate } from '../src/services/shop/ecf-settings';
import { tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { selfSignedCredentials } from '../test/support/worker/ecf-certificate';
import { cpuSince, sampleCpu } from './cpu';
import { percentile } from './load';
import type { Row } from './run';
import { blankRow } from './row';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const plan = { signed: 200, submitted: 120, overThreshold: 12, concurrency: 16, drainTimeoutMs: 300_000 };

const blank = blankRow;

export async function ecfRows(
  platform: Platform,
  stack: DevStack,
  port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  return [...(await signingRows(progress)), await submissionRow(platform, stack, port, progress)];
}

/** 13a/13b: CPU ms per e-CF built and signed in workerd (E31; E32 with its RFCE). */
async function signingRows(progress: (line: string) => void): Promise<Row[]> {
  progress(`row 13: building and signing ${plan.signed} e-CF in workerd...`);
  // Its failed look-up of Cloudflare's `cf` object (no internet here) would print into the table.
  const logLevel = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = 'error';
  const worker = await unstable_startWorker({
    entrypoint: path.join(root, 'bench/ecf-sign-worker.ts'),
    compatibilityDate: '2026-10-01',
    compatibilityFlags: ['nodejs_compat'],
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, logLevel: 'error' },
  } as Parameters<typeof unstable_startWorker>[0]);
  try {
    await worker.ready;
    /** CPU seconds of this process's `workerd` children (the bench worker) and wall seconds for one request. */
    const run = async (query: string) => {
      const before = sampleCpu();
      const started = performance.now();
      const response = await worker.fetch(`http://bench.local/?${query}`);
      const body = (await response.json()) as { n: number };
      const wall = (performance.now() - started) / 1000;
      return { n: body.n, cpu: cpuSince(before).get('workerd') ?? 0, wall };
    };
    await run('n=5'); // warm-up: compiled code, the first request's own costs
    const rows: Row[] = [];
    for (const [id, type, label] of [
      ['13a', '31', 'E31 (5 lines): invoiceToEcf + buildEcfXml + signXml'],
      ['13b', '32', 'E32 under RD$250,000: the e-CF and its RFCE, two signatures'],
    ] as const) {
      const empty = await run(`n=0&type=${type}`);
      const full = await run(`n=${plan.signed}&type=${type}`);
      const cpuMs = ((full.cpu - empty.cpu) / plan.signed) * 1000;
      const wallMs = ((full.wall - empty.wall) / plan.signed) * 1000;
      rows.push({
        ...blank,
        id,
        scenario: `CPU in the Worker to build and sign one e-CF, ${label}`,
        load: `${plan.signed} documents, one request`,
        time: `${full.wall.toFixed(2)} s`,
        throughput: `${(plan.signed / (full.wall - empty.wall)).toFixed(0)} e-CF/s`,
        p50: `${wallMs.toFixed(1)} ms wall`,
        cpuPerOp: `${cpuMs.toFixed(1)} ms`,
        target: '< 50 ms CPU',
        met: cpuMs < 50 ? 'met' : 'not met',
      });
    }
    return rows;
  } finally {
    await worker.dispose();
    if (logLevel === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = logLevel;
  }
}

/** 14: E32 issued over HTTP in a shop with its certificate, sent by the shop's queue to the stand-in. */
async function submissionRow(platform: Platform, stack: DevStack, port: number, progress: (line: string) => void) {
  progress(`row 14: ${plan.submitted} E32 issued over HTTP, sent by the queue to the DGII stand-in...`);
  const id = `bench-ecf-${Date.now().toString(36)}`;
  await createTenant(platform, { id, name: 'Óptica e-CF', domains: [id] });
  const { connectionString } = await tenantConnection(platform, id);
  const db = tenantDb(connectionString);
  const rnc = `1${String(Date.now()).slice(-8)}`;
  await db.update(company).set({ name: 'Óptica e-CF SRL', rnc, address: 'Calle El Conde 101, Santo Domingo' });
  const credentials = await selfSignedCredentials(rnc, '00113918205');
  const shop = { env: { ENCRYPTION_KEY: stack.env.ENCRYPTION_KEY! }, tenant: { id } };
  await db.insert(ecfSettings).values({ environment: 'TesteCF', ...(await sealedCertificate(shop, credentials)) });
  await db.insert(fiscalSequences).values({
    docType: 'E32',
    prefix: 'E32',
    rangeStart: 1,
    rangeEnd: 100_000,
    nextNumber: 1,
    validUntil: '2099-12-31',
    isDefault: true,
  });
  const [branch] = await db.select().from(branches);
  const [itbis] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
  // Over RD$250,000 a consumer invoice names its buyer.
  const [buyer] = await db
    .insert(contacts)
    .values({ name: 'Lentes del Caribe SRL', idType: 'rnc', idNumber: '130991731' })
    .returning();
  const drafts: string[] = [];
  for (const [count, unitPrice, customerId] of [
    [plan.submitted - plan.overThreshold, '2500.0000', null],
    [plan.overThreshold, '250000.0000', buyer!.id],
  ] as const) {
    const lines = [
      {
        productId: null,
        description: 'Lentes progresivos',
        quantity: '1',
        unitPrice,
        discount: '0',
        taxId: itbis!.id,
        taxRate: '18.00',
        exempt: false,
      },
    ];
    const totals = computeTotals(lines);
    const written = await db
      .insert(invoices)
      .values(
        Array.from({ length: count }, () => ({
          ncfType: 'E32',
          branchId: branch!.id,
          customerId,
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
      written.flatMap((draft) =>
        lines.map((line, index) => ({
          ...line,
          invoiceId: draft.id,
          position: index + 1,
          amount: totals.lines[index]!.amount,
        })),
      ),
    );
    drafts.push(...written.map((draft) => draft.id));
  }
  const [owner] = await db
    .insert(users)
    .values({ email: 'bench@example.test', name: 'Bench', role: 'owner', status: 'active' })
    .returning();
  const { token } = await createSession(db, { userId: owner!.id });
  const host = `${id}.localhost:${port}`;
  const cookie = `optiflow_session=${token}`;

  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.concurrency });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < drafts.length) {
        const invoiceId = drafts[next++]!;
        const t0 = performance.now();
        const status = await issue(port, host, invoiceId, cookie, agent);
        latencies.push(performance.now() - t0);
        if (status !== 303) failures++;
      }
    }),
  );
  const issueSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  let accepted = 0;
  while (performance.now() - started < plan.drainTimeoutMs) {
    const rows = await db.select({ state: ecfDocuments.state }).from(ecfDocuments);
    accepted = rows.filter((row) => row.state === 'accepted').length;
    if (accepted >= drafts.length - failures) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const drainSeconds = (performance.now() - started) / 1000;
  const state = (await (await fetch(`${stack.dgiiUrl}/_control/state?rnc=${rnc}`)).json()) as {
    counts: Record<string, number>;
    submissions: Array<{ kind: string; receivedAt: number }>;
  };
  const times = state.submissions.map((submission) => submission.receivedAt);
  const spanSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
  const perSecond = times.length > 1 ? (times.length - 1) / spanSeconds : 0;
  const once = Object.values(state.counts).every((count) => count === 1);
  const rfce = state.submissions.filter((submission) => submission.kind === 'rfce').length;
  latencies.sort((a, b) => a - b);
  return {
    ...blank,
    id: '14',
    scenario: `e-CF submissions through the queue to the DGII stand-in (${rfce} RFCE, ${times.length - rfce} whole e-CF)`,
    load: `${drafts.length} E32 issued @ ${plan.concurrency} in ${issueSeconds.toFixed(1)} s, ${failures} failed`,
    time: `${drainSeconds.toFixed(1)} s to ${accepted} accepted`,
    throughput: `${perSecond.toFixed(1)} submissions/s`,
    p50: `${percentile(latencies, 0.5).toFixed(0)} ms issue`,
    tail: `p99 ${percentile(latencies, 0.99).toFixed(0)} ms issue`,
    target: 'each e-NCF received once',
    met: once && Object.keys(state.counts).length === drafts.length - failures ? 'met' : 'not met',
  };
}

/** POST /invoices/:id/issue as the browser sends it (session cookie, the shop's Origin). */
function issue(port: number, host: string, invoiceId: string, cookie: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: `/invoices/${invoiceId}/issue`,
        method: 'POST',
        agent,
        headers: {
          host,
          cookie,
          origin: `http://${host}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': '0',
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end();
  });
}
