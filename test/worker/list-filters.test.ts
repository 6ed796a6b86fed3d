/**
 * The list filters the home page links to (issue 13 item 1): /quotations?status=open,
 * /invoices?from=&to= and /prescriptions?due=week each return exactly the hand-built rows, keep
 * their filter on the next page, answer bad input with 422 (never 500), are accepted by the API
 * lists, and the dashboard's figure and its list agree.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, fiscalSequences, prescriptions, quotations } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { dashboardDates } from '../../src/services/shop/dashboard';
import { apiJson } from '../support/worker/api';
import { get } from '../support/worker/helpers';
import { buildInvoices, invoiceShop, type BuilderLine, type InvoiceShop } from '../support/worker/invoices';

const line: BuilderLine = {
  description: 'Línea',
  quantity: '1',
  unitPrice: '100',
  discount: '0',
  taxRate: '0.00',
  exempt: true,
};

async function page(s: InvoiceShop, path: string, headers: Record<string, string> = {}) {
  const response = await get(s.host, path, { headers: { Cookie: s.cookie, ...headers } });
  return { status: response.status, html: await response.text() };
}

/** The ids a list links to (`/<kind>/<uuid>`), in page order, each once. */
function linkedIds(html: string, kind: string): string[] {
  const ids = [...html.matchAll(new RegExp(`href="/${kind}/([0-9a-f-]{36})"`, 'g'))].map((match) => match[1]!);
  return [...new Set(ids)];
}

const sorted = (ids: readonly string[]) => [...ids].sort();
const htmlHref = (href: string) => href.replaceAll('&amp;', '&');

async function addQuotations(s: InvoiceShop, statuses: Array<(typeof quotations.$inferInsert)['status']>) {
  const [cot] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
  // One second apart, so the newest-first order (and the keyset pager) is the insertion order reversed.
  const base = Date.now() - statuses.length * 1000;
  return s.db
    .insert(quotations)
    .values(
      statuses.map((status, index) => ({
        number: `COT-${String(index + 1).padStart(6, '0')}`,
        sequenceId: cot!.id,
        status,
        currencyCode: 'DOP',
        quotedOn: shopToday(),
        branchId: s.main.id,
        total: '100.00',
        createdAt: new Date(base + index * 1000),
      })),
    )
    .returning();
}

describe('/quotations?status=open', () => {
  it('lists exactly the draft and sent quotations, and the pager keeps the filter', { timeout: 30_000 }, async () => {
    const s = await invoiceShop('owner');
    // 51 open (26 draft + 25 sent, more than one page of 50) among 4 converted and 3 cancelled.
    const statuses = [
      ...Array.from({ length: 51 }, (_, index) => (index % 2 ? 'sent' : 'draft') as 'sent' | 'draft'),
      ...(['converted', 'cancelled', 'converted', 'cancelled', 'converted', 'cancelled', 'converted'] as const),
    ];
    const rows = await addQuotations(s, statuses);
    const open = rows.filter((row) => row.status === 'draft' || row.status === 'sent').map((row) => row.id);
    expect(open).toHaveLength(51);

    const first = await page(s, '/quotations?status=open');
    expect(first.status).toBe(200);
    // The visible, labelled control holds the choice.
    expect(first.html).toMatch(/<label for="field-status"[^>]*>Estado<\/label>/);
    expect(first.html).toMatch(/<option value="open" selected="">Abiertas \(borrador o enviada\)<\/option>/);
    const firstIds = linkedIds(first.html, 'quotations');
    expect(firstIds).toHaveLength(50);
    const next = /href="(\/quotations\?[^"]*cursor=[^"]+)"/.exec(first.html)?.[1];
    expect(next).toBeDefined();
    expect(htmlHref(next!)).toContain('status=open');
    const second = await page(s, htmlHref(next!));
    const secondIds = linkedIds(second.html, 'quotations');
    expect(sorted([...firstIds, ...secondIds])).toEqual(sorted(open));

    // Each other status is its own filter; no filter lists all 58.
    const converted = rows.filter((row) => row.status === 'converted').map((row) => row.id);
    expect(sorted(linkedIds((await page(s, '/quotations?status=converted')).html, 'quotations'))).toEqual(
      sorted(converted),
    );
    expect(linkedIds((await page(s, '/quotations')).html, 'quotations')).toHaveLength(50);

    // The htmx fragment and the API answer the same rows.
    const fragment = await page(s, '/quotations?status=open', { 'HX-Request': 'true' });
    expect(fragment.html).not.toContain('<html');
    expect(linkedIds(fragment.html, 'quotations')).toEqual(firstIds);
    const api = await apiJson(s.host, '/quotations?status=open&limit=100', s.bearer);
    expect(api.status).toBe(200);
    expect(sorted(api.body.data.map((row: { id: string }) => row.id))).toEqual(sorted(open));
    const badApi = await apiJson(s.host, '/quotations?status=opened', s.bearer);
    expect(badApi.status).toBe(422);
  });
});

describe('/invoices?from=&to=', () => {
  async function issuedShop() {
    const s = await invoiceShop('owner');
    const today = shopToday();
    const row = (issuedOn: string | null, extra: Record<string, unknown> = {}) => ({
      kind: 'invoice' as const,
      status: (issuedOn ? 'issued' : 'draft') as 'issued' | 'draft',
      ncfType: 'B02',
      ncf: issuedOn ? `B02${crypto.randomUUID().replace(/\D/g, '').slice(0, 8).padStart(8, '0')}` : null,
      currencyCode: 'DOP',
      exchangeRate: '1',
      branchId: s.main.id,
      issuedOn,
      ...extra,
    });
    const [beforeRange, fromEdge, inside, toEdge, afterRange, draft] = await buildInvoices(
      s.db,
      [line],
      [
        row(addDays(today, -6)),
        row(addDays(today, -5)),
        row(addDays(today, -3)),
        row(addDays(today, -1)),
        row(today),
        row(null),
      ],
    );
    // A credit note issued inside the range is not an invoice: the list never shows it.
    await buildInvoices(s.db, [line], [row(addDays(today, -3), { kind: 'credit_note', ncfType: 'B04' })]);
    return {
      ...s,
      today,
      ids: { beforeRange, fromEdge, inside, toEdge, afterRange, draft } as Record<string, { id: string }>,
    };
  }

  it('lists exactly the invoices issued in the range, both ends included', { timeout: 30_000 }, async () => {
    const s = await issuedShop();
    const from = addDays(s.today, -5);
    const to = addDays(s.today, -1);
    const expected = sorted([s.ids.fromEdge!.id, s.ids.inside!.id, s.ids.toEdge!.id]);
    const list = await page(s, `/invoices?from=${from}&to=${to}`);
    expect(list.status).toBe(200);
    expect(list.html).toMatch(/<label for="field-from"[^>]*>Emitidas desde<\/label>/);
    expect(list.html).toContain(`id="field-from" name="from" type="date" value="${from}"`);
    expect(sorted(linkedIds(list.html, 'invoices'))).toEqual(expected);
    // Only one end: from alone drops the older two and the draft; to alone the newest and the draft.
    expect(sorted(linkedIds((await page(s, `/invoices?from=${from}`)).html, 'invoices'))).toEqual(
      sorted([...expected, s.ids.afterRange!.id]),
    );
    expect(sorted(linkedIds((await page(s, `/invoices?to=${to}`)).html, 'invoices'))).toEqual(
      sorted([...expected, s.ids.beforeRange!.id]),
    );
    // Without the filter all six (the draft too) are listed: the checks above can fail.
    expect(linkedIds((await page(s, '/invoices')).html, 'invoices')).toHaveLength(6);
    const fragment = await page(s, `/invoices?from=${from}&to=${to}`, { 'HX-Request': 'true' });
    expect(sorted(linkedIds(fragment.html, 'invoices'))).toEqual(expected);

    const api = await apiJson(s.host, `/invoices?from=${from}&to=${to}`, s.bearer);
    expect(api.status).toBe(200);
    expect(sorted(api.body.data.map((row: { id: string }) => row.id))).toEqual(expected);
    // The API's cursor pages inside the same range.
    const one = await apiJson(s.host, `/invoices?from=${from}&to=${to}&limit=2`, s.bearer);
    const rest = await apiJson(
      s.host,
      `/invoices?from=${from}&to=${to}&limit=2&cursor=${encodeURIComponent(one.body.nextCursor)}`,
      s.bearer,
    );
    expect(sorted([...one.body.data, ...rest.body.data].map((row: { id: string }) => row.id))).toEqual(expected);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('bad dates: 422 with the field message in the UI and the fragment, problem+json in the API', {
    timeout: 30_000,
  }, async () => {
    const s = await issuedShop();
    const impossible = await page(s, '/invoices?from=2026-02-30&to=2026-03-01');
    expect(impossible.status).toBe(422);
    expect(impossible.html).toContain('Revise los campos marcados.');
    expect(impossible.html).toMatch(/id="field-from"[^>]*aria-invalid="true"/);
    expect(impossible.html).toContain('Indique una fecha válida (aaaa-mm-dd).');
    expect(linkedIds(impossible.html, 'invoices')).toEqual([]);

    const reversed = await page(s, `/invoices?from=${s.today}&to=${addDays(s.today, -1)}`);
    expect(reversed.status).toBe(422);
    expect(reversed.html).toMatch(/id="field-to"[^>]*aria-invalid="true"/);
    expect(reversed.html).toContain('La fecha final no puede ser anterior a la inicial.');

    const fragment = await page(s, '/invoices?from=ayer', { 'HX-Request': 'true' });
    expect(fragment.status).toBe(422);
    expect(fragment.html).toMatch(
      /<div id="invoice-results"[^>]*><p class="alert alert-error">Indique una fecha válida/,
    );

    for (const query of ['from=2026-13-01', 'to=mañana', `from=${s.today}&to=${addDays(s.today, -1)}`]) {
      const response = await get(s.host, `/api/v1/invoices?${query}`, { headers: { Authorization: s.bearer } });
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type'), query).toContain('application/problem+json');
    }
  });
});

describe('/prescriptions?due=week', () => {
  async function patientsShop() {
    const s = await invoiceShop('owner');
    const { weekStart, weekEnd } = dashboardDates();
    const people = await s.db
      .insert(contacts)
      .values(
        ['Ana Lunes', 'Beto Domingo', 'Carla Movida', 'Dario Siguiente', 'Elena Anterior', 'Fausto Archivado'].map(
          (name) => ({ name }),
        ),
      )
      .returning();
    const rx = (patient: number, examinedOn: string, nextVisitOn: string | null) => ({
      patientId: people[patient]!.id,
      branchId: s.main.id,
      examinedOn,
      nextVisitOn,
      optometristName: 'Dr. Externo',
    });
    const older = addDays(weekStart, -200);
    const newer = addDays(weekStart, -100);
    const written = await s.db
      .insert(prescriptions)
      .values([
        rx(0, newer, weekStart), // 0: Ana's latest, due on Monday (the first day)
        rx(0, older, weekEnd), //   1: Ana's older one: due this week too, but not her latest
        rx(1, newer, weekEnd), //   2: Beto's latest, due on Sunday (the last day)
        rx(2, older, weekStart), // 3: Carla's older one said this week...
        rx(2, newer, addDays(weekEnd, 300)), // 4: ...her latest moved it
        rx(3, newer, addDays(weekEnd, 1)), // 5: Dario: next Monday
        rx(4, newer, addDays(weekStart, -1)), // 6: Elena: last Sunday
        rx(5, newer, weekStart), // 7: Fausto: due, but archived
      ])
      .returning();
    await s.db.update(contacts).set({ archivedAt: new Date() }).where(eq(contacts.id, people[5]!.id));
    return { ...s, written, due: [written[0]!.id, written[2]!.id] };
  }

  it('lists exactly the latest prescriptions due this week, and the API too', { timeout: 30_000 }, async () => {
    const s = await patientsShop();
    const list = await page(s, '/prescriptions?due=week');
    expect(list.status).toBe(200);
    expect(list.html).toMatch(/<label for="field-due"[^>]*>Próxima visita<\/label>/);
    expect(list.html).toMatch(/<option value="week" selected="">/);
    expect(sorted(linkedIds(list.html, 'prescriptions'))).toEqual(sorted(s.due));
    // Without the filter all eight: the check above can fail.
    expect(linkedIds((await page(s, '/prescriptions')).html, 'prescriptions')).toHaveLength(8);
    const fragment = await page(s, '/prescriptions?due=week', { 'HX-Request': 'true' });
    expect(sorted(linkedIds(fragment.html, 'prescriptions'))).toEqual(sorted(s.due));
    const api = await apiJson(s.host, '/prescriptions?due=week', s.bearer);
    expect(api.status).toBe(200);
    expect(sorted(api.body.data.map((row: { id: string }) => row.id))).toEqual(sorted(s.due));
    expect((await apiJson(s.host, '/prescriptions?due=month', s.bearer)).status).toBe(422);
    // An unknown value on the page lists everything rather than failing.
    expect((await page(s, '/prescriptions?due=month')).status).toBe(200);
  });

  it("the home page's figures and the lists they link to agree", { timeout: 30_000 }, async () => {
    const s = await patientsShop();
    const open = (await addQuotations(s, ['draft', 'sent', 'sent', 'converted', 'cancelled'])).filter(
      (row) => row.status === 'draft' || row.status === 'sent',
    );
    const home = (await page(s, '/')).html;

    const due = /<a href="([^"]+)" data-figure="patients-due">(\d+) pacientes/.exec(home);
    expect(due?.[1]).toBe('/prescriptions?due=week');
    expect(Number(due![2])).toBe(2);
    const dueList = linkedIds((await page(s, htmlHref(due![1]!))).html, 'prescriptions');
    expect(dueList).toHaveLength(Number(due![2]));

    const quotes = /<a href="([^"]+)" data-figure="quotations-open">(\d+)<\/a>/.exec(home);
    expect(quotes?.[1]).toBe('/quotations?status=open');
    expect(Number(quotes![2])).toBe(open.length);
    expect(sorted(linkedIds((await page(s, htmlHref(quotes![1]!))).html, 'quotations'))).toEqual(
      sorted(open.map((row) => row.id)),
    );

    const today = shopToday();
    const sales = /<a href="([^"]+)" data-figure="sales-today">/.exec(home);
    expect(htmlHref(sales![1]!)).toBe(`/invoices?from=${today}&to=${today}`);
    const month = /<a href="([^"]+)" data-figure="sales-month">/.exec(home);
    expect(htmlHref(month![1]!)).toBe(`/invoices?from=${today.slice(0, 8)}01&to=${today}`);
  });
});
