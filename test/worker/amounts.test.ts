import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { exchangeRates, invoiceLines, payments, products, stockMovements } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { issuedInvoice, paymentShop as shop } from '../support/worker/payments';

/**
 * Amounts typed the es-DO way are read exactly, and an ambiguous comma is refused with a field
 * message, on every amount field of the UI and the API (the parser itself: test/worker/domain/amount-input.test.ts).
 */
const ambiguous = /Use punto para los decimales y coma solo para separar miles/;

describe('amounts in forms and the API', { timeout: 60_000 }, () => {
  it('refuses a 1,5 payment (UI 422 with the field message, API problem+json) and records 10,000.00 as ten thousand', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s, {
      issuedOn: addDays(shopToday(), -1),
      lines: [{ description: 'Lentes', quantity: '1', unitPrice: '25000', taxRate: '0', exempt: true }],
    });
    const refused = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '1,5', method: '1', receivedOn: shopToday() },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(ambiguous);
    const apiRefused = await api(s.host, `/invoices/${invoice.id}/payments`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ method: '1', amount: '2,50' }),
    });
    expect(apiRefused.status).toBe(422);
    expect(apiRefused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await apiRefused.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors[0]!.field).toBe('amount');
    expect(problem.errors[0]!.message).toMatch(ambiguous);
    expect(await s.db.select().from(payments)).toHaveLength(0);

    const accepted = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '10,000.00', method: '1', receivedOn: shopToday() },
      { Cookie: s.cookie },
    );
    expect(accepted.status).toBe(303);
    const apiAccepted = await api(s.host, `/invoices/${invoice.id}/payments`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ method: '1', amount: '1,234.56' }),
    });
    expect(apiAccepted.status).toBe(201);
    const amounts = (await s.db.select().from(payments)).map((row) => row.amount).sort();
    expect(amounts).toEqual(['10000.00', '1234.56']);
  });

  it('refuses 1,5 as an invoice line quantity (UI and API) and reads 10,000.00 as the unit price', async () => {
    const s = await shop('owner');
    const form = {
      customerId: s.customer.id,
      branchId: s.main.id,
      ncfType: 'B01',
      currencyCode: 'DOP',
      _action: 'save',
    };
    const refused = await postForm(
      s.host,
      '/invoices',
      { ...form, 'lines.0.sku': 'MON-1', 'lines.0.quantity': '1,5' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(ambiguous);
    const apiRefused = await api(s.host, '/invoices', s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        customerId: s.customer.id,
        branchId: s.main.id,
        ncfType: 'B01',
        lines: [{ sku: 'MON-1', quantity: '1,0,0' }],
      }),
    });
    expect(apiRefused.status).toBe(422);
    expect(JSON.stringify(await apiRefused.json())).toMatch(ambiguous);
    expect(await s.db.select().from(invoiceLines)).toHaveLength(0);

    const accepted = await postForm(
      s.host,
      '/invoices',
      {
        ...form,
        'lines.0.sku': 'MON-1',
        'lines.0.quantity': '2',
        'lines.0.unitPrice': '10,000.00',
        'lines.0.discount': '1,000',
      },
      { Cookie: s.cookie },
    );
    expect(accepted.status).toBe(303);
    const [line] = await s.db.select().from(invoiceLines);
    expect(line).toMatchObject({ quantity: '2.00', unitPrice: '10000.0000', discount: '1000.00' });
  });

  it('refuses ambiguous product prices, exchange rates, stock quantities and tax rates; accepts grouped thousands', async () => {
    const s = await shop('owner');
    const cookie = { Cookie: s.cookie };
    const product = { sku: 'LEN-1', name: 'Lente', category: 'lentes', taxCode: 'ITBIS18', price: '2,50' };
    const badProduct = await postForm(s.host, '/products', product, cookie);
    expect(badProduct.status).toBe(422);
    expect(await badProduct.text()).toMatch(ambiguous);
    expect(
      (await postForm(s.host, '/products', { ...product, price: '1,250.50', cost: '1.234,56' }, cookie)).status,
    ).toBe(422);
    expect((await postForm(s.host, '/products', { ...product, price: '1,250.50', cost: '1,000' }, cookie)).status).toBe(
      303,
    );
    const [saved] = await s.db.select().from(products).where(eq(products.sku, 'LEN-1'));
    expect(saved).toMatchObject({ price: '1250.5000', cost: '1000.0000' });

    const badRate = await postForm(
      s.host,
      '/currencies/rates',
      { currency: 'USD', rate: '58,5', validOn: shopToday() },
      cookie,
    );
    expect(badRate.status).toBe(422);
    expect(await badRate.text()).toMatch(ambiguous);
    expect(await s.db.select().from(exchangeRates).where(eq(exchangeRates.validOn, shopToday()))).toHaveLength(0);

    const badStock = await postForm(
      s.host,
      '/stock/adjust',
      { sku: 'MON-1', branchId: s.main.id, quantity: '1,0', reason: 'conteo' },
      cookie,
    );
    expect(badStock.status).toBe(422);
    expect(
      (
        await postForm(
          s.host,
          '/stock/adjust',
          { sku: 'MON-1', branchId: s.main.id, quantity: '1,000', reason: 'conteo' },
          cookie,
        )
      ).status,
    ).toBe(200);
    const movements = await s.db.select().from(stockMovements).where(eq(stockMovements.productId, s.frame.id));
    expect(movements.map((row) => row.quantity)).toEqual([1000]);

    const badTax = await postForm(s.host, '/taxes', { code: 'ITBIS9', name: 'Nueve', rate: '9,5' }, cookie);
    expect(badTax.status).toBe(422);
    expect(await badTax.text()).toMatch(ambiguous);
    const page = await get(s.host, '/products', { headers: cookie });
    expect(page.status).toBe(200);
  });
});
