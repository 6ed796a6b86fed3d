import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  exchangeRates,
  fiscalSequences,
  invoiceLines,
  invoices,
  payments,
  stock,
  stockMovements,
} from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { insertDrafts, invoiceRow, invoiceShop, sequenceRow, type InvoiceShop } from '../support/worker/invoices';

type Json = Record<string, unknown> & { errors?: Array<{ field: string; message: string }> };

async function stockOf(shop: InvoiceShop, productId: string) {
  const [row] = await shop.db
    .select()
    .from(stock)
    .where(and(eq(stock.productId, productId), eq(stock.branchId, shop.main.id)));
  return row?.quantity ?? 0;
}

async function createViaApi(shop: InvoiceShop, body: Record<string, unknown>) {
  const response = await api(shop.host, '/invoices', shop.bearer, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as Json & { id: string };
}

function issue(shop: InvoiceShop, id: string, key?: string) {
  return api(shop.host, `/invoices/${id}/issue`, shop.bearer, {
    method: 'POST',
    headers: key ? { 'Idempotency-Key': key } : {},
  });
}

describe('invoice drafts through the UI', () => {
  it('creates a draft from the form with server totals (posted totals ignored), issues it with the next NCF and records the sale', async () => {
    const shop = await invoiceShop('ventas');
    // ventas works only in assigned branches
    const { userBranches } = await import('../../src/db/tenant-schema');
    await shop.db.insert(userBranches).values({ userId: shop.user.id, branchId: shop.main.id });
    const created = await postForm(
      shop.host,
      '/invoices',
      {
        customerId: shop.walkIn.id,
        branchId: shop.main.id,
        ncfType: 'B02',
        currencyCode: 'DOP',
        'lines.0.sku': 'mon-1',
        'lines.0.quantity': '2',
        'lines.0.discount': '100',
        'lines.1.description': 'Examen visual',
        'lines.1.quantity': '1',
        'lines.1.unitPrice': '800',
        'lines.1.taxId': String(shop.tax('EXENTO').id),
        'lines.2.sku': '',
        total: '1.00',
        itbisTotal: '0.00',
        _action: 'save',
      },
      { Cookie: shop.cookie },
    );
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    const id = /\/invoices\/([0-9a-f-]{36})/.exec(location)![1]!;
    const draft = await invoiceRow(shop.db, id);
    // 2 x 1500 - 100 = 2900.00 at 18% -> 522.00; 800.00 exempt; total 4222.00
    expect(draft).toMatchObject({
      status: 'draft',
      ncf: null,
      grossTotal: '3800.00',
      discountTotal: '100.00',
      taxableTotal: '2900.00',
      exemptTotal: '800.00',
      itbisTotal: '522.00',
      total: '4222.00',
    });
    const page = await get(shop.host, `/invoices/${id}`, { headers: { Cookie: shop.cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Borrador de factura');
    expect(html).toContain('<abbr title="Exento de ITBIS">E</abbr>');
    expect(html).toContain('RD$ 4,222.00');

    const issued = await postForm(shop.host, `/invoices/${id}/issue`, {}, { Cookie: shop.cookie });
    expect(issued.status).toBe(303);
    const row = await invoiceRow(shop.db, id);
    expect(row).toMatchObject({
      status: 'issued',
      ncf: 'B0200000001',
      issuedOn: shopToday(),
      buyerName: 'María Pérez',
      total: '4222.00',
      totalDop: '4222.00',
      exchangeRate: '1.0000',
      issuedBy: shop.user.id,
    });
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(2);
    expect(await stockOf(shop, shop.frame.id)).toBe(8);
    const movements = await shop.db.select().from(stockMovements).where(eq(stockMovements.reference, 'B0200000001'));
    expect(movements).toMatchObject([
      { kind: 'sale', quantity: -2, balanceAfter: 8, branchId: shop.main.id, productId: shop.frame.id },
    ]);
    const detail = await (
      await get(shop.host, `/invoices/${id}?notice=issued`, { headers: { Cookie: shop.cookie } })
    ).text();
    expect(detail).toContain('B0200000001');
    expect(detail).toContain(`/invoices/${id}/payments/new`);
    expect(detail).toContain(`/invoices/${id}/print?format=80mm`);
  });

  it('re-renders the form with one free line row on "agregar línea libre" and with field errors (422) on bad lines, writing nothing', async () => {
    const shop = await invoiceShop();
    const fresh = await (await get(shop.host, '/invoices/new', { headers: { Cookie: shop.cookie } })).text();
    expect(fresh).not.toContain('name="lines.0.quantity"');
    const more = await postForm(
      shop.host,
      '/invoices',
      { ncfType: 'B02', branchId: shop.main.id, currencyCode: 'DOP', _action: 'addLine' },
      { Cookie: shop.cookie },
    );
    expect(more.status).toBe(200);
    const html = await more.text();
    expect(html).toContain('name="lines.0.quantity"');
    expect(html).not.toContain('name="lines.1.quantity"');
    const bad = await postForm(
      shop.host,
      '/invoices',
      {
        ncfType: 'B02',
        branchId: shop.main.id,
        currencyCode: 'DOP',
        'lines.0.sku': 'NOPE',
        'lines.0.quantity': '1',
        'lines.1.description': 'Libre',
        'lines.1.quantity': '0',
        _action: 'save',
      },
      { Cookie: shop.cookie },
    );
    expect(bad.status).toBe(422);
    const body = await bad.text();
    expect(body).toContain('Indique una cantidad mayor que cero, con hasta 2 decimales.');
    expect(await shop.db.select().from(invoices)).toHaveLength(0);
    const unknown = await postForm(
      shop.host,
      '/invoices',
      {
        ncfType: 'B02',
        branchId: shop.main.id,
        currencyCode: 'DOP',
        'lines.0.sku': 'NOPE',
        'lines.0.quantity': '1',
        _action: 'save',
      },
      { Cookie: shop.cookie },
    );
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('No existe un producto con ese código.');
  });

  it('edits and deletes drafts, but never an issued invoice (409)', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1);
    const edited = await postForm(
      shop.host,
      `/invoices/${id}/edit`,
      {
        ncfType: 'B02',
        branchId: shop.main.id,
        currencyCode: 'DOP',
        'lines.0.sku': 'SRV-1',
        'lines.0.quantity': '3',
        _action: 'save',
      },
      { Cookie: shop.cookie },
    );
    expect(edited.status).toBe(303);
    // 3 x 500 = 1500 at 16% = 240 -> 1740
    expect(await invoiceRow(shop.db, id!)).toMatchObject({
      taxableTotal: '1500.00',
      itbisTotal: '240.00',
      total: '1740.00',
    });
    expect(await shop.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, id!))).toHaveLength(1);
    expect((await issue(shop, id!)).status).toBe(200);
    expect(
      (await postForm(shop.host, `/invoices/${id}/edit`, { ncfType: 'B02', _action: 'save' }, { Cookie: shop.cookie }))
        .status,
    ).toBe(409);
    expect((await postForm(shop.host, `/invoices/${id}/delete`, {}, { Cookie: shop.cookie })).status).toBe(409);
    expect((await api(shop.host, `/invoices/${id}`, shop.bearer, { method: 'DELETE' })).status).toBe(409);
    const [other] = await insertDrafts(shop, 1);
    expect((await postForm(shop.host, `/invoices/${other}/delete`, {}, { Cookie: shop.cookie })).status).toBe(303);
    expect(await shop.db.select().from(invoices).where(eq(invoices.id, other!))).toHaveLength(0);
  });
});

describe('issuing through the API', () => {
  it('stores exactly the hand-computed totals of several invoices, whatever totals the client posts', async () => {
    const shop = await invoiceShop();
    const exempt = shop.tax('EXENTO').id;
    const zero = shop.tax('ITBIS0').id;
    const cases = [
      // 3 x 333.3333 = 999.9999 -> 1000.00; 18% -> 180.00; total 1180.00
      {
        lines: [{ description: 'A', quantity: '3', unitPrice: '333.3333', taxId: shop.tax('ITBIS18').id }],
        expect: { taxableTotal: '1000.00', itbisTotal: '180.00', total: '1180.00' },
      },
      // SRV-1 2 x 500 = 1000 at 16% = 160; 250.50 exempt; 99.99 at 0% -> taxable 1099.99, itbis 160.00, total 1510.49
      {
        lines: [
          { sku: 'SRV-1', quantity: '2' },
          { description: 'Exento', quantity: '1', unitPrice: '250.5', taxId: exempt },
          { description: 'Tasa cero', quantity: '1', unitPrice: '99.99', taxId: zero },
        ],
        expect: { taxableTotal: '1099.99', exemptTotal: '250.50', itbisTotal: '160.00', total: '1510.49' },
      },
      // MON-1 1 x 1500 - 150.75 discount = 1349.25; 18% = 242.865 -> 242.87; total 1592.12
      {
        lines: [{ productId: shop.frame.id, quantity: 1, discount: '150.75' }],
        expect: { discountTotal: '150.75', taxableTotal: '1349.25', itbisTotal: '242.87', total: '1592.12' },
      },
    ];
    for (const [index, testCase] of cases.entries()) {
      const draft = await createViaApi(shop, {
        ncfType: 'B02',
        lines: testCase.lines,
        total: '1.00',
        itbisTotal: '999.00',
      });
      const response = await issue(shop, draft.id);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Json;
      expect(body).toMatchObject({
        ...testCase.expect,
        ncf: `B020000000${index + 1}`,
        status: 'issued',
        totalDop: testCase.expect.total,
      });
      expect(await invoiceRow(shop.db, draft.id)).toMatchObject({
        ...testCase.expect,
        totalDop: testCase.expect.total,
      });
    }
  });

  it('converts USD invoices with the rate of the issue date (latest valid_on <= today) and keeps both amounts', async () => {
    const shop = await invoiceShop();
    await shop.db.insert(exchangeRates).values([
      { currencyCode: 'USD', rate: '58.9000', validOn: addDays(shopToday(), -10) },
      { currencyCode: 'USD', rate: '59.1234', validOn: addDays(shopToday(), -1) },
      { currencyCode: 'USD', rate: '70.0000', validOn: addDays(shopToday(), 5) },
    ]);
    // 2 x 49.995 = 99.99 at 18% = 17.9982 -> 18.00; total 117.99
    // DOP: 99.99 x 59.1234 = 5911.748766 -> 5911.75; 18.00 x 59.1234 = 1064.2212 -> 1064.22; total 6975.97
    const draft = await createViaApi(shop, {
      ncfType: 'B02',
      currencyCode: 'USD',
      lines: [{ description: 'Lentes', quantity: '2', unitPrice: '49.995', taxId: shop.tax('ITBIS18').id }],
    });
    const body = (await (await issue(shop, draft.id)).json()) as Json;
    expect(body).toMatchObject({
      total: '117.99',
      exchangeRate: '59.1234',
      taxableTotalDop: '5911.75',
      itbisTotalDop: '1064.22',
      totalDop: '6975.97',
    });
    expect(await invoiceRow(shop.db, draft.id)).toMatchObject({
      currencyCode: 'USD',
      total: '117.99',
      exchangeRate: '59.1234',
      totalDop: '6975.97',
    });
  });

  it('is idempotent with Idempotency-Key: same key answers the same invoice, another key or none is 409', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1);
    const first = await issue(shop, id!, 'key-1');
    expect(first.status).toBe(200);
    const replay = await issue(shop, id!, 'key-1');
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as Json).ncf).toBe(((await first.json()) as Json).ncf);
    const other = await issue(shop, id!, 'key-2');
    expect(other.status).toBe(409);
    expect(((await other.json()) as Json).detail).toBe('La factura ya fue emitida con otra clave de idempotencia.');
    const none = await issue(shop, id!);
    expect(none.status).toBe(409);
    expect(((await none.json()) as Json).detail).toBe(
      'La factura ya fue emitida: no se puede emitir, editar ni eliminar de nuevo.',
    );
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(2);
    const ui = await postForm(shop.host, `/invoices/${id}/issue`, {}, { Cookie: shop.cookie });
    expect(ui.status).toBe(409);
  });

  it('answers parallel replays of one key with one number', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1);
    const responses = await Promise.all(Array.from({ length: 10 }, () => issue(shop, id!, 'same')));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    const numbers = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as Json).ncf)));
    expect([...numbers]).toEqual(['B0200000001']);
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(2);
  });
});

describe('issue rules, each with its exact error', () => {
  async function expectRefused(shop: InvoiceShop, id: string, status: number, detail: string) {
    const before = await shop.db
      .select({ id: fiscalSequences.id, next: fiscalSequences.nextNumber })
      .from(fiscalSequences);
    const response = await issue(shop, id);
    expect(response.status).toBe(status);
    expect(((await response.json()) as Json).detail).toBe(detail);
    expect(await invoiceRow(shop.db, id)).toMatchObject({ status: 'draft', ncf: null, issuedOn: null });
    expect(
      await shop.db.select({ id: fiscalSequences.id, next: fiscalSequences.nextNumber }).from(fiscalSequences),
    ).toEqual(before);
  }

  it('B01 requires the buyer RNC/cédula', async () => {
    const shop = await invoiceShop();
    const [none] = await insertDrafts(shop, 1, { ncfType: 'B01' });
    await expectRefused(
      shop,
      none!,
      422,
      'El comprobante B01 (Factura de crédito fiscal) requiere el RNC o la cédula del comprador: elija un cliente que lo tenga registrado.',
    );
    const [walkIn] = await insertDrafts(shop, 1, { ncfType: 'B01', customerId: shop.walkIn.id });
    await expectRefused(
      shop,
      walkIn!,
      422,
      'El comprobante B01 (Factura de crédito fiscal) requiere el RNC o la cédula del comprador: elija un cliente que lo tenga registrado.',
    );
    const [ok] = await insertDrafts(shop, 1, { ncfType: 'B01', customerId: shop.company.id });
    const response = await issue(shop, ok!);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ncf: 'B0100000001',
      buyerName: 'Lentes del Caribe SRL',
      buyerIdType: 'rnc',
      buyerIdNumber: '130991731',
    });
  });

  it('B02 at RD$250,000.00 requires the buyer id; RD$249,999.99 does not', async () => {
    const shop = await invoiceShop();
    const exempt = { taxId: shop.tax('EXENTO').id, taxRate: '0.00', exempt: true, discount: '0' };
    const [at] = await insertDrafts(shop, 1, {
      customerId: shop.walkIn.id,
      lines: [{ description: 'Lentes', quantity: '1', unitPrice: '250000', ...exempt }],
    });
    await expectRefused(
      shop,
      at!,
      422,
      'Las facturas de consumo (B02) de RD$250,000.00 o más requieren el RNC o la cédula del comprador (total: RD$ 250,000.00).',
    );
    const [below] = await insertDrafts(shop, 1, {
      lines: [{ description: 'Lentes', quantity: '1', unitPrice: '249999.99', ...exempt }],
    });
    expect((await issue(shop, below!)).status).toBe(200);
    const [identified] = await insertDrafts(shop, 1, {
      customerId: shop.company.id,
      lines: [{ description: 'Lentes', quantity: '1', unitPrice: '250000', ...exempt }],
    });
    expect((await issue(shop, identified!)).status).toBe(200);
  });

  it('an expired sequence refuses with a clear message and the invoice stays a draft', async () => {
    const shop = await invoiceShop();
    await shop.db
      .update(fiscalSequences)
      .set({ validUntil: addDays(shopToday(), -1) })
      .where(eq(fiscalSequences.id, shop.b02.id));
    const [id] = await insertDrafts(shop, 1);
    await expectRefused(
      shop,
      id!,
      422,
      'La secuencia de NCF B02 está vencida: solicite una nueva autorización a la DGII. La factura sigue en borrador.',
    );
  });

  it('an exhausted sequence refuses with a clear message and the invoice stays a draft', async () => {
    const shop = await invoiceShop();
    await shop.db
      .update(fiscalSequences)
      .set({ rangeEnd: 3, nextNumber: 4 })
      .where(eq(fiscalSequences.id, shop.b02.id));
    const [id] = await insertDrafts(shop, 1);
    await expectRefused(
      shop,
      id!,
      422,
      'La secuencia de NCF B02 está agotada: no quedan números autorizados. La factura sigue en borrador.',
    );
  });

  it('a type without any sequence refuses (422)', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1, { ncfType: 'B14', customerId: shop.company.id });
    await expectRefused(
      shop,
      id!,
      422,
      'No hay una secuencia de NCF B14 activa para esta sucursal: créela en Comprobantes (NCF). La factura sigue en borrador.',
    );
  });

  it('no lines and a missing exchange rate refuse (422)', async () => {
    const shop = await invoiceShop();
    const draft = await createViaApi(shop, { ncfType: 'B02', lines: [] });
    await expectRefused(shop, draft.id, 422, 'La factura no tiene líneas: agregue al menos una antes de emitirla.');
    const [usd] = await insertDrafts(shop, 1, { currencyCode: 'USD' });
    const today = shopToday().split('-').reverse().join('/');
    await expectRefused(
      shop,
      usd!,
      422,
      `No hay tasa de cambio de USD para el ${today}: regístrela en Monedas antes de emitir.`,
    );
  });

  it('insufficient stock leaves the draft, consumes no number and writes no movement', async () => {
    const shop = await invoiceShop();
    const line = {
      productId: shop.frame.id,
      description: 'Montura',
      quantity: '11',
      unitPrice: '1500',
      discount: '0',
      taxRate: '18.00',
      exempt: false,
      taxId: shop.tax('ITBIS18').id,
    };
    const [id] = await insertDrafts(shop, 1, { lines: [line] });
    await expectRefused(
      shop,
      id!,
      422,
      'No hay existencia suficiente de Montura clásica en la sucursal. La factura sigue en borrador y no se usó ningún NCF.',
    );
    expect(await stockOf(shop, shop.frame.id)).toBe(10);
    expect(await shop.db.select().from(stockMovements).where(eq(stockMovements.kind, 'sale'))).toHaveLength(0);
  });

  it('refuses a sequence of another type on the draft (422 field error), and 404 for unknown or malformed ids', async () => {
    const shop = await invoiceShop();
    const response = await api(shop.host, '/invoices', shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ ncfType: 'B02', sequenceId: shop.b01.id, lines: [] }),
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as Json).errors).toEqual([
      { field: 'sequenceId', message: 'La secuencia no existe o no es del tipo de comprobante elegido.' },
    ]);
    expect((await issue(shop, crypto.randomUUID())).status).toBe(404);
    expect((await issue(shop, 'not-a-uuid')).status).toBe(404);
    expect((await get(shop.host, '/invoices/not-a-uuid', { headers: { Cookie: shop.cookie } })).status).toBe(404);
  });
});

describe('voiding', () => {
  it('voids an issued invoice with a 608 reason, returns the stock and keeps the NCF', async () => {
    const shop = await invoiceShop();
    const draft = await createViaApi(shop, { ncfType: 'B02', lines: [{ sku: 'MON-1', quantity: '3' }] });
    expect((await issue(shop, draft.id)).status).toBe(200);
    expect(await stockOf(shop, shop.frame.id)).toBe(7);
    const noReason = await postForm(shop.host, `/invoices/${draft.id}/void`, { reason: '' }, { Cookie: shop.cookie });
    expect(noReason.status).toBe(422);
    expect(await noReason.text()).toContain('Elija el motivo de anulación (códigos 01 a 10 del 608).');
    const apiNoReason = await api(shop.host, `/invoices/${draft.id}/void`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: '11' }),
    });
    expect(apiNoReason.status).toBe(422);
    const voided = await postForm(
      shop.host,
      `/invoices/${draft.id}/void`,
      { reason: '04', note: 'Datos del cliente' },
      { Cookie: shop.cookie },
    );
    expect(voided.status).toBe(303);
    expect(await invoiceRow(shop.db, draft.id)).toMatchObject({
      status: 'voided',
      ncf: 'B0200000001',
      voidReason: '04',
      voidNote: 'Datos del cliente',
    });
    expect(await stockOf(shop, shop.frame.id)).toBe(10);
    const returns = await shop.db.select().from(stockMovements).where(eq(stockMovements.kind, 'return'));
    expect(returns).toMatchObject([{ quantity: 3, reference: 'B0200000001', balanceAfter: 10 }]);
    const again = await api(shop.host, `/invoices/${draft.id}/void`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: '04' }),
    });
    expect(again.status).toBe(409);
  });

  it('refuses to void an invoice with an active payment, and a draft', async () => {
    const shop = await invoiceShop();
    const [id, draftId] = await insertDrafts(shop, 2);
    expect((await issue(shop, id!)).status).toBe(200);
    const [rec] = await shop.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
    await shop.db.insert(payments).values({
      invoiceId: id!,
      number: 'REC-00000001',
      sequenceId: rec!.id,
      branchId: shop.main.id,
      receivedOn: shopToday(),
      method: '1',
      amount: '100.00',
    });
    await shop.db.update(invoices).set({ paidTotal: '100.00', status: 'partially_paid' }).where(eq(invoices.id, id!));
    const refused = await api(shop.host, `/invoices/${id}/void`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: '04' }),
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Json).detail).toBe(
      'La factura tiene cobros vigentes: anule los cobros antes de anular la factura.',
    );
    const draft = await api(shop.host, `/invoices/${draftId}/void`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: '04' }),
    });
    expect(draft.status).toBe(409);
    expect(((await draft.json()) as Json).detail).toBe('Solo se pueden anular facturas emitidas.');
  });
});

describe('concurrency on one sequence', () => {
  it('200 simultaneous issues give 200 distinct consecutive NCFs with no gap', { timeout: 120_000 }, async () => {
    const shop = await invoiceShop();
    const ids = await insertDrafts(shop, 200);
    const responses = await Promise.all(ids.map((id) => issue(shop, id)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const rows = await shop.db.select({ ncf: invoices.ncf, status: invoices.status }).from(invoices);
    const numbers = rows.map((row) => Number(row.ncf!.slice(3))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['issued']));
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(201);
  });

  it('with N numbers left, N + k parallel issues give exactly N invoices; k are refused as exhausted and stay drafts', {
    timeout: 60_000,
  }, async () => {
    const shop = await invoiceShop();
    await shop.db
      .update(fiscalSequences)
      .set({ rangeEnd: 25, nextNumber: 21 })
      .where(eq(fiscalSequences.id, shop.b02.id));
    const ids = await insertDrafts(shop, 12);
    const responses = await Promise.all(ids.map((id) => issue(shop, id)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 422)).toHaveLength(7);
    const rows = await shop.db.select({ ncf: invoices.ncf, status: invoices.status }).from(invoices);
    expect(rows.filter((row) => row.status === 'draft')).toHaveLength(7);
    expect(rows.flatMap((row) => (row.ncf ? [row.ncf] : [])).sort()).toEqual([
      'B0200000021',
      'B0200000022',
      'B0200000023',
      'B0200000024',
      'B0200000025',
    ]);
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(26);
  });
});

describe('round trips, permissions and isolation', () => {
  it('issues in at most 3 DB round trips (session included) and renders the list in at most 2', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1, {
      lines: [
        {
          productId: shop.frame.id,
          description: 'Montura',
          quantity: '1',
          unitPrice: '1500',
          discount: '0',
          taxRate: '18.00',
          exempt: false,
          taxId: shop.tax('ITBIS18').id,
        },
      ],
    });
    await insertDrafts(shop, 60);
    const database = `optiflow_${shop.tenant.id}`;
    let status = 0;
    const issueTrips = await countRoundTrips(database, async () => {
      status = (await postForm(shop.host, `/invoices/${id}/issue`, {}, { Cookie: shop.cookie })).status;
    });
    expect(status).toBe(303);
    expect(issueTrips).toBeLessThanOrEqual(3);
    const [other] = await insertDrafts(shop, 1);
    await api(shop.host, '/invoices?limit=1', shop.bearer); // the token's first use also records last_used_at
    const apiTrips = await countRoundTrips(database, async () => {
      status = (await issue(shop, other!)).status;
    });
    expect(status).toBe(200);
    expect(apiTrips).toBeLessThanOrEqual(3);
    let html = '';
    const listTrips = await countRoundTrips(database, async () => {
      const response = await get(shop.host, '/invoices', { headers: { Cookie: shop.cookie } });
      html = await response.text();
    });
    expect(listTrips).toBeLessThanOrEqual(2);
    expect(html).toContain('Siguiente página');
    const next = /href="(\/invoices\?cursor=[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const second = await (await get(shop.host, next, { headers: { Cookie: shop.cookie } })).text();
    expect(second).toContain('Primera página');
    const detailTrips = await countRoundTrips(database, async () => {
      expect((await get(shop.host, `/invoices/${id}`, { headers: { Cookie: shop.cookie } })).status).toBe(200);
    });
    expect(detailTrips).toBeLessThanOrEqual(2);
  });

  it('enforces the permission matrix: optometrista views only, caja cannot void, ventas cannot void', async () => {
    const shop = await invoiceShop('optometrista');
    const [id] = await insertDrafts(shop, 1);
    expect((await get(shop.host, '/invoices', { headers: { Cookie: shop.cookie } })).status).toBe(200);
    expect((await get(shop.host, '/invoices/new', { headers: { Cookie: shop.cookie } })).status).toBe(403);
    expect((await postForm(shop.host, `/invoices/${id}/issue`, {}, { Cookie: shop.cookie })).status).toBe(403);
    expect((await issue(shop, id!)).status).toBe(403);
    expect(
      (await api(shop.host, '/invoices', shop.bearer, { method: 'POST', body: JSON.stringify({ ncfType: 'B02' }) }))
        .status,
    ).toBe(403);
    const { signedIn } = await import('../support/worker/helpers');
    const caja = await signedIn(shop.tenant.id, 'caja');
    expect((await postForm(shop.host, `/invoices/${id}/void`, { reason: '04' }, { Cookie: caja.cookie })).status).toBe(
      403,
    );
    expect(
      (
        await api(shop.host, `/invoices/${id}/void`, caja.bearer, {
          method: 'POST',
          body: JSON.stringify({ reason: '04' }),
        })
      ).status,
    ).toBe(403);
    expect((await invoiceRow(shop.db, id!)).status).toBe('draft');
  });

  it('keeps shops apart: shop B cannot see, change, issue or void shop A’s invoices (404)', {
    timeout: 30_000,
  }, async () => {
    const a = await invoiceShop();
    const b = await invoiceShop();
    const [draftId, issuedId] = await insertDrafts(a, 2);
    expect((await issue(a, issuedId!)).status).toBe(200);
    for (const id of [draftId!, issuedId!]) {
      expect((await get(b.host, `/invoices/${id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
      expect((await api(b.host, `/invoices/${id}`, b.bearer)).status).toBe(404);
      expect((await issue(b, id)).status).toBe(404);
      expect(
        (await api(b.host, `/invoices/${id}`, b.bearer, { method: 'PATCH', body: JSON.stringify({ notes: 'x' }) }))
          .status,
      ).toBe(404);
      expect((await api(b.host, `/invoices/${id}`, b.bearer, { method: 'DELETE' })).status).toBe(404);
      expect(
        (
          await api(b.host, `/invoices/${id}/void`, b.bearer, {
            method: 'POST',
            body: JSON.stringify({ reason: '04' }),
          })
        ).status,
      ).toBe(404);
      expect((await postForm(b.host, `/invoices/${id}/issue`, {}, { Cookie: b.cookie })).status).toBe(404);
    }
    const list = (await (await api(b.host, '/invoices', b.bearer)).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(0);
    expect(await invoiceRow(a.db, draftId!)).toMatchObject({ status: 'draft' });
    expect((await a.db.select().from(invoices).where(eq(invoices.id, issuedId!)))[0]!.status).toBe('issued');
  });
});

describe('issue 9: the issuer on fiscal documents and the activity log', { timeout: 90_000 }, () => {
  it('refuses to issue without the company RNC, before any number is taken (UI with a link to the settings, API problem+json)', async () => {
    const shop = await invoiceShop('owner');
    const { company } = await import('../../src/db/tenant-schema');
    await shop.db.update(company).set({ rnc: null });
    const [uiDraft, apiDraft] = await insertDrafts(shop, 2);
    const ui = await postForm(shop.host, `/invoices/${uiDraft}/issue`, {}, { Cookie: shop.cookie });
    expect(ui.status).toBe(422);
    const page = await ui.text();
    expect(page).toContain('La empresa no tiene RNC');
    expect(page).toContain('href="/company"');
    const response = await issue(shop, apiDraft!);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as Json).detail).toContain('La empresa no tiene RNC');
    expect((await invoiceRow(shop.db, uiDraft!)).status).toBe('draft');
    expect((await invoiceRow(shop.db, apiDraft!)).ncf).toBeNull();
    expect((await sequenceRow(shop.db, shop.b02.id)).nextNumber).toBe(1);
    // With an RNC the same draft issues with the first number: nothing was consumed.
    await shop.db.update(company).set({ rnc: '130123454' });
    expect((await issue(shop, apiDraft!)).status).toBe(200);
    expect((await invoiceRow(shop.db, apiDraft!)).ncf).toBe('B0200000001');
  });

  it('prints, archives and serves the issuer as it was at issue after the company settings change', async () => {
    const shop = await invoiceShop('owner');
    const { company } = await import('../../src/db/tenant-schema');
    await shop.db.update(company).set({
      name: 'Óptica Vieja SRL',
      rnc: '130123454',
      address: 'Calle Vieja 1',
      phones: '809-555-0001',
      email: 'vieja@example.test',
    });
    const [id] = await insertDrafts(shop, 1);
    expect((await issue(shop, id!)).status).toBe(200);
    await shop.db.update(company).set({
      name: 'Óptica Nueva SRL',
      rnc: '131246796',
      address: 'Avenida Nueva 2',
      phones: '809-555-0002',
      email: 'nueva@example.test',
    });
    const print = await (await get(shop.host, `/invoices/${id}/print`, { headers: { Cookie: shop.cookie } })).text();
    expect(print).toContain('Óptica Vieja SRL');
    expect(print).toContain('Calle Vieja 1');
    expect(print).not.toContain('Óptica Nueva SRL');
    const { printableInvoice, anyBranch } = await import('../../src/queries/documents');
    const { invoiceModel } = await import('../../src/documents/model');
    const model = invoiceModel((await printableInvoice(shop.db, id!, anyBranch))!);
    expect(model.company).toMatchObject({
      name: 'Óptica Vieja SRL',
      rnc: '130123454',
      address: 'Calle Vieja 1',
      phones: '809-555-0001',
      email: 'vieja@example.test',
    });
    const json = (await (await api(shop.host, `/invoices/${id}`, shop.bearer)).json()) as Json;
    expect(json.issuer).toMatchObject({ name: 'Óptica Vieja SRL', rnc: '130123454', address: 'Calle Vieja 1' });
    // A draft has no snapshot yet: it shows the company as it is now.
    const [draft] = await insertDrafts(shop, 1);
    expect((await printableInvoice(shop.db, draft!, anyBranch))!.company.name).toBe('Óptica Nueva SRL');
  });

  it('records issued, voided and paid in the activity log with the acting user, in the issue transaction', async () => {
    const shop = await invoiceShop('owner');
    const { auditLog } = await import('../../src/db/tenant-schema');
    const [id] = await insertDrafts(shop, 1);
    expect((await issue(shop, id!)).status).toBe(200);
    const voided = await api(shop.host, `/invoices/${id}/void`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: '04' }),
    });
    expect(voided.status).toBe(200);
    const rows = await shop.db.select().from(auditLog).orderBy(auditLog.id);
    expect(rows.map((row) => row.action)).toEqual(['invoice.issued', 'invoice.voided']);
    expect(rows[0]!.actor).toContain(shop.email);
    expect(rows[0]!.details).toMatchObject({
      invoiceId: id,
      ncf: 'B0200000001',
      ncfType: 'B02',
      total: '1180.00',
      currencySymbol: 'RD$',
    });
    expect(rows[1]!.details).toMatchObject({ invoiceId: id, ncf: 'B0200000001', reason: '04' });
  });
});

describe('issue 9 item 17: buyers the DGII registry has as not active', { timeout: 60_000 }, () => {
  it('refuses a B01 to an ANULADO taxpayer before a number is taken, and lets a B02 and an active buyer through', async () => {
    const shop = await invoiceShop('owner');
    const { contacts } = await import('../../src/db/tenant-schema');
    const { platform } = await import('../support/worker/helpers');
    const centralSql = (await platform()).centralSql;
    const digits = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte % 10).join('');
    const [voided, active] = [`9${digits()}`, `9${digits()}`];
    const [anulado] = await shop.db
      .insert(contacts)
      .values({ name: 'Cerrada SRL', idType: 'rnc', idNumber: voided })
      .returning();
    const [activo] = await shop.db
      .insert(contacts)
      .values({ name: 'Abierta SRL', idType: 'rnc', idNumber: active })
      .returning();
    try {
      await centralSql`INSERT INTO dgii_taxpayers (tax_id, name, commercial_name, status)
                       VALUES (${voided}, 'CERRADA SRL', NULL, 'ANULADO'), (${active}, 'ABIERTA SRL', NULL, 'ACTIVO') ON CONFLICT (tax_id) DO NOTHING`;
      const [b01] = await insertDrafts(shop, 1, { ncfType: 'B01', customerId: anulado!.id });
      // The draft says so before anyone tries to issue it.
      const { get } = await import('../support/worker/helpers');
      const draftPage = await (await get(shop.host, `/invoices/${b01}`, { headers: { cookie: shop.cookie } })).text();
      expect(draftPage).toContain('class="alert alert-warning"');
      expect(draftPage).toContain('está ANULADO');
      expect(draftPage).toContain('no se podrá emitir');
      const refused = await issue(shop, b01!);
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as Json).detail).toContain('ANULADO');
      expect((await sequenceRow(shop.db, shop.b01.id)).nextNumber).toBe(1);
      const [b02] = await insertDrafts(shop, 1, { ncfType: 'B02', customerId: anulado!.id });
      const b02Page = await (await get(shop.host, `/invoices/${b02}`, { headers: { cookie: shop.cookie } })).text();
      expect(b02Page).toContain('está ANULADO');
      expect(b02Page).not.toContain('no se podrá emitir');
      expect((await issue(shop, b02!)).status).toBe(200);
      const [ok] = await insertDrafts(shop, 1, { ncfType: 'B01', customerId: activo!.id });
      const okPage = await (await get(shop.host, `/invoices/${ok}`, { headers: { cookie: shop.cookie } })).text();
      expect(okPage).not.toContain('alert-warning');
      expect((await issue(shop, ok!)).status).toBe(200);
      expect((await invoiceRow(shop.db, ok!)).ncf).toBe('B0100000001');
    } finally {
      await centralSql`DELETE FROM dgii_taxpayers WHERE tax_id = ANY(${[voided, active]}::text[])`;
    }
  });
});

describe('one branch rule for drafts, UI and API alike', () => {
  const line = (shop: InvoiceShop) => ({
    description: 'Consulta',
    quantity: '1',
    unitPrice: '1000',
    taxId: shop.tax('ITBIS18').id,
  });
  const form = (shop: InvoiceShop, branchId: string) => ({
    branchId,
    ncfType: 'B02',
    currencyCode: 'DOP',
    'lines.0.description': 'Consulta',
    'lines.0.quantity': '1',
    'lines.0.unitPrice': '1000',
    'lines.0.taxId': String(shop.tax('ITBIS18').id),
  });

  it('refuses and allows the same branches through the form and the API', async () => {
    const shop = await invoiceShop('ventas');
    const { branches, userBranches } = await import('../../src/db/tenant-schema');
    await shop.db.insert(userBranches).values({ userId: shop.user.id, branchId: shop.main.id });
    const [other] = await shop.db.insert(branches).values({ code: 'NORTE', name: 'Norte' }).returning();
    const outcomes: Array<[string, number, number]> = [];
    for (const [name, branchId] of [
      ['own branch', shop.main.id],
      ['branch not assigned', other!.id],
    ] as const) {
      const ui = await postForm(shop.host, '/invoices', form(shop, branchId), { Cookie: shop.cookie });
      const api_ = await api(shop.host, '/invoices', shop.bearer, {
        method: 'POST',
        body: JSON.stringify({ branchId, ncfType: 'B02', currencyCode: 'DOP', lines: [line(shop)] }),
      });
      outcomes.push([name, ui.status, api_.status]);
      if (api_.status === 422)
        expect(((await api_.json()) as Json).errors!.map((error) => error.field)).toContain('branchId');
    }
    // Moving an existing draft to a branch the user is not in: refused by both.
    const [draft] = await insertDrafts(shop, 1);
    const uiMove = await postForm(shop.host, `/invoices/${draft}/edit`, form(shop, other!.id), { Cookie: shop.cookie });
    const apiMove = await api(shop.host, `/invoices/${draft}`, shop.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ branchId: other!.id }),
    });
    outcomes.push(['move a draft to a branch not assigned', uiMove.status, apiMove.status]);
    expect(outcomes).toEqual([
      ['own branch', 303, 201],
      ['branch not assigned', 422, 422],
      ['move a draft to a branch not assigned', 422, 422],
    ]);
    expect((await invoiceRow(shop.db, draft!)).branchId).toBe(shop.main.id);
  });

  it('lets a draft stay in its own branch through both, even once that branch is inactive', async () => {
    // Before the rule was one, the form refused this (branch no longer in the user's list) and the API allowed it.
    const shop = await invoiceShop('owner');
    const { branches } = await import('../../src/db/tenant-schema');
    const [draft] = await insertDrafts(shop, 1);
    await shop.db.insert(branches).values({ code: 'NORTE', name: 'Norte' });
    await shop.db.update(branches).set({ active: false }).where(eq(branches.id, shop.main.id));
    const ui = await postForm(shop.host, `/invoices/${draft}/edit`, form(shop, shop.main.id), { Cookie: shop.cookie });
    const apiSame = await api(shop.host, `/invoices/${draft}`, shop.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ branchId: shop.main.id, notes: 'misma sucursal' }),
    });
    expect([ui.status, apiSame.status]).toEqual([303, 200]);
    expect((await invoiceRow(shop.db, draft!)).notes).toBe('misma sucursal');
  });
});
