import { eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { commissionCloses, commissionEntries, invoiceLines, invoices } from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import { api } from '../support/worker/api';
import { get, postForm } from '../support/worker/helpers';
import {
  colleague,
  issuedInvoice,
  ncfSequence,
  paymentShop,
  type FixtureLine,
  type Shop,
} from '../support/worker/payments';

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

/** The month before `period` (YYYY-MM). */
function monthBefore(period: string): string {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

/** Asserts a status, showing the body when it differs. */
async function expectStatus(response: Response, status: number) {
  expect(response.status, response.status === status ? '' : await response.clone().text()).toBe(status);
}

/** The report page of a month (200) as HTML. */
async function reportOf(s: Shop, period: string) {
  const response = await get(s.host, `/commissions?period=${period}`, { headers: { Cookie: s.cookie } });
  expect(response.status).toBe(200);
  return response.text();
}

describe('sellers and commissions', { timeout: 120_000 }, () => {
  let s: Shop;
  let bea: Awaited<ReturnType<typeof colleague>>;
  const today = shopToday();
  const month = today.slice(0, 7);
  const lastMonth = monthBefore(month);
  const lastMonthDay = `${lastMonth}-15`;

  beforeAll(async () => {
    s = await paymentShop('owner');
    bea = await colleague(s, 'ventas');
    await ncfSequence(s.db, 'B04');
  });

  async function sale(
    sellerId: string,
    lines: FixtureLine[],
    options: { issuedOn?: string; currency?: string; rate?: string } = {},
  ) {
    const invoice = await issuedInvoice(s, { lines, ...options });
    await s.db.update(invoices).set({ sellerId }).where(eq(invoices.id, invoice.id));
    return invoice;
  }

  async function pay(invoiceId: string, amount: string, receivedOn = today) {
    const response = await api(
      s.host,
      `/invoices/${invoiceId}/payments`,
      s.bearer,
      json({ method: '1', amount, receivedOn }),
    );
    expect(response.status).toBe(201);
  }

  async function rule(fields: Record<string, string>) {
    const response = await postForm(s.host, '/commissions/rules', fields, { Cookie: s.cookie });
    expect(response.status).toBe(303);
  }

  it('computes the month per seller against a hand-made table, closes it once, and freezes it', async () => {
    const ana = s.user.id;
    const frame = (quantity: string, unitPrice: string, discount = '0.00'): FixtureLine => ({
      productId: s.frame.id,
      description: 'Montura clásica',
      quantity,
      unitPrice,
      discount,
      taxRate: '18.00',
    });
    const exam = (unitPrice: string): FixtureLine => ({
      productId: s.exam.id,
      description: 'Examen visual',
      quantity: '1',
      unitPrice,
      taxRate: '0.00',
      exempt: true,
    });

    // Rules: frames 10 %, services 5 %, Bea 8 % on anything, Bea's frames 12 % (the override).
    await rule({ sellerId: '', category: 'monturas', rate: '10' });
    await rule({ sellerId: '', category: 'servicios', rate: '5.00' });
    await rule({ sellerId: bea.user.id, category: '', rate: '8' });
    await rule({ sellerId: bea.user.id, category: 'monturas', rate: '12' });
    // Saving the same scope again replaces its rate (one active rule per scope).
    await rule({ sellerId: '', category: 'servicios', rate: '5' });
    const refused = await postForm(
      s.host,
      '/commissions/rules',
      { sellerId: '', category: '', rate: '101' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    const refusedText = await refused.text();
    expect(refusedText).toContain('Una regla es para un vendedor, una categoría o ambos.');
    expect(refusedText).toContain('Escriba un porcentaje entre 0 y 100');
    const rulesPage = await (await get(s.host, '/commissions/rules', { headers: { Cookie: s.cookie } })).text();
    expect(rulesPage.match(/<tr id="rule-/g)).toHaveLength(4);

    // Last month: Ana's frame paid last month (1,000.00 x 10 % = 100.00); Bea's frame issued last month, unpaid.
    const inv6 = await sale(ana, [frame('1', '1000')], { issuedOn: lastMonthDay });
    await pay(inv6.id, '1180.00', lastMonthDay);
    const inv7 = await sale(bea.user.id, [frame('1', '200')], { issuedOn: lastMonthDay });

    // This month.
    // INV1 Ana: frames 2 x 1,500 - 300 = 2,700.00 at 10 % = 270.00; exam 1,000.00 at 5 % = 50.00 -> 3,700.00 / 320.00
    const inv1 = await sale(ana, [frame('2', '1500', '300.00'), exam('1000')]);
    await pay(inv1.id, '4186.00');
    // Its credit note: one frame back, 1,500 - 150 (half the discount) = 1,350.00 at 10 % -> -1,350.00 / -135.00
    const [frameLine] = await s.db
      .select()
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, inv1.id))
      .orderBy(invoiceLines.position);
    const note = await api(
      s.host,
      `/invoices/${inv1.id}/credit-notes`,
      s.bearer,
      json({ reason: 'Devolución', lines: [{ sourceLineId: frameLine!.id, quantity: '1' }] }),
    );
    expect(note.status).toBe(201);
    const noteJson = (await note.json()) as { id: string; ncf: string; total: string };
    expect(noteJson.total).toBe('1593.00');
    const [noteRow] = await s.db
      .select({ sellerId: invoices.sellerId })
      .from(invoices)
      .where(eq(invoices.id, noteJson.id));
    expect(noteRow!.sellerId).toBe(ana); // the note takes its invoice's seller
    // INV2 Bea: frame 1,000.00 at 12 % = 120.00; a free line 250.00 (no category) at her 8 % = 20.00 -> 1,250.00 / 140.00
    const inv2 = await sale(bea.user.id, [
      frame('1', '1000'),
      { description: 'Ajuste', quantity: '1', unitPrice: '250', taxRate: '18.00' },
    ]);
    await pay(inv2.id, '1475.00');
    // INV3 Bea: exam 333.33 at her 8 % (no Bea+services rule) = 26.6664 -> 26.67
    const inv3 = await sale(bea.user.id, [exam('333.33')]);
    await pay(inv3.id, '333.33');
    // INV4 Ana: partially paid -> not counted
    const inv4 = await sale(ana, [frame('1', '1500')]);
    await pay(inv4.id, '500.00');
    // INV5 Ana: USD 100.00 at 58.5000 = 5,850.00 DOP at 10 % = 585.00
    const inv5 = await sale(ana, [frame('1', '100')], { currency: 'USD', rate: '58.5000' });
    await pay(inv5.id, '118.00');

    // Last month is open and holds only INV6.
    let page = await reportOf(s, lastMonth);
    expect(page).toContain(inv6.ncf!);
    expect(page).not.toContain(inv1.ncf!);
    expect(page).toMatch(/RD\$\s*100\.00/);

    // Two closes of last month at once: one wins, the other is a clear 409.
    const [first, second] = await Promise.all([
      postForm(s.host, `/commissions/close?period=${lastMonth}`, {}, { Cookie: s.cookie }),
      postForm(s.host, `/commissions/close?period=${lastMonth}`, {}, { Cookie: s.cookie }),
    ]);
    expect([first.status, second.status].sort()).toEqual([303, 409]);
    const loser = first.status === 409 ? first : second;
    expect(await loser.text()).toContain(`El período ${lastMonth} ya está cerrado.`);
    const closes = await s.db.select().from(commissionCloses).where(eq(commissionCloses.period, lastMonth));
    expect(closes).toHaveLength(1);
    const frozen = await s.db.select().from(commissionEntries).where(eq(commissionEntries.closeId, closes[0]!.id));
    expect(frozen.map(({ documentId, sellerId, base, amount }) => ({ documentId, sellerId, base, amount }))).toEqual([
      { documentId: inv6.id, sellerId: ana, base: '1000.00', amount: '100.00' },
    ]);

    // A payment dated last month, recorded after its close: last month stays as frozen, INV7 counts now.
    await pay(inv7.id, '236.00', lastMonthDay);
    page = await reportOf(s, lastMonth);
    expect(page).toContain('Estas cifras quedaron congeladas');
    expect(page).not.toContain(inv7.ncf!);
    expect(page).not.toContain('Cerrar el período');

    // This month against the hand-made table (INV7: Bea's frame 200.00 at 12 % = 24.00).
    const expected = {
      [ana]: {
        base: '8200.00',
        amount: '770.00',
        documents: [
          { id: inv1.id, base: '3700.00', amount: '320.00' },
          { id: noteJson.id, base: '-1350.00', amount: '-135.00' },
          { id: inv5.id, base: '5850.00', amount: '585.00' },
        ],
      },
      [bea.user.id]: {
        base: '1783.33',
        amount: '190.67',
        documents: [
          { id: inv7.id, base: '200.00', amount: '24.00' },
          { id: inv2.id, base: '1250.00', amount: '140.00' },
          { id: inv3.id, base: '333.33', amount: '26.67' },
        ],
      },
    };
    const csvOf = async () => {
      const response = await get(s.host, `/commissions.csv?period=${month}`, { headers: { Cookie: s.cookie } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      return (await response.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .map((row) => row.split(','));
    };
    const before = await csvOf();
    const totalRows = before.filter((row) => row[2] === 'Total');
    expect(totalRows.map((row) => [row[1], row[7], row[8]])).toEqual([
      ['Usuario owner', '8200.00', '770.00'],
      ['Usuario ventas', '1783.33', '190.67'],
    ]);
    const documentRows = before.slice(1).filter((row) => row[2] !== 'Total');
    const ncfs = new Map([inv1, inv2, inv3, inv5, inv7].map((invoice) => [invoice.id, invoice.ncf!]));
    ncfs.set(noteJson.id, noteJson.ncf);
    for (const seller of Object.values(expected))
      for (const doc of seller.documents)
        expect(documentRows.find((row) => row[3] === ncfs.get(doc.id))?.slice(7)).toEqual([doc.base, doc.amount]);
    expect(documentRows).toHaveLength(6); // INV4 (partially paid) and INV6 (closed last month) are not there
    expect(documentRows.find((row) => row[3] === inv7.ncf)?.[5]).toBe(lastMonthDay); // paid last month, counted in the first open one
    page = await reportOf(s, month);
    expect(page).toMatch(/RD\$\s*9,983\.33/);
    expect(page).toMatch(/RD\$\s*960\.67/);

    // Close this month: the page shows the same figures, frozen; a later payment changes nothing.
    const closed = await postForm(s.host, `/commissions/close?period=${month}`, {}, { Cookie: s.cookie });
    // The same rows, without the 'counts from' day (a close keeps each document's figures, not its day).
    const frozenCsv = before.map((row, line) => row.map((cell, index) => (line > 0 && index === 5 ? '' : cell)));
    expect(closed.status).toBe(303);
    expect(await csvOf()).toEqual(frozenCsv);
    await pay(inv4.id, '1270.00');
    expect(await csvOf()).toEqual(frozenCsv);
    const entries = await s.db
      .select()
      .from(commissionEntries)
      .where(inArray(commissionEntries.documentId, [inv4.id]));
    expect(entries).toHaveLength(0);
    const total = await s.db.select().from(commissionEntries);
    expect(total).toHaveLength(7);
    expect(await reportOf(s, month)).toMatch(/RD\$\s*960\.67/);

    // Only commissions.manage opens it; a future month is refused.
    expect((await get(s.host, `/commissions?period=${month}`, { headers: { Cookie: bea.cookie } })).status).toBe(403);
    expect((await get(s.host, '/commissions?period=2099-01', { headers: { Cookie: s.cookie } })).status).toBe(422);
  });

  it('keeps shops apart: another shop cannot retire a rule', async () => {
    const other = await paymentShop('owner');
    await rule({ sellerId: '', category: 'lentes', rate: '3' });
    const page = await (await get(s.host, '/commissions/rules', { headers: { Cookie: s.cookie } })).text();
    const id = /id="rule-([0-9a-f-]{36})"/.exec(page.slice(page.indexOf('Lentes') - 400))?.[1];
    expect(id).toBeTruthy();
    const foreign = await postForm(other.host, `/commissions/rules/${id}/retire`, {}, { Cookie: other.cookie });
    expect(foreign.status).toBe(404);
    const mine = await postForm(s.host, `/commissions/rules/${id}/retire`, {}, { Cookie: s.cookie });
    expect(mine.status).toBe(303);
  });

  it('records the seller: the creator by default, another only with sellers.change (403), never an unknown user (422)', async () => {
    const line = { productId: s.frame.id, quantity: '1' };
    const draft = await api(s.host, '/invoices', bea.bearer, json({ ncfType: 'B02', lines: [line] }));
    await expectStatus(draft, 201);
    expect(((await draft.json()) as { sellerId: string }).sellerId).toBe(bea.user.id);
    const named = await api(
      s.host,
      '/invoices',
      bea.bearer,
      json({ ncfType: 'B02', sellerId: s.user.id, lines: [line] }),
    );
    await expectStatus(named, 403);
    const self = await api(
      s.host,
      '/invoices',
      bea.bearer,
      json({ ncfType: 'B02', sellerId: bea.user.id, lines: [line] }),
    );
    await expectStatus(self, 201);
    const byOwner = await api(
      s.host,
      '/invoices',
      s.bearer,
      json({ ncfType: 'B02', sellerId: bea.user.id, lines: [line] }),
    );
    await expectStatus(byOwner, 201);
    const ownerDraft = (await byOwner.json()) as { id: string; sellerId: string; sellerName: string };
    expect(ownerDraft).toMatchObject({ sellerId: bea.user.id, sellerName: 'Usuario ventas' });
    const unknown = await api(
      s.host,
      '/invoices',
      s.bearer,
      json({ ncfType: 'B02', sellerId: crypto.randomUUID(), lines: [line] }),
    );
    await expectStatus(unknown, 422);
    // An edit without sellerId keeps the seller.
    const patched = await api(s.host, `/invoices/${ownerDraft.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ notes: 'x' }),
    });
    expect(((await patched.json()) as { sellerId: string }).sellerId).toBe(bea.user.id);

    // A quotation by the owner for Bea, converted: the invoice keeps Bea.
    const quotation = await api(s.host, '/quotations', s.bearer, json({ sellerId: bea.user.id, lines: [line] }));
    await expectStatus(quotation, 201);
    const quoted = (await quotation.json()) as { id: string; sellerId: string };
    expect(quoted.sellerId).toBe(bea.user.id);
    const converted = await api(s.host, `/quotations/${quoted.id}/convert`, s.bearer, { method: 'POST' });
    expect(converted.status).toBeLessThan(300);
    const { invoiceId } = (await converted.json()) as { invoiceId: string };
    const [invoice] = await s.db
      .select({ sellerId: invoices.sellerId })
      .from(invoices)
      .where(eq(invoices.id, invoiceId));
    expect(invoice!.sellerId).toBe(bea.user.id);

    // The invoices list filters by seller (API and page) and names the seller in a column.
    const listed = (await (await api(s.host, `/invoices?seller=${bea.user.id}&limit=100`, s.bearer)).json()) as {
      data: Array<{ id: string; sellerId: string }>;
    };
    expect(listed.data.length).toBeGreaterThanOrEqual(4);
    expect(listed.data.every((row) => row.sellerId === bea.user.id)).toBe(true);
    const listPage = await (
      await get(s.host, `/invoices?seller=${s.user.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(listPage).toContain('name="seller"');
    expect(listPage).toContain('<th scope="col">Vendedor</th>');
    expect(listPage).not.toContain(`href="/invoices/${ownerDraft.id}"`); // Bea's, not the owner's

    // So does the quotations list (API and page).
    const ownQuotation = await api(s.host, '/quotations', s.bearer, json({ lines: [line] }));
    await expectStatus(ownQuotation, 201);
    const ownQuotationId = ((await ownQuotation.json()) as { id: string }).id;
    const quotedByBea = (await (await api(s.host, `/quotations?seller=${bea.user.id}&limit=100`, s.bearer)).json()) as {
      data: Array<{ id: string; sellerId: string }>;
    };
    expect(quotedByBea.data.map((row) => row.id)).toEqual([quoted.id]);
    const quotationsPage = await (
      await get(s.host, `/quotations?seller=${bea.user.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(quotationsPage).toContain('name="seller"');
    expect(quotationsPage).toContain('<th scope="col">Vendedor</th>');
    expect(quotationsPage).toContain(`href="/quotations/${quoted.id}"`);
    expect(quotationsPage).not.toContain(`href="/quotations/${ownQuotationId}"`);
    expect((await api(s.host, '/quotations?seller=nadie', s.bearer)).status).toBe(422);

    // The form shows the select only to who may change the seller.
    const ownerForm = await (await get(s.host, '/invoices/new', { headers: { Cookie: s.cookie } })).text();
    expect(ownerForm).toContain('name="sellerId"');
    const beaForm = await (await get(s.host, '/invoices/new', { headers: { Cookie: bea.cookie } })).text();
    expect(beaForm).not.toContain('name="sellerId"');
  });
});
