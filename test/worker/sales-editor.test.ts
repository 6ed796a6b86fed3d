/**
 * The sales editor (issue 13 item 3): live lines and totals from the totals code that issues, the
 * barcode field, quote from a prescription, the confirmation before an NCF is taken, bad input and
 * isolation between shops.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { exchangeRates, fiscalSequences, invoices, prescriptions, products } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { invoiceRow, invoiceShop, type InvoiceShop } from '../support/worker/invoices';

const databaseOf = (s: InvoiceShop) => `optiflow_${s.tenant.id.replace(/-/g, '_')}`;

const lines = (form: 'invoices' | 'quotations', s: InvoiceShop, body: Record<string, string>) =>
  postForm(s.host, `/sales-editor/${form}/lines`, body, { Cookie: s.cookie, 'HX-Request': 'true' });

/** The figure of a totals-table row, e.g. "Total" -> "RD$5,214.97". */
function totalsRow(html: string, label: string): string | null {
  const table = /<table class="totals-table"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  const row = new RegExp(`<th scope="row">${label}</th><td class="number">([^<]+)</td>`).exec(table);
  return row?.[1] ?? null;
}

const rowValue = (html: string, index: number, field: string) =>
  new RegExp(`name="lines\\.${index}\\.${field}" value="([^"]*)"`).exec(html)?.[1] ?? null;

/**
 * Hand-computed: MON-1 2 x 1,500.00 - 100.00 = 2,900.00 (18%); Estuche 3 x 250.50 = 751.50 (18%);
 * Cordón 1 x 99.99 - 9.99 = 90.00 (18%); Examen 800.00 exempt. Gross 4,651.49, discounts 109.99,
 * taxable 3,741.50, ITBIS 18% 673.47, exempt 800.00, total 5,214.97.
 */
function handTable(s: InvoiceShop): Record<string, string> {
  const itbis18 = String(s.tax('ITBIS18').id);
  return {
    'lines.0.sku': 'MON-1',
    'lines.0.quantity': '2',
    'lines.0.discount': '100',
    'lines.1.description': 'Estuche rígido',
    'lines.1.quantity': '3',
    'lines.1.unitPrice': '250.50',
    'lines.1.taxId': itbis18,
    'lines.2.description': 'Cordón',
    'lines.2.quantity': '1',
    'lines.2.unitPrice': '99.99',
    'lines.2.discount': '9.99',
    'lines.2.taxId': itbis18,
    'lines.3.description': 'Examen visual',
    'lines.3.quantity': '1',
    'lines.3.unitPrice': '800',
    'lines.3.taxId': String(s.tax('EXENTO').id),
  };
}

describe('sales editor: live lines and totals', () => {
  it('shows the totals issuing the same lines gives (DOP and USD), in one round trip', {
    timeout: 30_000,
  }, async () => {
    const s = await invoiceShop();
    await s.db
      .insert(exchangeRates)
      .values({ currencyCode: 'USD', rate: '59.5000', validOn: addDays(shopToday(), -1) });
    for (const [currencyCode, symbol] of [
      ['DOP', 'RD$'],
      ['USD', 'US$'],
    ] as const) {
      let html = '';
      const trips = await countRoundTrips(databaseOf(s), async () => {
        const response = await lines('invoices', s, { ...handTable(s), currencyCode });
        expect(response.status).toBe(200);
        html = await response.text();
      });
      expect(trips).toBe(1);
      expect(totalsRow(html, 'Subtotal')).toBe(`${symbol} 4,651.49`);
      expect(totalsRow(html, 'Descuentos')).toBe(`-${symbol} 109.99`);
      expect(totalsRow(html, 'Monto gravado')).toBe(`${symbol} 3,741.50`);
      expect(totalsRow(html, 'Monto exento \\(E\\)')).toBe(`${symbol} 800.00`);
      expect(totalsRow(html, 'Total ITBIS')).toBe(`${symbol} 673.47`);
      expect(totalsRow(html, 'Total')).toBe(`${symbol} 5,214.97`);
      // Each line's amount, from the same code.
      for (const amount of ['2,900.00', '751.50', '90.00', '800.00']) expect(html).toContain(`${symbol} ${amount}`);

      // The same lines saved through the form and issued: the issued invoice has exactly those totals.
      const saved = await postForm(
        s.host,
        '/invoices',
        // B01 to a company: in USD the total passes B02's RD$250,000 buyer-id threshold.
        {
          ...handTable(s),
          currencyCode,
          ncfType: 'B01',
          customerId: s.company.id,
          branchId: s.main.id,
          _action: 'save',
        },
        { Cookie: s.cookie },
      );
      expect(saved.status).toBe(303);
      const id = /\/invoices\/([0-9a-f-]{36})/.exec(saved.headers.get('location')!)![1]!;
      const issued = await postForm(
        s.host,
        `/invoices/${id}/issue`,
        { issueKey: crypto.randomUUID() },
        { Cookie: s.cookie },
      );
      expect(issued.status, await issued.clone().text()).toBe(303);
      expect(await invoiceRow(s.db, id)).toMatchObject({
        status: 'issued',
        currencyCode,
        grossTotal: '4651.49',
        discountTotal: '109.99',
        taxableTotal: '3741.50',
        exemptTotal: '800.00',
        itbisTotal: '673.47',
        total: '5214.97',
      });
    }
  });

  it('adds a scanned code (case-insensitive SKU), one more unit when it is already a line, and nothing for an unknown code', {
    timeout: 30_000,
  }, async () => {
    const s = await invoiceShop();
    const first = await (
      await lines('invoices', s, { _action: 'scan', scanCode: ' mon-1 ', currencyCode: 'DOP' })
    ).text();
    expect(rowValue(first, 0, 'sku')).toBe('MON-1');
    expect(rowValue(first, 0, 'quantity')).toBe('1');
    expect(rowValue(first, 1, 'sku')).toBeNull();
    expect(first).toContain('Agregado: Montura clásica.');
    expect(totalsRow(first, 'Total')).toBe('RD$ 1,770.00'); // 1,500.00 + 18%

    const again = await (
      await lines('invoices', s, {
        'lines.0.sku': 'MON-1',
        'lines.0.quantity': '1',
        'lines.1.sku': 'SRV-1',
        'lines.1.quantity': '1',
        _action: 'scan',
        scanCode: 'MON-1',
        currencyCode: 'DOP',
      })
    ).text();
    expect(rowValue(again, 0, 'quantity')).toBe('2');
    expect(rowValue(again, 1, 'sku')).toBe('SRV-1');
    expect(rowValue(again, 2, 'sku')).toBeNull();
    // 3,000.00 + 18% = 3,540.00; 500.00 + 16% = 580.00
    expect(totalsRow(again, 'Total')).toBe('RD$ 4,120.00');

    const unknown = await lines('invoices', s, {
      'lines.0.sku': 'MON-1',
      'lines.0.quantity': '2',
      _action: 'scan',
      scanCode: '7501234567890',
      currencyCode: 'DOP',
    });
    expect(unknown.status).toBe(200);
    const html = await unknown.text();
    expect(html).toContain('No hay un producto activo con el código «7501234567890». No se agregó nada.');
    expect(rowValue(html, 0, 'quantity')).toBe('2');
    expect(rowValue(html, 1, 'sku')).toBeNull();

    // An inactive product is not added either.
    await s.db.update(products).set({ active: false }).where(eq(products.id, s.service.id));
    const inactive = await (await lines('invoices', s, { _action: 'scan', scanCode: 'SRV-1' })).text();
    expect(inactive).toContain('No hay un producto activo con el código «SRV-1»');
    expect(rowValue(inactive, 0, 'sku')).toBeNull();
  });

  it('adds a picked product, removes a line ("Quitar") and adds one free line, the plain form keeping everything typed', {
    timeout: 30_000,
  }, async () => {
    const s = await invoiceShop();
    const picked = await (
      await lines('quotations', s, {
        'lines.0.description': 'Examen',
        'lines.0.quantity': '1',
        'lines.0.unitPrice': '800',
        'lines.0.taxId': String(s.tax('EXENTO').id),
        pickProduct: 'SRV-1',
      })
    ).text();
    expect(rowValue(picked, 1, 'sku')).toBe('SRV-1');
    // The focus goes to the quantity of the line added.
    expect(picked).toMatch(/name="lines\.1\.quantity" value="1"[^>]*autofocus/);
    expect(totalsRow(picked, 'Total')).toBe('RD$ 1,380.00');

    const removed = await (
      await lines('quotations', s, {
        'lines.0.description': 'Examen',
        'lines.0.quantity': '1',
        'lines.0.unitPrice': '800',
        'lines.0.taxId': String(s.tax('EXENTO').id),
        'lines.1.sku': 'SRV-1',
        'lines.1.quantity': '1',
        removeLine: '0',
      })
    ).text();
    expect(rowValue(removed, 0, 'sku')).toBe('SRV-1');
    expect(rowValue(removed, 1, 'sku')).toBeNull();
    expect(totalsRow(removed, 'Total')).toBe('RD$ 580.00');

    // Without JavaScript the same buttons post the whole form: header and lines come back as typed.
    const plain = await postForm(
      s.host,
      '/invoices',
      {
        customerId: s.company.id,
        branchId: s.main.id,
        ncfType: 'B01',
        currencyCode: 'DOP',
        notes: 'Entregar el viernes',
        'lines.0.sku': 'MON-1',
        'lines.0.quantity': '3',
        _action: 'addLine',
      },
      { Cookie: s.cookie },
    );
    expect(plain.status).toBe(200);
    const page = await plain.text();
    expect(rowValue(page, 0, 'quantity')).toBe('3');
    expect(rowValue(page, 1, 'quantity')).toBe('');
    expect(page).toContain('Entregar el viernes');
    expect(page).toMatch(/<option value="B01" selected/);
    expect(await s.db.select().from(invoices)).toHaveLength(0);
  });

  it('answers bad lines with 422 and the field messages, writing nothing', { timeout: 30_000 }, async () => {
    const s = await invoiceShop();
    const response = await lines('invoices', s, {
      'lines.0.sku': 'MON-1',
      'lines.0.quantity': 'dos',
      'lines.1.description': 'Libre',
      'lines.1.quantity': '1',
      'lines.1.unitPrice': '10',
      'lines.1.discount': '50',
      'lines.1.taxId': String(s.tax('ITBIS18').id),
    });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Indique una cantidad mayor que cero, con hasta 2 decimales.');
    expect(html).toContain('Línea 1: Indique una cantidad mayor que cero');
    expect(html).toContain('aria-invalid="true"');
    expect(totalsRow(html, 'Total')).toBeNull();
    // A discount larger than the line is refused by the totals code itself.
    const discount = await lines('invoices', s, {
      'lines.0.description': 'Libre',
      'lines.0.quantity': '1',
      'lines.0.unitPrice': '10',
      'lines.0.discount': '50',
      'lines.0.taxId': String(s.tax('ITBIS18').id),
    });
    expect(discount.status).toBe(422);
    expect(await discount.text()).toContain('El descuento no puede ser mayor que cantidad × precio.');
    expect(await s.db.select().from(invoices)).toHaveLength(0);
    // A role that may not sell is refused.
    const optometrist = await invoiceShop('optometrista');
    expect((await lines('invoices', optometrist, { _action: 'scan', scanCode: 'MON-1' })).status).toBe(403);
  });

  it('keeps shops apart: another shop’s code or product is not added, and its prices never show', {
    timeout: 30_000,
  }, async () => {
    const a = await invoiceShop();
    const b = await invoiceShop();
    await b.db.insert(products).values({
      sku: 'B-ONLY',
      name: 'Solo en B',
      category: 'accesorios',
      price: '10.0000',
      taxId: b.tax('ITBIS18').id,
    });
    await b.db.update(products).set({ price: '999.0000' }).where(eq(products.id, b.frame.id));
    const attempts: Array<Record<string, string>> = [
      { _action: 'scan', scanCode: 'B-ONLY' },
      { pickProduct: 'B-ONLY' },
    ];
    for (const body of attempts) {
      const html = await (await lines('invoices', a, body)).text();
      expect(html).toContain('No hay un producto activo con el código «B-ONLY»');
      expect(rowValue(html, 0, 'sku')).toBeNull();
    }
    // The same SKU in both shops: each shop's own price.
    const inA = await (await lines('invoices', a, { _action: 'scan', scanCode: 'MON-1' })).text();
    const inB = await (await lines('invoices', b, { _action: 'scan', scanCode: 'MON-1' })).text();
    expect(totalsRow(inA, 'Subtotal')).toBe('RD$ 1,500.00');
    expect(totalsRow(inB, 'Subtotal')).toBe('RD$ 999.00');
    // A's prescription cannot be quoted in B.
    const [rx] = await a.db
      .insert(prescriptions)
      .values({ patientId: a.walkIn.id, branchId: a.main.id, examinedOn: shopToday(), odSphere: '-1.00' })
      .returning();
    const foreign = await get(b.host, `/quotations/new?prescription=${rx!.id}`, { headers: { Cookie: b.cookie } });
    expect(foreign.status).toBe(404);
    expect(await foreign.text()).not.toContain('-1.00');
  });
});

describe('quote from a prescription', () => {
  it('pre-fills the patient, the prescription and a lens line per eye with the Rx values, in one round trip', {
    timeout: 30_000,
  }, async () => {
    const s = await invoiceShop();
    const [rx] = await s.db
      .insert(prescriptions)
      .values({
        patientId: s.walkIn.id,
        branchId: s.main.id,
        examinedOn: '2026-11-20',
        odSphere: '-2.00',
        odCylinder: '-0.75',
        odAxis: 180,
        odAdd: '2.00',
        oiSphere: '-1.75',
        oiAdd: '2.00',
      })
      .returning();
    let html = '';
    const trips = await countRoundTrips(databaseOf(s), async () => {
      const response = await get(s.host, `/quotations/new?prescription=${rx!.id}`, { headers: { Cookie: s.cookie } });
      expect(response.status).toBe(200);
      html = await response.text();
    });
    expect(trips).toBe(1);
    expect(html).toMatch(new RegExp(`<option value="${s.walkIn.id}" selected[^>]*>María Pérez`));
    expect(html).toMatch(new RegExp(`<option value="${rx!.id}" selected`));
    expect(rowValue(html, 0, 'description')).toBe('Lente OD (ojo derecho): Esf -2.00 Cil -0.75 Eje 180° Add +2.00');
    expect(rowValue(html, 1, 'description')).toBe('Lente OI (ojo izquierdo): Esf -1.75 Add +2.00');
    expect(rowValue(html, 0, 'quantity')).toBe('1');
    expect(rowValue(html, 0, 'taxId')).toBeNull(); // a select, not an input
    expect(html).toMatch(new RegExp(`<option value="${s.tax('ITBIS18').id}" selected`));
    // The form offers the customer's latest prescription, and attaches it on request.
    const form = await (
      await get(s.host, `/invoices/new?customerId=${s.walkIn.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(form).toContain('Receta del 20/11/2026: OD Esf -2.00 Cil -0.75 Eje 180° Add +2.00, OI Esf -1.75 Add +2.00');
    expect(form).toContain(`href="/quotations/new?prescription=${rx!.id}"`);
    const attached = await postForm(
      s.host,
      '/invoices',
      { customerId: s.walkIn.id, branchId: s.main.id, ncfType: 'B02', currencyCode: 'DOP', attachPrescription: rx!.id },
      { Cookie: s.cookie },
    );
    expect(attached.status).toBe(200);
    const attachedHtml = await attached.text();
    expect(attachedHtml).toMatch(new RegExp(`<option value="${rx!.id}" selected`));
    expect(attachedHtml).toContain('Receta del 20/11/2026 adjunta.');
    for (const bad of ['not-a-uuid', crypto.randomUUID()]) {
      const missing = await get(s.host, `/quotations/new?prescription=${bad}`, { headers: { Cookie: s.cookie } });
      expect(missing.status).toBe(404);
    }
  });
});

describe('confirmation before an NCF is taken', () => {
  it('shows type, customer, RNC and total, takes no number until confirmed, and issues once on a double submit', {
    timeout: 30_000,
  }, async () => {
    const s = await invoiceShop();
    const saved = await postForm(
      s.host,
      '/invoices',
      {
        customerId: s.company.id,
        branchId: s.main.id,
        ncfType: 'B01',
        currencyCode: 'DOP',
        'lines.0.sku': 'MON-1',
        'lines.0.quantity': '2',
        _action: 'save',
      },
      { Cookie: s.cookie },
    );
    const id = /\/invoices\/([0-9a-f-]{36})/.exec(saved.headers.get('location')!)![1]!;
    const detail = await (await get(s.host, `/invoices/${id}`, { headers: { Cookie: s.cookie } })).text();
    expect(detail).toContain(`<form method="get" action="/invoices/${id}/issue">`);

    let html = '';
    const trips = await countRoundTrips(databaseOf(s), async () => {
      const page = await get(s.host, `/invoices/${id}/issue`, { headers: { Cookie: s.cookie } });
      expect(page.status).toBe(200);
      html = await page.text();
    });
    expect(trips).toBe(1);
    expect(html).toContain('Confirmar emisión');
    expect(html).toContain('<strong>B01</strong> · Factura de crédito fiscal');
    expect(html).toContain('Lentes del Caribe SRL');
    expect(html).toContain('1-30-99173-1');
    expect(html).toContain('RD$ 3,540.00'); // 2 x 1,500.00 + 18%
    const issueKey = /name="issueKey" value="([0-9a-f-]{36})"/.exec(html)![1]!;
    // Nothing taken by looking.
    const [before] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, s.b01.id));
    expect(before!.nextNumber).toBe(1);
    expect((await invoiceRow(s.db, id)).status).toBe('draft');

    const [one, two] = await Promise.all(
      [1, 2].map(() => postForm(s.host, `/invoices/${id}/issue`, { issueKey }, { Cookie: s.cookie })),
    );
    expect([one!.status, two!.status]).toEqual([303, 303]);
    expect(one!.headers.get('location')).toBe(`/invoices/${id}?notice=issued`);
    expect(two!.headers.get('location')).toBe(`/invoices/${id}?notice=issued`);
    const [after] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, s.b01.id));
    expect(after!.nextNumber).toBe(2);
    expect(await invoiceRow(s.db, id)).toMatchObject({ status: 'issued', ncf: 'B0100000001' });
    // Once issued, the confirmation page sends back to the invoice.
    const late = await get(s.host, `/invoices/${id}/issue`, { headers: { Cookie: s.cookie }, redirect: 'manual' });
    expect(late.status).toBe(303);
  });
});
