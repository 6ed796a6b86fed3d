import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { functions } from '../../src/db/migrations.generated';
import {
  branches,
  fiscalSequences,
  invoiceLines,
  products,
  stock,
  stockMovements,
  taxes,
  userBranches,
} from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { recordStockMovement, transferStock } from '../../src/services/shop/stock';
import { claimsFor, countRoundTrips, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { insertDrafts, invoiceShop, type InvoiceShop } from '../support/worker/invoices';
import { shop as baseShop, type Role, type TestDb } from '../support/worker/shop';

/** A shop with two branches and one product (SKU `MON-1`), signed in as `role`. */
async function shop(
  role: Role = 'owner',
  product: { allowNegativeStock?: boolean; trackStock?: boolean; category?: 'monturas' | 'servicios' } = {},
) {
  const base = await baseShop(role);
  const { db } = base;
  const [second] = await db.insert(branches).values({ code: 'SANTIAGO', name: 'Sucursal Santiago' }).returning();
  const [tax] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
  const [row] = await db
    .insert(products)
    .values({
      sku: 'MON-1',
      name: 'Montura clásica',
      category: product.category ?? 'monturas',
      price: '1500',
      taxId: tax!.id,
      allowNegativeStock: product.allowNegativeStock ?? false,
      trackStock: product.trackStock ?? true,
    })
    .returning();
  // The shop's branches changed after sign-in: the browser would carry the claims its next answer set.
  const cookie = `optiflow_session=${base.token}; optiflow_claims=${await claimsFor(base.tenant.id, base.token)}`;
  return { ...base, cookie, second: second!, product: row! };
}

async function level(db: TestDb, productId: string, branchId: string) {
  const [row] = await db
    .select()
    .from(stock)
    .where(and(eq(stock.productId, productId), eq(stock.branchId, branchId)));
  return row?.quantity ?? 0;
}

describe('the stock ledger', () => {
  it('serialises 50 parallel +1 adjustments made through the UI: quantity 50, balances exactly 1..50', async () => {
    const { host, cookie, db, main, product } = await shop();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postForm(
          host,
          '/stock/adjust',
          { sku: 'MON-1', branchId: main.id, quantity: '1', reason: `conteo ${i}` },
          { Cookie: cookie },
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await level(db, product.id, main.id)).toBe(50);
    const movements = await db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.productId, product.id))
      .orderBy(asc(stockMovements.balanceAfter));
    expect(movements).toHaveLength(50);
    expect(movements.map((m) => m.balanceAfter)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(new Set(movements.map((m) => m.kind))).toEqual(new Set(['adjustment']));
  });

  it('serialises 50 parallel +1 adjustments made through the API too', async () => {
    const { host, bearer, db, main, product } = await shop('admin');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api(host, '/stock/adjustments', bearer, {
          method: 'POST',
          body: JSON.stringify({ productId: product.id, branchId: main.id, quantity: 1, reason: 'conteo' }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const balances = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { balanceAfter: number }).balanceAfter),
    );
    expect(balances.sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await level(db, product.id, main.id)).toBe(50);
  });

  it('never lets parallel decrements take stock below zero when the product disallows it', async () => {
    const { host, bearer, db, main, product } = await shop('owner');
    await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'initial', quantity: 10 });
    const responses = await Promise.all(
      Array.from({ length: 25 }, () =>
        api(host, '/stock/adjustments', bearer, {
          method: 'POST',
          body: JSON.stringify({ productId: product.id, branchId: main.id, quantity: -1, reason: 'merma' }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(await level(db, product.id, main.id)).toBe(0);
    const movements = await db.select().from(stockMovements).where(eq(stockMovements.productId, product.id));
    expect(movements).toHaveLength(11);
    expect(Math.min(...movements.map((m) => m.balanceAfter))).toBe(0);
  });

  it('refuses a movement that would go negative (422, nothing written), allows it when the product allows negative stock', async () => {
    const { db, main, product } = await shop();
    await expect(
      recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'sale', quantity: -1 }),
    ).rejects.toMatchObject({ code: 'validation' });
    expect(await db.select().from(stock)).toEqual([]);
    expect(await db.select().from(stockMovements)).toEqual([]);
    await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'initial', quantity: 2 });
    await expect(
      recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'adjustment', quantity: -3 }),
    ).rejects.toMatchObject({ code: 'validation' });
    expect(await level(db, product.id, main.id)).toBe(2);

    await db.update(products).set({ allowNegativeStock: true }).where(eq(products.id, product.id));
    const sale = await recordStockMovement(db, {
      productId: product.id,
      branchId: main.id,
      kind: 'sale',
      quantity: -5,
      reference: 'B0200000001',
    });
    expect(sale).toMatchObject({ kind: 'sale', quantity: -5, balanceAfter: -3, reference: 'B0200000001' });
    // A return onto negative stock is always allowed, whatever the flag says now.
    await db.update(products).set({ allowNegativeStock: false }).where(eq(products.id, product.id));
    expect(
      (await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'return', quantity: 1 }))
        .balanceAfter,
    ).toBe(-2);
  });

  it('refuses products that do not track stock, wrong signs and unknown products or branches', async () => {
    const { db, main } = await shop();
    const [tax] = await db.select().from(taxes);
    const [service] = await db
      .insert(products)
      .values({
        sku: 'SRV',
        name: 'Examen visual',
        category: 'servicios',
        price: '800',
        taxId: tax!.id,
        trackStock: false,
      })
      .returning();
    await expect(
      recordStockMovement(db, { productId: service!.id, branchId: main.id, kind: 'adjustment', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      recordStockMovement(db, { productId: service!.id, branchId: main.id, kind: 'sale', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      recordStockMovement(db, { productId: crypto.randomUUID(), branchId: main.id, kind: 'adjustment', quantity: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      recordStockMovement(db, {
        productId: service!.id,
        branchId: crypto.randomUUID(),
        kind: 'adjustment',
        quantity: 1,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await db.select().from(stockMovements)).toEqual([]);
  });

  it('transfers both sides with one reference, or nothing at all', async () => {
    const { db, main, second, product } = await shop();
    await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'initial', quantity: 5 });
    const transfer = await transferStock(db, {
      productId: product.id,
      fromBranchId: main.id,
      toBranchId: second.id,
      quantity: 3,
    });
    expect(transfer.out).toMatchObject({
      kind: 'transfer_out',
      quantity: -3,
      balanceAfter: 2,
      branchId: main.id,
      reference: transfer.reference,
    });
    expect(transfer.in).toMatchObject({
      kind: 'transfer_in',
      quantity: 3,
      balanceAfter: 3,
      branchId: second.id,
      reference: transfer.reference,
    });

    await expect(
      transferStock(db, { productId: product.id, fromBranchId: main.id, toBranchId: second.id, quantity: 3 }),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      transferStock(db, { productId: product.id, fromBranchId: main.id, toBranchId: crypto.randomUUID(), quantity: 1 }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await level(db, product.id, main.id)).toBe(2);
    expect(await level(db, product.id, second.id)).toBe(3);
    expect(await db.select().from(stockMovements)).toHaveLength(3);
  });

  it('runs parallel transfers without losing or inventing a unit', async () => {
    const { db, main, second, product } = await shop();
    await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'initial', quantity: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 15 }, () =>
        transferStock(db, { productId: product.id, fromBranchId: main.id, toBranchId: second.id, quantity: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(await level(db, product.id, main.id)).toBe(0);
    expect(await level(db, product.id, second.id)).toBe(10);
  });
});

describe('stock screens', () => {
  it('adjusts and transfers from the UI, shows on-hand and the movement history', async () => {
    const { tenant, host, cookie, main, second, product } = await shop('owner');
    const adjusted = await postForm(
      host,
      '/stock/adjust',
      { sku: 'mon-1', branchId: main.id, quantity: '+7', reason: 'Inventario inicial' },
      { Cookie: cookie },
    );
    expect(adjusted.status).toBe(200);
    expect(await adjusted.text()).toContain('existencia 7');
    const moved = await postForm(
      host,
      '/stock/transfer',
      { sku: 'MON-1', fromBranchId: main.id, toBranchId: second.id, quantity: '2', reason: '' },
      { Cookie: cookie },
    );
    expect(moved.status).toBe(200);
    expect(await moved.text()).toMatch(/Transferencia TRF-[0-9A-F]{8} registrada/);

    let page = '';
    const trips = await countRoundTrips(`optiflow_${tenant.id}`, async () => {
      page = await (await get(host, '/stock?branch=', { headers: { Cookie: cookie } })).text();
    });
    expect(trips).toBe(1);
    expect(page).toContain('Sucursal Santiago');
    expect(page).toMatch(/<td class="number">5<\/td>/);
    expect(page).toMatch(/<td class="number">2<\/td>/);

    const history = await get(host, `/stock/movements?productId=${product.id}`, { headers: { Cookie: cookie } });
    expect(history.status).toBe(200);
    const historyHtml = await history.text();
    expect(historyHtml).toContain('Transferencia (salida)');
    expect(historyHtml).toContain('Inventario inicial');
    expect((await get(host, '/stock/movements?productId=nope', { headers: { Cookie: cookie } })).status).toBe(404);

    const productPage = await (await get(host, `/products/${product.id}`, { headers: { Cookie: cookie } })).text();
    expect(productPage).toContain('Sucursal Santiago');
  });

  it('answers 422 with nothing written for bad adjustments and transfers', async () => {
    const { host, cookie, db, main, second } = await shop('owner');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['/stock/adjust', { sku: 'MON-1', branchId: main.id, quantity: '1.5', reason: 'x' }, 'número entero'],
      ['/stock/adjust', { sku: 'MON-1', branchId: main.id, quantity: '0', reason: 'x' }, 'no puede ser cero'],
      ['/stock/adjust', { sku: 'MON-1', branchId: main.id, quantity: '3', reason: '' }, 'Indique el motivo'],
      ['/stock/adjust', { sku: 'NOPE', branchId: main.id, quantity: '3', reason: 'x' }, 'No existe un producto'],
      [
        '/stock/adjust',
        { sku: 'MON-1', branchId: crypto.randomUUID(), quantity: '3', reason: 'x' },
        'No puede usar esta sucursal',
      ],
      [
        '/stock/adjust',
        { sku: 'MON-1', branchId: main.id, quantity: '-1', reason: 'x' },
        'No hay existencia suficiente',
      ],
      ['/stock/transfer', { sku: 'MON-1', fromBranchId: main.id, toBranchId: main.id, quantity: '1' }, 'distinta'],
      [
        '/stock/transfer',
        { sku: 'MON-1', fromBranchId: main.id, toBranchId: second.id, quantity: '-1' },
        'mayor que cero',
      ],
      [
        '/stock/transfer',
        { sku: 'MON-1', fromBranchId: main.id, toBranchId: second.id, quantity: '1' },
        'No hay existencia suficiente',
      ],
    ];
    for (const [path, fields, message] of cases) {
      const response = await postForm(host, path, fields, { Cookie: cookie });
      expect(response.status, `${path} ${JSON.stringify(fields)}`).toBe(422);
      expect(await response.text()).toContain(message);
    }
    expect(await db.select().from(stock)).toEqual([]);
    expect(await db.select().from(stockMovements)).toEqual([]);
  });

  it('limits branches: a seller sees the current branch, may transfer only between their branches and may not adjust', async () => {
    const { host, cookie, bearer, db, main, second, product, user } = await shop('ventas');
    await db.insert(userBranches).values({ userId: user.id, branchId: main.id });
    await recordStockMovement(db, { productId: product.id, branchId: second.id, kind: 'initial', quantity: 4 });
    await recordStockMovement(db, { productId: product.id, branchId: main.id, kind: 'initial', quantity: 1 });
    const page = await (await get(host, '/stock', { headers: { Cookie: cookie } })).text();
    expect(page).not.toContain('Sucursal Santiago');
    expect((await get(host, '/stock/adjust', { headers: { Cookie: cookie } })).status).toBe(403);
    expect(
      (
        await postForm(
          host,
          '/stock/adjust',
          { sku: 'MON-1', branchId: main.id, quantity: '1', reason: 'x' },
          { Cookie: cookie },
        )
      ).status,
    ).toBe(403);
    const foreign = await postForm(
      host,
      '/stock/transfer',
      { sku: 'MON-1', fromBranchId: second.id, toBranchId: main.id, quantity: '1' },
      { Cookie: cookie },
    );
    expect(foreign.status).toBe(422);
    const viaApi = await api(host, '/stock/transfers', bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, fromBranchId: second.id, toBranchId: main.id, quantity: 1 }),
    });
    expect(viaApi.status).toBe(422);
    expect((await api(host, `/stock?branchId=${second.id}`, bearer)).status).toBe(404);
    expect(await level(db, product.id, second.id)).toBe(4);
  });
});

describe('stock API', () => {
  it('lists levels and movements, adjusts and transfers; problem+json for bad input', async () => {
    const { host, bearer, main, second, product } = await shop('admin');
    const adjusted = await api(host, '/stock/adjustments', bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, branchId: main.id, quantity: 4, reason: 'compra' }),
    });
    expect(adjusted.status).toBe(201);
    const transfer = await api(host, '/stock/transfers', bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: product.id, fromBranchId: main.id, toBranchId: second.id, quantity: 1 }),
    });
    expect(transfer.status).toBe(201);
    expect(await transfer.json()).toMatchObject({ out: { balanceAfter: 3 }, in: { balanceAfter: 1 } });

    const levels = (await (await api(host, `/stock?branchId=${second.id}`, bearer)).json()) as {
      data: Array<{ quantity: number; sku: string }>;
    };
    expect(levels.data).toEqual([expect.objectContaining({ sku: 'MON-1', quantity: 1 })]);
    const all = (await (await api(host, '/stock', bearer)).json()) as { data: unknown[] };
    expect(all.data).toHaveLength(2);

    const first = (await (await api(host, `/stock/movements?productId=${product.id}&limit=2`, bearer)).json()) as {
      data: Array<{ kind: string }>;
      nextCursor: string;
    };
    expect(first.data.map((m) => m.kind)).toEqual(['transfer_in', 'transfer_out']);
    const rest = (await (
      await api(host, `/stock/movements?productId=${product.id}&cursor=${first.nextCursor}`, bearer)
    ).json()) as { data: Array<{ kind: string }>; nextCursor: null };
    expect(rest.data.map((m) => m.kind)).toEqual(['adjustment']);
    expect(rest.nextCursor).toBeNull();

    for (const [path, body] of [
      ['/stock/adjustments', { productId: product.id, branchId: main.id, quantity: 1.5, reason: 'x' }],
      ['/stock/adjustments', { productId: product.id, branchId: main.id, quantity: 1, reason: '' }],
      ['/stock/adjustments', { productId: product.id, branchId: main.id, quantity: -100, reason: 'x' }],
      ['/stock/transfers', { productId: product.id, fromBranchId: main.id, toBranchId: main.id, quantity: 1 }],
      ['/stock/transfers', { productId: product.id, fromBranchId: main.id, toBranchId: second.id, quantity: 0 }],
      ['/stock/transfers', { productId: product.id, fromBranchId: main.id, toBranchId: second.id, quantity: 100 }],
    ] as const) {
      const response = await api(host, path, bearer, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api(host, `/stock/movements?productId=${crypto.randomUUID()}`, bearer)).status).toBe(404);
    expect(
      (
        await api(host, '/stock/adjustments', bearer, {
          method: 'POST',
          body: JSON.stringify({ productId: crypto.randomUUID(), branchId: main.id, quantity: 1, reason: 'x' }),
        })
      ).status,
    ).toBe(404);
  });

  it('keeps stock apart between shops', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    await recordStockMovement(a.db, { productId: a.product.id, branchId: a.main.id, kind: 'initial', quantity: 9 });
    expect((await api(b.host, `/stock/movements?productId=${a.product.id}`, b.bearer)).status).toBe(404);
    expect((await api(b.host, `/stock?branchId=${a.main.id}`, b.bearer)).status).toBe(404);
    const adjust = await api(b.host, '/stock/adjustments', b.bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: a.product.id, branchId: b.main.id, quantity: 1, reason: 'x' }),
    });
    expect(adjust.status).toBe(404);
    expect(
      (await get(b.host, `/stock/movements?productId=${a.product.id}`, { headers: { Cookie: b.cookie } })).status,
    ).toBe(404);
    const uiB = await (await get(b.host, '/stock', { headers: { Cookie: b.cookie } })).text();
    expect(uiB).not.toMatch(/<td class="number">9<\/td>/);
    expect(await level(a.db, a.product.id, a.main.id)).toBe(9);
  });
});

/** Every movement of a product in a branch, in the order they were written. */
async function ledger(db: TestDb, productId: string, branchId: string) {
  return db
    .select()
    .from(stockMovements)
    .where(and(eq(stockMovements.productId, productId), eq(stockMovements.branchId, branchId)))
    .orderBy(asc(stockMovements.id));
}

/** Each balance is the previous one plus the movement, starting from zero, and the last is the stock row. */
async function expectChained(db: TestDb, productId: string, branchId: string) {
  const rows = await ledger(db, productId, branchId);
  let balance = 0;
  for (const row of rows) {
    balance += row.quantity;
    expect(row.balanceAfter).toBe(balance);
  }
  expect(await level(db, productId, branchId)).toBe(balance);
  return rows;
}

/** Drafts of one frame each (MON-1) in the main branch. */
function frameDrafts(s: InvoiceShop, count: number) {
  return insertDrafts(s, count, {
    lines: [
      {
        productId: s.frame.id,
        description: 'Montura',
        quantity: '1',
        unitPrice: '1500',
        discount: '0',
        taxRate: '18.00',
        exempt: false,
        taxId: s.tax('ITBIS18').id,
      },
    ],
  });
}

const issueInvoice = (s: InvoiceShop, id: string) => api(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });

describe('the one writer of the ledger (record_stock_movement)', { timeout: 120_000 }, () => {
  it('adjustments, transfers, issued invoices and credit-note returns all write through it', async () => {
    const s = await invoiceShop('owner');
    const [second] = await s.db.insert(branches).values({ code: 'SANTIAGO', name: 'Sucursal Santiago' }).returning();
    await s.db.insert(fiscalSequences).values({
      docType: 'B04',
      prefix: 'B04',
      rangeStart: 1,
      rangeEnd: 100,
      nextNumber: 1,
      validUntil: addDays(shopToday(), 365),
      isDefault: true,
    });
    // This shop's copy of the writer marks what it writes: a movement written any other way would not carry the mark.
    const writer = functions.tenant.find((fn) => fn.name === 'record_stock_movement')!.sql;
    const marked = writer.replace(
      'VALUES (p_product_id, p_branch_id, p_kind, p_quantity, v_balance, p_reason,',
      "VALUES (p_product_id, p_branch_id, p_kind, p_quantity, v_balance, 'ledger:' || p_kind,",
    );
    expect(marked).not.toBe(writer);
    await s.db.execute(sql.raw(marked));

    const adjusted = await api(s.host, '/stock/adjustments', s.bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: s.frame.id, branchId: s.main.id, quantity: 2, reason: 'conteo' }),
    });
    expect(adjusted.status).toBe(201);
    const transferred = await api(s.host, '/stock/transfers', s.bearer, {
      method: 'POST',
      body: JSON.stringify({ productId: s.frame.id, fromBranchId: s.main.id, toBranchId: second!.id, quantity: 1 }),
    });
    expect(transferred.status).toBe(201);
    const [invoiceId] = await frameDrafts(s, 1);
    expect((await issueInvoice(s, invoiceId!)).status).toBe(200);
    const [sold] = await s.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId!));
    const credited = await api(s.host, `/invoices/${invoiceId}/credit-notes`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        reason: 'Devolución',
        lines: [{ sourceLineId: sold!.id, quantity: '1', returnToStock: true }],
      }),
    });
    expect(credited.status).toBe(201);

    const written = await s.db
      .select()
      .from(stockMovements)
      .where(eq(stockMovements.productId, s.frame.id))
      .orderBy(asc(stockMovements.id));
    // The fixture's opening stock was written before the mark; everything after carries it.
    expect(written.map((m) => [m.kind, m.reason])).toEqual([
      ['initial', null],
      ['adjustment', 'ledger:adjustment'],
      ['transfer_out', 'ledger:transfer_out'],
      ['transfer_in', 'ledger:transfer_in'],
      ['sale', 'ledger:sale'],
      ['return', 'ledger:return'],
    ]);
    await expectChained(s.db, s.frame.id, s.main.id);
    await expectChained(s.db, s.frame.id, second!.id);
    expect(await level(s.db, s.frame.id, s.main.id)).toBe(10 + 2 - 1 - 1 + 1);
  });

  it('keeps the balance chain under 20 simultaneous sales and 3 transfers of 15 units', async () => {
    const s = await invoiceShop('owner');
    const [second] = await s.db.insert(branches).values({ code: 'SANTIAGO', name: 'Sucursal Santiago' }).returning();
    const drafts = await frameDrafts(s, 20);
    const adjustments = await Promise.all(
      Array.from({ length: 5 }, () =>
        postForm(
          s.host,
          '/stock/adjust',
          { sku: 'MON-1', branchId: s.main.id, quantity: '1', reason: 'conteo' },
          { Cookie: s.cookie },
        ),
      ),
    );
    const [sales, transfers] = await Promise.all([
      Promise.all(drafts.map((id) => issueInvoice(s, id))),
      Promise.all(
        Array.from({ length: 3 }, () =>
          api(s.host, '/stock/transfers', s.bearer, {
            method: 'POST',
            body: JSON.stringify({
              productId: s.frame.id,
              fromBranchId: s.main.id,
              toBranchId: second!.id,
              quantity: 1,
            }),
          }),
        ),
      ),
    ]);
    expect(adjustments.map((r) => r.status)).toEqual(Array(5).fill(200));
    const issued = sales.filter((r) => r.status === 200).length;
    const moved = transfers.filter((r) => r.status === 201).length;
    // 10 + 5 units for 20 sales and 3 transfers: every unit goes, none twice, the rest is refused whole.
    expect(issued + moved).toBe(15);
    expect(sales.filter((r) => r.status === 422)).toHaveLength(20 - issued);
    const main = await expectChained(s.db, s.frame.id, s.main.id);
    expect(main.filter((m) => m.kind === 'sale')).toHaveLength(issued);
    expect(await level(s.db, s.frame.id, s.main.id)).toBe(0);
    expect(Math.min(...main.map((m) => m.balanceAfter))).toBe(0);
    expect(await level(s.db, s.frame.id, second!.id)).toBe(moved);
    await expectChained(s.db, s.frame.id, second!.id);
  });
});
