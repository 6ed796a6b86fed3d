import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  branches,
  contacts,
  userBranches,
  fiscalSequences,
  invoiceLines,
  invoices,
  products,
  quotationLines,
  quotations,
  taxes,
} from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countQueries, countRoundTrips, get, postForm, signedIn } from '../support/worker/helpers';
import { api, apiJson } from '../support/worker/api';
import { shop as baseShop, type Role } from '../support/worker/shop';

/** A shop with a frame (RD$ 1,500.50, ITBIS 18%) and a customer with an RNC. */
async function shop(role: Role = 'owner') {
  const base = await baseShop(role);
  const { db } = base;
  const [tax] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
  const [product] = await db
    .insert(products)
    .values({ sku: 'MON-1', name: 'Montura clásica', category: 'monturas', price: '1500.5', taxId: tax!.id })
    .returning();
  const [customer] = await db
    .insert(contacts)
    .values({ name: 'Distribuidora Visión SRL', idType: 'rnc', idNumber: '101850043' })
    .returning();
  return { ...base, tax: tax!, product: product!, customer: customer!, branch: base.main };
}

const body = (
  s: { product: { id: string }; customer: { id: string }; tax: { id: number } },
  extra: Record<string, unknown> = {},
) =>
  JSON.stringify({
    customerId: s.customer.id,
    lines: [
      { productId: s.product.id, quantity: '2' },
      { description: 'Examen visual', quantity: '1', unitPrice: '1000.005', taxId: s.tax.id, discount: '100' },
    ],
    ...extra,
  });

function createApi(host: string, bearer: string, payload: string) {
  return apiJson(host, '/quotations', bearer, { method: 'POST', body: payload });
}

describe('quotations', { timeout: 60_000 }, () => {
  it('creates a quotation through the UI form: COT number, server totals, lines', async () => {
    const s = await shop('admin');
    const response = await postForm(
      s.host,
      '/quotations',
      {
        customerId: s.customer.id,
        branchId: s.branch.id,
        currencyCode: 'DOP',
        validUntil: '',
        notes: 'Lentes progresivos',
        'lines.0.sku': 'MON-1',
        'lines.0.quantity': '2',
        'lines.1.description': 'Ajuste',
        'lines.1.quantity': '1',
        'lines.1.unitPrice': '250',
        'lines.1.taxId': String(s.tax.id),
        'lines.2.sku': '',
        total: '1.00',
        itbisTotal: '0.00',
        _action: 'save',
      },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(303);
    const [row] = await s.db.select().from(quotations);
    expect(response.headers.get('location')).toBe(`/quotations/${row!.id}?notice=created`);
    // 2 x 1500.50 = 3001.00 + 250.00 = 3251.00; ITBIS 18% = 585.18; total 3836.18
    expect(row).toMatchObject({
      number: 'COT-00000001',
      status: 'draft',
      quotedOn: shopToday(),
      validUntil: addDays(shopToday(), 15),
      taxableTotal: '3251.00',
      itbisTotal: '585.18',
      total: '3836.18',
    });
    const lines = await s.db.select().from(quotationLines).where(eq(quotationLines.quotationId, row!.id));
    expect(lines.map((line) => line.amount).sort()).toEqual(['250.00', '3001.00']);
    const page = await get(s.host, `/quotations/${row!.id}`, { headers: { Cookie: s.cookie } });
    const html = await page.text();
    expect(html).toContain('COT-00000001');
    expect(html).toContain('RD$ 3,836.18');
    expect(html).toContain(`/quotations/${row!.id}/print?format=a4`);
    expect(html).toContain(`/quotations/${row!.id}/print?format=80mm`);
  });

  it('re-renders the form with line errors (422), writes nothing and consumes no number', async () => {
    const s = await shop('owner');
    const response = await postForm(
      s.host,
      '/quotations',
      { branchId: s.branch.id, 'lines.0.sku': 'NOPE', 'lines.0.quantity': '1', _action: 'save' },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('aria-invalid="true"');
    const none = await postForm(
      s.host,
      '/quotations',
      { branchId: s.branch.id, _action: 'save' },
      { Cookie: s.cookie },
    );
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Agregue al menos una línea.');
    const badCustomer = await createApi(s.host, s.bearer, body(s, { customerId: crypto.randomUUID() }));
    expect(badCustomer.status).toBe(422);
    expect(badCustomer.body.errors).toEqual([{ field: 'customerId', message: 'Elija un cliente existente y activo.' }]);
    expect(await s.db.select().from(quotations)).toHaveLength(0);
    const ok = await createApi(s.host, s.bearer, body(s));
    expect(ok.body.number).toBe('COT-00000001');
  });

  it('"add line" re-renders the editor with one blank row after the filled ones without saving', async () => {
    const s = await shop('owner');
    const response = await postForm(
      s.host,
      '/quotations',
      { branchId: s.branch.id, 'lines.0.sku': 'MON-1', 'lines.0.quantity': '1', _action: 'addLine' },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="lines.1.sku"');
    expect(html).not.toContain('name="lines.2.sku"');
    expect(html).toContain('value="MON-1"');
    expect(await s.db.select().from(quotations)).toHaveLength(0);
  });

  it('numbers 20 parallel creates with 20 distinct consecutive COT numbers', async () => {
    const s = await shop('owner');
    const results = await Promise.all(Array.from({ length: 20 }, () => createApi(s.host, s.bearer, body(s))));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = results.map((r) => r.body.number as string).sort();
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => `COT-${String(i + 1).padStart(8, '0')}`));
    const [series] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
    expect(series!.nextNumber).toBe(21);
  });

  it('computes totals on the server and ignores totals sent by the client', async () => {
    const s = await shop('owner');
    const created = await createApi(s.host, s.bearer, body(s, { total: '1.00', itbisTotal: '0', taxBreakdown: [] }));
    expect(created.status).toBe(201);
    // 3001.00 + (1000.005 -> 1000.01 - 100 = 900.01) = 3901.01; ITBIS 702.18; total 4603.19
    expect(created.body).toMatchObject({
      grossTotal: '4001.01',
      discountTotal: '100.00',
      taxableTotal: '3901.01',
      itbisTotal: '702.18',
      total: '4603.19',
    });
    expect(created.body.taxBreakdown).toEqual([{ rate: '18.00', taxable: '3901.01', itbis: '702.18' }]);
    expect(created.body.lines.map((line: { amount: string }) => line.amount)).toEqual(['3001.00', '900.01']);
    const patched = await api(s.host, `/quotations/${created.body.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ lines: [{ productId: s.product.id, quantity: '1' }], total: '5' }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ total: '1770.59', itbisTotal: '270.09', number: 'COT-00000001' });
  });

  it('moves draft -> sent -> cancelled, and refuses what the states forbid (409)', async () => {
    const s = await shop('owner');
    const { body: q } = await createApi(s.host, s.bearer, body(s));
    const sent = await api(s.host, `/quotations/${q.id}/send`, s.bearer, { method: 'POST' });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { status: string }).status).toBe('sent');
    const again = await api(s.host, `/quotations/${q.id}/send`, s.bearer, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toBe(
      'Solo una cotización en borrador puede marcarse como enviada.',
    );
    const cancel = await postForm(s.host, `/quotations/${q.id}/cancel`, {}, { Cookie: s.cookie });
    expect(cancel.status).toBe(303);
    const [row] = await s.db.select().from(quotations).where(eq(quotations.id, q.id));
    expect(row!.status).toBe('cancelled');
    const edit = await api(s.host, `/quotations/${q.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ notes: 'x' }),
    });
    expect(edit.status).toBe(409);
    expect(((await edit.json()) as { detail: string }).detail).toBe(
      'Solo se pueden editar cotizaciones en borrador o enviadas.',
    );
    const convert = await api(s.host, `/quotations/${q.id}/convert`, s.bearer, { method: 'POST' });
    expect(convert.status).toBe(409);
    expect(((await convert.json()) as { detail: string }).detail).toBe(
      'Solo se pueden convertir cotizaciones en borrador o enviadas.',
    );
    expect(await s.db.select().from(invoices)).toHaveLength(0);
  });

  it('converts exactly once under 10 parallel requests: one draft B01 invoice with the same lines and totals', async () => {
    const s = await shop('owner');
    const { body: q } = await createApi(s.host, s.bearer, body(s));
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api(s.host, `/quotations/${q.id}/convert`, s.bearer, { method: 'POST' })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as { invoiceId: string }).invoiceId)),
    );
    expect(ids.size).toBe(1);
    const all = await s.db.select().from(invoices);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      id: [...ids][0],
      kind: 'invoice',
      status: 'draft',
      ncfType: 'B01',
      ncf: null,
      customerId: s.customer.id,
      quotationId: q.id,
      total: '4603.19',
      totalDop: '4603.19',
      itbisTotal: '702.18',
    });
    const lines = await s.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, all[0]!.id));
    expect(lines.map((line) => line.amount).sort()).toEqual(['3001.00', '900.01']);
    const [row] = await s.db.select().from(quotations).where(eq(quotations.id, q.id));
    expect(row).toMatchObject({ status: 'converted', convertedInvoiceId: all[0]!.id });
    const ui = await postForm(s.host, `/quotations/${q.id}/convert`, {}, { Cookie: s.cookie });
    expect(ui.status).toBe(303);
    expect(ui.headers.get('location')).toBe(`/invoices/${all[0]!.id}`);
    const detail = await (await get(s.host, `/quotations/${q.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(detail).toContain(`/invoices/${all[0]!.id}`);
  });

  it('converts a quotation without an RNC customer into a B02 draft', async () => {
    const s = await shop('admin');
    const { body: q } = await createApi(s.host, s.bearer, body(s, { customerId: null }));
    const converted = await api(s.host, `/quotations/${q.id}/convert`, s.bearer, { method: 'POST' });
    expect(converted.status).toBe(201);
    const [invoice] = await s.db.select().from(invoices);
    expect(invoice!.ncfType).toBe('B02');
  });

  it('follows the permission matrix', async () => {
    const s = await shop('owner');
    const { body: q } = await createApi(s.host, s.bearer, body(s));
    const optometrista = await signedIn(s.tenant.id, 'optometrista');
    await s.db.insert(userBranches).values({ userId: optometrista.user.id, branchId: s.branch.id });
    expect((await api(s.host, '/quotations', optometrista.bearer)).status).toBe(200);
    expect((await api(s.host, `/quotations/${q.id}`, optometrista.bearer)).status).toBe(200);
    expect((await createApi(s.host, optometrista.bearer, body(s))).status).toBe(403);
    expect((await api(s.host, `/quotations/${q.id}/convert`, optometrista.bearer, { method: 'POST' })).status).toBe(
      403,
    );
    expect((await postForm(s.host, `/quotations/${q.id}/cancel`, {}, { Cookie: optometrista.cookie })).status).toBe(
      403,
    );
    expect((await get(s.host, '/quotations/new', { headers: { Cookie: optometrista.cookie } })).status).toBe(403);
    const page = await (await get(s.host, `/quotations/${q.id}`, { headers: { Cookie: optometrista.cookie } })).text();
    expect(page).not.toContain(`/quotations/${q.id}/convert`);
  });

  it('shows users without branches.all only the quotations of their branches', async () => {
    const s = await shop('owner');
    const [other] = await s.db.insert(branches).values({ code: 'STI', name: 'Santiago' }).returning();
    const { body: q } = await createApi(s.host, s.bearer, body(s, { branchId: other!.id }));
    expect(q.branchName).toBe('Santiago');
    const ventas = await signedIn(s.tenant.id, 'ventas'); // no branch assigned
    expect((await api(s.host, `/quotations/${q.id}`, ventas.bearer)).status).toBe(404);
    const list = (await (await api(s.host, '/quotations', ventas.bearer)).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
    const refused = await createApi(s.host, ventas.bearer, body(s, { branchId: other!.id }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'branchId', message: 'Elija una de sus sucursales.' }]);
  });

  it('isolates shops: another shop’s quotation answers 404 everywhere', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const { body: q } = await createApi(a.host, a.bearer, body(a));
    expect((await api(b.host, `/quotations/${q.id}`, b.bearer)).status).toBe(404);
    expect(
      (await api(b.host, `/quotations/${q.id}`, b.bearer, { method: 'PATCH', body: JSON.stringify({ notes: 'x' }) }))
        .status,
    ).toBe(404);
    for (const action of ['send', 'cancel', 'convert']) {
      expect((await api(b.host, `/quotations/${q.id}/${action}`, b.bearer, { method: 'POST' })).status).toBe(404);
    }
    expect((await get(b.host, `/quotations/${q.id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await get(b.host, '/quotations/zzz', { headers: { Cookie: b.cookie } })).status).toBe(404);
    const [row] = await a.db.select().from(quotations).where(eq(quotations.id, q.id));
    expect(row!.status).toBe('draft');
  });

  it('lists with keyset pages, a status filter and search, in at most 2 round trips', async () => {
    const s = await shop('owner');
    for (let i = 0; i < 3; i++) await createApi(s.host, s.bearer, body(s));
    const { body: last } = await createApi(s.host, s.bearer, body(s, { customerId: null }));
    await api(s.host, `/quotations/${last.id}/send`, s.bearer, { method: 'POST' });
    const page1 = (await (await api(s.host, '/quotations?limit=3', s.bearer)).json()) as {
      data: Array<{ number: string }>;
      nextCursor: string;
    };
    expect(page1.data.map((row) => row.number)).toEqual(['COT-00000004', 'COT-00000003', 'COT-00000002']);
    const page2 = (await (await api(s.host, `/quotations?limit=3&cursor=${page1.nextCursor}`, s.bearer)).json()) as {
      data: Array<{ number: string }>;
      nextCursor: null;
    };
    expect(page2).toEqual({ data: [expect.objectContaining({ number: 'COT-00000001' })], nextCursor: null });
    const sent = (await (await api(s.host, '/quotations?status=sent', s.bearer)).json()) as {
      data: Array<{ number: string }>;
    };
    expect(sent.data.map((row) => row.number)).toEqual(['COT-00000004']);
    const search = await (await get(s.host, '/quotations?q=visi%C3%B3n', { headers: { Cookie: s.cookie } })).text();
    expect(search).toContain('COT-00000001');
    expect(search).not.toContain('COT-00000004');
    // The list page: the session check, the page of quotations and the seller filter's options, in one round trip.
    const list = () => get(s.host, '/quotations', { headers: { Cookie: s.cookie } });
    const queries = await countQueries(`optiflow_${s.tenant.id}`, list);
    expect(queries).toBeLessThanOrEqual(3);
    expect(await countRoundTrips(`optiflow_${s.tenant.id}`, list)).toBe(1);
    const detailQueries = await countQueries(`optiflow_${s.tenant.id}`, async () => {
      expect((await get(s.host, `/quotations/${last.id}`, { headers: { Cookie: s.cookie } })).status).toBe(200);
    });
    expect(detailQueries).toBeLessThanOrEqual(2);
  });
});
