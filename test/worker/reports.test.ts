import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { reportsApi } from '../../src/api/reports';
import { fiscalSequences, payments } from '../../src/db/tenant-schema';
import type { LineInput } from '../../src/domain/totals';
import { countQueries, get } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { buildInvoices } from '../support/worker/invoices';
import { shop as baseShop, type Role, type TestDb } from '../support/worker/shop';

// Each test builds a shop with a month of documents; other suites share the database meanwhile.
vi.setConfig({ testTimeout: 30_000 });

const line = (quantity: string, unitPrice: string, values: Partial<LineInput> = {}): LineInput => ({
  quantity,
  unitPrice,
  discount: '0',
  taxRate: '18.00',
  exempt: false,
  ...values,
});

interface DocumentFixture {
  kind?: 'invoice' | 'credit_note';
  ncf: string | null;
  status: 'draft' | 'issued' | 'partially_paid' | 'paid' | 'voided';
  issuedOn: string | null;
  lines: LineInput[];
  currency?: 'DOP' | 'USD';
  rate?: string;
  buyer?: { type: 'rnc' | 'cedula' | 'pasaporte'; number: string };
  modifiedNcf?: string;
  referenceInvoiceId?: string;
  payments?: Array<{
    method: '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8';
    amount: string;
    status?: 'active' | 'voided';
  }>;
  creditedTotal?: string;
  voidedAt?: Date;
  voidReason?: string;
}

/** Inserts a fiscal document as the invoices area would have written it (totals from computeTotals / toDop). */
async function insertDocument(
  db: TestDb,
  branchId: string,
  recSequenceId: string,
  fixture: DocumentFixture,
): Promise<string> {
  const rate = fixture.rate ?? '1';
  const activePaid = (fixture.payments ?? [])
    .filter((p) => p.status !== 'voided')
    .reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0);
  const [row] = await buildInvoices(
    db,
    fixture.lines,
    [
      {
        kind: fixture.kind ?? 'invoice',
        status: fixture.status,
        ncfType: fixture.ncf?.slice(0, 3) ?? 'B01',
        ncf: fixture.ncf,
        issuedOn: fixture.issuedOn,
        buyerName: fixture.buyer ? 'Cliente' : null,
        buyerIdType: fixture.buyer?.type ?? null,
        buyerIdNumber: fixture.buyer?.number ?? null,
        branchId,
        currencyCode: fixture.currency ?? 'DOP',
        exchangeRate: rate,
        paidTotal: (activePaid / 100).toFixed(2),
        creditedTotal: fixture.creditedTotal ?? '0',
        modifiedNcf: fixture.modifiedNcf ?? null,
        referenceInvoiceId: fixture.referenceInvoiceId ?? null,
        voidedAt: fixture.voidedAt ?? null,
        voidReason: fixture.voidReason ?? null,
      },
    ],
    { storeLines: false },
  );
  for (const [index, payment] of (fixture.payments ?? []).entries()) {
    await db.insert(payments).values({
      invoiceId: row!.id,
      number: `REC-${row!.id.slice(0, 8)}-${index}`,
      sequenceId: recSequenceId,
      branchId,
      receivedOn: fixture.issuedOn ?? '2025-01-01',
      method: payment.method,
      amount: payment.amount,
      status: payment.status ?? 'active',
    });
  }
  return row!.id;
}

/** A shop with company RNC 1-31-24679-6 and, unless `empty`, the January 2025 fixture month. */
async function shop(role: Role = 'owner', options: { rnc?: string | null; empty?: boolean } = {}) {
  const base = await baseShop(role, { rnc: options.rnc === undefined ? '1-31-24679-6' : options.rnc });
  const { db, main: branch } = base;
  const [rec] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  const add = (fixture: DocumentFixture) => insertDocument(db, branch.id, rec!.id, fixture);
  if (!options.empty) {
    // B01 with an RNC buyer: 1,000.00 + 18% = 1,180.00; cash 500 + card 300; a 118.00 credit note took 118 off.
    const b01 = await add({
      ncf: 'B0100000001',
      status: 'partially_paid',
      issuedOn: '2025-01-10',
      lines: [line('1', '1000')],
      buyer: { type: 'rnc', number: '401506254' },
      payments: [
        { method: '1', amount: '500.00' },
        { method: '3', amount: '300.00' },
        { method: '2', amount: '50.00', status: 'voided' },
      ],
      creditedTotal: '118.00',
    });
    await add({
      kind: 'credit_note',
      ncf: 'B0400000001',
      status: 'issued',
      issuedOn: '2025-01-20',
      lines: [line('1', '100')],
      buyer: { type: 'rnc', number: '401506254' },
      modifiedNcf: 'B0100000001',
      referenceInvoiceId: b01,
    });
    // Two small consumer invoices: 500 + 90 = 590 paid cash; 2 x 250.5050 = 501.01 + 90.18 = 591.19, 200 by transfer.
    await add({
      ncf: 'B0200000001',
      status: 'paid',
      issuedOn: '2025-01-05',
      lines: [line('1', '500')],
      payments: [{ method: '1', amount: '590.00' }],
    });
    await add({
      ncf: 'B0200000002',
      status: 'partially_paid',
      issuedOn: '2025-01-15',
      lines: [line('2', '250.5050')],
      payments: [{ method: '2', amount: '200.00' }],
    });
    // A consumer invoice at the threshold: 220,000 + 39,600 = 259,600.00 with a cédula, paid by card.
    await add({
      ncf: 'B0200000003',
      status: 'paid',
      issuedOn: '2025-01-25',
      lines: [line('1', '220000')],
      buyer: { type: 'cedula', number: '00113918205' },
      payments: [{ method: '3', amount: '259600.00' }],
    });
    // USD 100 + 18 = 118.00 at 58.5432: DOP 5,854.32 + 1,053.78 = 6,908.10; cash US$ 50 = 2,927.16, card US$ 33.33 = 1,951.24.
    await add({
      ncf: 'B0100000002',
      status: 'partially_paid',
      issuedOn: '2025-01-12',
      lines: [line('1', '100')],
      currency: 'USD',
      rate: '58.5432',
      buyer: { type: 'rnc', number: '101850043' },
      payments: [
        { method: '1', amount: '50.00' },
        { method: '3', amount: '33.33' },
      ],
    });
    // Voided on 31/01 at 23:30 in Santo Domingo (already 1 February in UTC): January's 608.
    await add({
      ncf: 'B0100000003',
      status: 'voided',
      issuedOn: '2025-01-08',
      lines: [line('1', '75')],
      buyer: { type: 'rnc', number: '131246796' },
      voidedAt: new Date('2025-02-01T03:30:00Z'),
      voidReason: '04',
    });
    // Voided on 01/02 at 00:30 in Santo Domingo (2025-02-01T04:30Z): February's 608.
    await add({
      ncf: 'B0200000004',
      status: 'voided',
      issuedOn: '2025-01-28',
      lines: [line('1', '40')],
      voidedAt: new Date('2025-02-01T04:30:00Z'),
      voidReason: '01',
    });
    // A draft (no NCF) and a document of another month: absent.
    await add({ ncf: null, status: 'draft', issuedOn: null, lines: [line('1', '999')] });
    await add({
      ncf: 'B0200000005',
      status: 'paid',
      issuedOn: '2025-02-03',
      lines: [line('1', '10')],
      payments: [{ method: '1', amount: '11.80' }],
    });
  }
  return base;
}

const zeros7 = '0.00|0.00|0.00|0.00|0.00|0.00|0.00';

const expected607 = [
  '607|131246796|202501|4',
  `401506254|1|B0100000001||01|20250110||1000.00|180.00|${zeros7}|500.00|0.00|300.00|262.00|0.00|0.00|118.00`,
  `101850043|1|B0100000002||01|20250112||5854.32|1053.78|${zeros7}|2927.16|0.00|1951.24|2029.70|0.00|0.00|0.00`,
  `401506254|1|B0400000001|B0100000001|01|20250120||100.00|18.00|${zeros7}|0.00|0.00|0.00|118.00|0.00|0.00|0.00`,
  `00113918205|2|B0200000003||01|20250125||220000.00|39600.00|${zeros7}|0.00|0.00|259600.00|0.00|0.00|0.00|0.00`,
  '',
].join('\r\n');

// DGII's 608 field 2 is the date of the voided receipt (its issue date), not the day it was voided.
const expected608 = '608|131246796|202501|1\r\nB0100000003|20250108|04\r\n';

describe('DGII 607 and 608 files', () => {
  it('downloads the hand-computed 607 and 608 of a month from the UI', async () => {
    const { host, cookie } = await shop('owner');
    const sales = await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } });
    expect(sales.status).toBe(200);
    expect(sales.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(sales.headers.get('content-disposition')).toBe('attachment; filename="DGII_F_607_131246796_202501.TXT"');
    expect(await sales.text()).toBe(expected607);
    const voided = await get(host, '/reports/dgii/608.txt?period=202501', { headers: { Cookie: cookie } });
    expect(voided.status).toBe(200);
    expect(voided.headers.get('content-disposition')).toBe('attachment; filename="DGII_F_608_131246796_202501.TXT"');
    expect(await voided.text()).toBe(expected608);
  });

  it('puts the next month’s documents and voids in the next month’s files', async () => {
    const { host, cookie } = await shop('admin');
    const sales = await (
      await get(host, '/reports/dgii/607.txt?period=202502', { headers: { Cookie: cookie } })
    ).text();
    // Consumer invoices under RD$250,000 are not lines of the file (they are totalled in the Oficina Virtual when sending it).
    expect(sales).toBe('607|131246796|202502|0\r\n');
    const voided = await (
      await get(host, '/reports/dgii/608.txt?period=202502', { headers: { Cookie: cookie } })
    ).text();
    expect(voided).toBe('608|131246796|202502|1\r\nB0200000004|20250128|01\r\n');
  });

  it('serves the same files through the API, documented in the OpenAPI document', async () => {
    const { host, bearer } = await shop('admin');
    const sales = await api(host, '/reports/dgii/607?period=202501', bearer);
    expect(sales.status).toBe(200);
    expect(sales.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await sales.text()).toBe(expected607);
    const voided = await api(host, '/reports/dgii/608?period=202501', bearer);
    expect(await voided.text()).toBe(expected608);
    // The module's own document (the shop-wide /api/v1/openapi.json merges every area's routes).
    const spec = reportsApi.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'reports', version: '1' },
    }) as unknown as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(spec.paths).sort()).toEqual(['/reports/dgii/606', '/reports/dgii/607', '/reports/dgii/608']);
    for (const path of Object.values(spec.paths)) {
      expect(Object.keys(path.get.responses['200']!.content)).toEqual(['text/plain']);
      expect(Object.keys(path.get.responses['422']!.content)).toEqual(['application/problem+json']);
    }
  });

  it('writes a month without documents as a header with zero lines', async () => {
    const { host, cookie } = await shop('owner', { empty: true });
    expect(await (await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } })).text()).toBe(
      '607|131246796|202501|0\r\n',
    );
    expect(await (await get(host, '/reports/dgii/608.txt?period=202501', { headers: { Cookie: cookie } })).text()).toBe(
      '608|131246796|202501|0\r\n',
    );
  });
});

describe('DGII report validation', () => {
  const periodMessage = 'Indique un período válido con el formato AAAAMM (por ejemplo 202503).';
  const futureMessage = 'El período no puede ser un mes futuro.';
  const rncMessage =
    'Configure el RNC de la empresa en los datos de la empresa antes de generar los reportes de la DGII.';

  it('refuses malformed and future periods with 422 in the API (problem+json) and the UI', async () => {
    const { host, cookie, bearer } = await shop('owner', { empty: true });
    for (const [period, message] of [
      ['2025-01', periodMessage],
      ['202513', periodMessage],
      ['', periodMessage],
      ['209901', futureMessage],
    ] as const) {
      for (const report of ['607', '608']) {
        const response = await api(host, `/reports/dgii/${report}?period=${period}`, bearer);
        expect(response.status, `${report} ${period}`).toBe(422);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        const body = (await response.json()) as { detail: string; errors: Array<{ field: string; message: string }> };
        expect(body.detail).toBe(message);
        expect(body.errors).toEqual([{ field: 'period', message }]);
        const page = await get(host, `/reports/dgii/${report}.txt?period=${period}`, { headers: { Cookie: cookie } });
        expect(page.status).toBe(422);
        expect(await page.text()).toContain(message);
      }
      const form = await get(host, `/reports/dgii?period=${period}`, { headers: { Cookie: cookie } });
      expect(form.status).toBe(422);
      const html = await form.text();
      expect(html).toContain(message);
      expect(html).toContain('aria-invalid="true"');
    }
    const missing = await api(host, '/reports/dgii/607', bearer);
    expect(missing.status).toBe(422);
  });

  it('asks for the company RNC (422) before generating anything', async () => {
    const { host, cookie, bearer } = await shop('owner', { rnc: null });
    const response = await api(host, '/reports/dgii/607?period=202501', bearer);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: string }).detail).toBe(rncMessage);
    const voided = await api(host, '/reports/dgii/608?period=202501', bearer);
    expect(voided.status).toBe(422);
    const file = await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } });
    expect(file.status).toBe(422);
    expect(await file.text()).toContain(rncMessage);
    const page = await get(host, '/reports/dgii?period=202501', { headers: { Cookie: cookie } });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain(rncMessage);
    expect(html).toContain('href="/company"');
    expect(html).not.toContain('/reports/dgii/607.txt');
  });

  it('treats an RNC of only dashes or spaces as missing', async () => {
    const { host, bearer } = await shop('owner', { rnc: ' - ' });
    expect((await api(host, '/reports/dgii/607?period=202501', bearer)).status).toBe(422);
  });
});

describe('DGII report page', () => {
  it('previews counts and totals of the chosen month with download buttons, in one query after the session', async () => {
    const { host, cookie, tenant } = await shop('owner');
    let response: Response | undefined;
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      response = await get(host, '/reports/dgii?period=202501', { headers: { Cookie: cookie } });
    });
    expect(response!.status).toBe(200);
    expect(queries).toBe(2);
    const html = await response!.text();
    expect(html).toContain('enero de 2025 (202501)');
    const cell = (label: string) =>
      new RegExp(`<th scope="row">${label.replace(/[()$.]/g, '\\$&')}</th><td class="number">([^<]*)</td>`).exec(
        html,
      )?.[1];
    expect(cell('Líneas de detalle en el archivo')).toBe('4');
    expect(cell('Facturas listadas una por una')).toBe('3');
    expect(cell('Facturas de consumo resumidas (menos de RD$ 250,000.00)')).toBe('2');
    expect(cell('Notas de crédito')).toBe('1');
    // 1,000 + 5,854.32 + 220,000 + 500 + 501.01 and 180 + 1,053.78 + 39,600 + 90 + 90.18.
    expect(cell('Monto facturado (sin ITBIS)')).toBe('RD$ 227,855.33');
    expect(cell('ITBIS facturado')).toBe('RD$ 41,013.96');
    expect(cell('Monto de notas de crédito (sin ITBIS)')).toBe('RD$ 100.00');
    expect(cell('Comprobantes anulados')).toBe('1');
    // The consumer invoices left out of the file, for the Oficina Virtual: 500 + 501.01, 90 + 90.18; 590 cash, 200 transfer, 391.19 on credit.
    expect(html).toContain('Facturas de consumo no detalladas');
    expect(cell('Efectivo')).toBe('RD$ 590.00');
    expect(cell('Cheque / transferencia / depósito')).toBe('RD$ 200.00');
    expect(cell('Venta a crédito')).toBe('RD$ 391.19');
    expect(html).toContain('href="/reports/dgii/607.txt?period=202501"');
    expect(html).toContain('href="/reports/dgii/608.txt?period=202501"');
    expect(html).toContain('DGII_F_607_131246796_202501.TXT');
  });

  it('defaults to the previous month and answers htmx with the fragment only', async () => {
    const { host, cookie } = await shop('admin', { empty: true });
    const page = await (await get(host, '/reports/dgii', { headers: { Cookie: cookie } })).text();
    const now = new Date(Date.now() - 4 * 3600_000);
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const period = `${previous.getUTCFullYear()}${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(page).toContain(`<option value="${period}" selected="">`);
    expect(page).toContain('<html');
    const fragment = await get(host, '/reports/dgii?period=202501', {
      headers: { Cookie: cookie, 'HX-Request': 'true' },
    });
    expect(fragment.status).toBe(200);
    const html = await fragment.text();
    expect(html).not.toContain('<html');
    expect(html).toMatch(/^<section id="dgii-report">/);
  });

  it('costs one query after the session to download a file', async () => {
    const { host, cookie, tenant } = await shop('owner');
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      const response = await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } });
      await response.text();
    });
    expect(queries).toBe(2);
  });

  it('writes each download in the activity log with the acting user (report.exported), not a refused one', async () => {
    const { host, cookie, bearer, db, email } = await shop('owner');
    const { auditLog, company } = await import('../../src/db/tenant-schema');
    expect((await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await api(host, '/reports/dgii/608?period=202501', bearer)).status).toBe(200);
    await db.update(company).set({ rnc: null });
    expect((await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } })).status).toBe(422);
    const rows = await db.select().from(auditLog).orderBy(auditLog.id);
    expect(rows.map((row) => [row.action, row.details])).toEqual([
      ['report.exported', { report: '607', period: '202501' }],
      ['report.exported', { report: '608', period: '202501' }],
    ]);
    for (const row of rows) expect(row.actor).toContain(email);
  });
});

describe('DGII report permissions and isolation', () => {
  it.each(['ventas', 'optometrista', 'caja'] as const)(
    'refuses the %s role (403) in the UI and the API',
    async (role) => {
      const { host, cookie, bearer } = await shop(role, { empty: true });
      expect((await get(host, '/reports/dgii', { headers: { Cookie: cookie } })).status).toBe(403);
      expect((await get(host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: cookie } })).status).toBe(
        403,
      );
      expect((await get(host, '/reports/dgii/608.txt?period=202501', { headers: { Cookie: cookie } })).status).toBe(
        403,
      );
      expect((await api(host, '/reports/dgii/607?period=202501', bearer)).status).toBe(403);
      expect((await api(host, '/reports/dgii/608?period=202501', bearer)).status).toBe(403);
    },
  );

  it('never shows one shop’s documents in another shop’s files, nor accepts its credentials', async () => {
    const a = await shop('owner');
    const b = await shop('owner', { rnc: '101850043', empty: true });
    expect(
      await (await get(b.host, '/reports/dgii/607.txt?period=202501', { headers: { Cookie: b.cookie } })).text(),
    ).toBe('607|101850043|202501|0\r\n');
    expect(await (await api(b.host, '/reports/dgii/608?period=202501', b.bearer)).text()).toBe(
      '608|101850043|202501|0\r\n',
    );
    // B's session and token mean nothing on A's host.
    const cookieOnA = await get(a.host, '/reports/dgii/607.txt?period=202501', {
      headers: { Cookie: b.cookie },
      redirect: 'manual',
    });
    expect(cookieOnA.status).toBe(303);
    expect((await api(a.host, '/reports/dgii/607?period=202501', b.bearer)).status).toBe(401);
    // A's own file is untouched by B.
    expect(await (await api(a.host, '/reports/dgii/607?period=202501', a.bearer)).text()).toBe(expected607);
  });
});
