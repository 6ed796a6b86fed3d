/**
 * Cash closes (cuadre de caja): expected totals per method and currency against a hand-built day,
 * counted - expected, receipts after a close going to the next one, a void after a close shown by the
 * next one, the race of two closes, immutability, the branch's day, permissions, bad counts, isolation,
 * the API, the print and the pages' round trips.
 */
import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, cashCloses, payments, userBranches } from '../../src/db/tenant-schema';
import { api, apiJson } from '../support/worker/api';
import { claimsFor, countRoundTrips, get, postForm } from '../support/worker/helpers';
import { raisedCode } from '../../src/db/raised';
import { colleague, issuedInvoice, paymentShop } from '../support/worker/payments';

type Shop = Awaited<ReturnType<typeof paymentShop>>;
type Line = {
  method: string;
  currencyCode: string;
  expected: string;
  counted: string;
  difference: string;
  movements: number;
};

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

async function pay(s: Shop, who: { bearer: string }, invoiceId: string, method: string, amount: string) {
  const response = await apiJson(s.host, `/invoices/${invoiceId}/payments`, who.bearer, post({ method, amount }));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

async function voidPayment(s: Shop, id: string) {
  const response = await apiJson(s.host, `/payments/${id}/void`, s.bearer, post({ reason: 'Cobro repetido' }));
  expect(response.status, JSON.stringify(response.body)).toBe(200);
}

function closeApi(s: Shop, who: { bearer: string }, body: Record<string, unknown>) {
  return apiJson(s.host, '/cash-closes', who.bearer, post({ branchId: s.main.id, ...body }));
}

/** Lines as `method currency expected counted difference movements`, sorted, for hand-built tables. */
const table = (lines: Line[]) =>
  lines.map((l) => `${l.method} ${l.currencyCode} ${l.expected} ${l.counted} ${l.difference} ${l.movements}`).sort();

const immutable = (error: unknown) => raisedCode(error) === 'cash_close_immutable';

async function closeCount(s: Shop) {
  const rows = await s.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM cash_closes`);
  return rows.rows[0]!.n;
}

async function freshCookie(tenantId: string, token: string) {
  return `optiflow_session=${token}; optiflow_claims=${await claimsFor(tenantId, token)}`;
}

/** A shop with an owner, two cashiers in the main branch and a second branch (Norte) where cashier A also works. */
async function day() {
  const s = await paymentShop('owner');
  const [norte] = await s.db.insert(branches).values({ code: 'NORTE', name: 'Sucursal Norte' }).returning();
  const a = await colleague(s, 'caja');
  const b = await colleague(s, 'ventas');
  await s.db.insert(userBranches).values({ userId: a.user.id, branchId: norte!.id });
  await s.db.insert(userBranches).values({ userId: s.user.id, branchId: norte!.id });
  // Claims signed before the new branch would be stale (each request would re-run the slow way).
  s.cookie = await freshCookie(s.tenant.id, s.token);
  a.cookie = await freshCookie(s.tenant.id, a.token);
  const invoice1 = await issuedInvoice(s);
  const invoice2 = await issuedInvoice(s);
  const northInvoice = await issuedInvoice(s, { branchId: norte!.id });
  const dollars = await issuedInvoice(s, { currency: 'USD', rate: '58.5000' });
  return { s, norte: norte!, a, b, invoice1, invoice2, northInvoice, dollars };
}

describe('cash closes', { timeout: 120_000 }, () => {
  it('counts a cashier’s receipts per method and currency, refuses a difference without a note, and leaves later receipts to the next close', async () => {
    const { s, norte, a, b, invoice1, invoice2, northInvoice, dollars } = await day();
    // Cashier A, main branch: cash 300.00, card 250.50, transfer 400.00, cash 99.99 voided before the close, cash US$ 20.00.
    const cash300 = await pay(s, a, invoice1.id, '1', '300.00');
    const card = await pay(s, a, invoice1.id, '3', '250.50');
    await pay(s, a, invoice2.id, '2', '400.00');
    await voidPayment(s, await pay(s, a, invoice2.id, '1', '99.99'));
    await pay(s, a, dollars.id, '1', '20.00');
    // Not A's main-branch drawer: B's receipts and A's receipt in Norte.
    await pay(s, b, invoice2.id, '1', '100.00');
    await pay(s, b, invoice1.id, '3', '49.50');
    await pay(s, a, northInvoice.id, '1', '500.00');
    // A refund of 25.00 in cash paid out of A's drawer (money out).
    await s.db.execute(sql`INSERT INTO refunds (contact_id, invoice_id, branch_id, method, amount, currency_code, refunded_on, created_by)
      VALUES (${s.customer.id}::uuid, ${invoice2.id}::uuid, ${s.main.id}::uuid, '1', 25.00, 'DOP', current_date, ${a.user.id}::uuid)`);

    const counted = [
      { method: '1', currency: 'DOP', counted: '265.00' },
      { method: '3', currency: 'DOP', counted: '250.50' },
      { method: '2', currency: 'DOP', counted: '400' },
      { method: '1', currency: 'USD', counted: '20.00' },
    ];
    const withoutNote = await closeApi(s, a, { counted });
    expect(withoutNote.status).toBe(422);
    expect(withoutNote.body.errors).toEqual([{ field: 'note', message: expect.stringContaining('nota') }]);
    expect(await closeCount(s)).toBe(0);
    expect(
      (await s.db.select().from(payments).where(sql`${payments.cashCloseId} IS NOT NULL`)).length,
      'a refused close claims nothing',
    ).toBe(0);

    const closed = await closeApi(s, a, { counted, note: 'Faltan RD$ 10: cambio mal dado' });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    expect(closed.body.number).toBe('CC-000001');
    expect([closed.body.kind, closed.body.cashierId, closed.body.branchId]).toEqual(['cashier', a.user.id, s.main.id]);
    // Hand-computed: cash DOP 300.00 - 25.00 refund = 275.00 (the 99.99 voided before the close is not counted).
    expect(table(closed.body.lines)).toEqual(
      [
        '1 DOP 275.00 265.00 -10.00 2',
        '3 DOP 250.50 250.50 0.00 1',
        '2 DOP 400.00 400.00 0.00 1',
        '1 USD 20.00 20.00 0.00 1',
      ].sort(),
    );
    expect(closed.body.note).toBe('Faltan RD$ 10: cambio mal dado');

    // A counted receipt keeps its amount and method (the close would silently disagree); its notes may change.
    const patch = (body: Record<string, unknown>) =>
      apiJson(s.host, `/payments/${card}`, s.bearer, { method: 'PATCH', body: JSON.stringify(body) });
    const lowered = await patch({ amount: '200.00' });
    expect([lowered.status, lowered.body.detail]).toEqual([409, expect.stringContaining('cuadre de caja')]);
    expect((await patch({ method: '1' })).status).toBe(409);
    expect((await patch({ notes: 'Voucher archivado' })).status).toBe(200);
    // A receipt after the close and a void of a receipt the close counted both go to the next close.
    await pay(s, a, invoice1.id, '1', '50.00');
    await voidPayment(s, cash300);
    const again = await apiJson(s.host, `/cash-closes/${closed.body.id}`, a.bearer);
    expect(table(again.body.lines), 'a closed close never changes').toEqual(table(closed.body.lines));
    const next = await closeApi(s, a, { counted: [{ method: '1', currency: 'DOP', counted: '-250' }] });
    expect(next.status, 'counted amounts are never negative').toBe(422);
    const second = await closeApi(s, a, {
      counted: [{ method: '1', currency: 'DOP', counted: '0' }],
      note: 'Anulación del recibo de 300',
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.body.number).toBe('CC-000002');
    expect(table(second.body.lines)).toEqual(['1 DOP -250.00 0.00 250.00 2']);

    // Nothing left for A in the main branch: 409, and no number is consumed.
    const empty = await closeApi(s, a, { counted: [] });
    expect(empty.status).toBe(409);
    // Norte is a drawer of its own.
    const north = await closeApi(s, a, {
      branchId: norte.id,
      counted: [{ method: '1', currency: 'DOP', counted: '500.00' }],
    });
    expect(north.status).toBe(201);
    expect(north.body.number).toBe('CC-000003');
    expect(table(north.body.lines)).toEqual(['1 DOP 500.00 500.00 0.00 1']);
  });

  it('lets one of two simultaneous closes of the same cashier win; the other gets 409 and changes nothing', async () => {
    const { s, a, invoice1 } = await day();
    await pay(s, a, invoice1.id, '1', '120.00');
    await pay(s, a, invoice1.id, '1', '30.00');
    const body = { counted: [{ method: '1', currency: 'DOP', counted: '150.00' }] };
    const results = await Promise.all([closeApi(s, a, body), closeApi(s, a, body), closeApi(s, a, body)]);
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const winner = results.find((result) => result.status === 201)!;
    expect(winner.body.number).toBe('CC-000001');
    expect(await closeCount(s)).toBe(1);
    const claimed = await s.db.select({ close: payments.cashCloseId }).from(payments);
    expect(claimed.map((row) => row.close)).toEqual([winner.body.id, winner.body.id]);
    const counter = await s.db.execute<{ last_number: string }>(sql`SELECT last_number::text FROM cash_close_counter`);
    expect(counter.rows[0]!.last_number, 'the losers consumed no number').toBe('1');
  });

  it('refuses any change or deletion of a close and its lines in the database itself', async () => {
    const { s, a, invoice1 } = await day();
    await pay(s, a, invoice1.id, '1', '10.00');
    const closed = await closeApi(s, a, { counted: [{ method: '1', currency: 'DOP', counted: '10.00' }] });
    const id = closed.body.id as string;
    await expect(s.db.execute(sql`UPDATE cash_closes SET note = 'cambiado' WHERE id = ${id}::uuid`)).rejects.toSatisfy(
      immutable,
    );
    await expect(
      s.db.execute(sql`UPDATE cash_close_lines SET counted = 999, difference = 989 WHERE close_id = ${id}::uuid`),
    ).rejects.toSatisfy(immutable);
    await expect(s.db.execute(sql`DELETE FROM cash_close_lines WHERE close_id = ${id}::uuid`)).rejects.toSatisfy(
      immutable,
    );
    await expect(s.db.execute(sql`DELETE FROM cash_closes WHERE id = ${id}::uuid`)).rejects.toSatisfy(immutable);
    const [row] = await s.db.select().from(cashCloses).where(eq(cashCloses.id, id));
    expect(row!.note).toBeNull();
    // The table without the trigger would take the change: the refusal is the trigger's.
    const triggers = await s.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM pg_trigger WHERE tgname IN ('cash_closes_immutable', 'cash_close_lines_immutable', 'cash_close_members_immutable')`,
    );
    expect(triggers.rows[0]!.n).toBe(3);
  });

  it('closes the branch’s day by summing its cashier closes, only once every cashier has closed', async () => {
    const { s, a, b, invoice1, invoice2 } = await day();
    await pay(s, a, invoice1.id, '1', '200.00');
    await pay(s, a, invoice1.id, '3', '100.00');
    await pay(s, b, invoice2.id, '1', '80.00');
    const closeA = await closeApi(s, a, {
      counted: [
        { method: '1', currency: 'DOP', counted: '195.00' },
        { method: '3', currency: 'DOP', counted: '100.00' },
      ],
      note: 'Faltan 5',
    });
    expect(closeA.status).toBe(201);

    const early = await postForm(
      s.host,
      '/cash-closes/branch',
      { branchId: s.main.id, businessDate: closeA.body.businessDate },
      { Cookie: s.cookie },
    );
    expect(early.status, 'cashier B has not closed').toBe(409);
    expect(await early.text()).toContain('deben cuadrar su caja primero');

    // Cashier B closes through the form (no JavaScript): the page, then the post.
    const page = await get(s.host, '/cash-closes/new', { headers: { Cookie: b.cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    const through = html.match(/name="through" value="([^"]+)"/)![1]!;
    const byForm = await postForm(
      s.host,
      '/cash-closes',
      { branchId: s.main.id, through, lines: '1:DOP', count_1_DOP: '80.00', note: '' },
      { Cookie: b.cookie },
    );
    expect(byForm.status).toBe(303);

    const branchClose = await postForm(
      s.host,
      '/cash-closes/branch',
      { branchId: s.main.id, businessDate: closeA.body.businessDate, note: 'Día cerrado' },
      { Cookie: s.cookie },
    );
    expect(branchClose.status).toBe(303);
    const branchId = branchClose.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const summed = await apiJson(s.host, `/cash-closes/${branchId}`, s.bearer);
    expect([summed.body.kind, summed.body.cashierId, summed.body.number]).toEqual(['branch', null, 'CC-000003']);
    expect(table(summed.body.lines)).toEqual(['1 DOP 280.00 275.00 -5.00 2', '3 DOP 100.00 100.00 0.00 1'].sort());
    expect(summed.body.members.map((m: { number: string }) => m.number)).toEqual(['CC-000001', 'CC-000002']);
    const memberView = await apiJson(s.host, `/cash-closes/${closeA.body.id}`, s.bearer);
    expect(memberView.body.branchCloseId).toBe(branchId);
    const twice = await postForm(
      s.host,
      '/cash-closes/branch',
      { branchId: s.main.id, businessDate: closeA.body.businessDate },
      { Cookie: s.cookie },
    );
    expect(twice.status, 'nothing left to sum').toBe(409);
  });

  it('shows a cashier only their own closes; owners see all; other roles none', async () => {
    const { s, a, b, invoice1 } = await day();
    await pay(s, a, invoice1.id, '1', '10.00');
    await pay(s, b, invoice1.id, '1', '20.00');
    const closeA = await closeApi(s, a, { counted: [{ method: '1', currency: 'DOP', counted: '10.00' }] });
    const closeB = await closeApi(s, b, { counted: [{ method: '1', currency: 'DOP', counted: '20.00' }] });
    expect([closeA.status, closeB.status]).toEqual([201, 201]);

    expect((await api(s.host, `/cash-closes/${closeB.body.id}`, a.bearer)).status).toBe(404);
    const listA = await apiJson(s.host, '/cash-closes', a.bearer);
    expect(listA.body.data.map((row: { number: string }) => row.number)).toEqual([closeA.body.number]);
    const listOwner = await apiJson(s.host, '/cash-closes', s.bearer);
    expect(listOwner.body.data.map((row: { number: string }) => row.number)).toEqual(['CC-000002', 'CC-000001']);
    const filtered = await apiJson(s.host, `/cash-closes?cashierId=${b.user.id}`, s.bearer);
    expect(filtered.body.data.map((row: { number: string }) => row.number)).toEqual([closeB.body.number]);
    const pageA = await (await get(s.host, '/cash-closes', { headers: { Cookie: a.cookie } })).text();
    expect(pageA).toContain(closeA.body.number);
    expect(pageA).not.toContain(closeB.body.number);
    expect(pageA).not.toContain('Cerrar el día de la sucursal');

    const branchByCashier = await postForm(
      s.host,
      '/cash-closes/branch',
      { branchId: s.main.id, businessDate: '2026-01-01' },
      { Cookie: a.cookie },
    );
    expect(branchByCashier.status).toBe(403);
    const optometrist = await colleague(s, 'optometrista');
    expect((await get(s.host, '/cash-closes', { headers: { Cookie: optometrist.cookie } })).status).toBe(403);
    expect((await api(s.host, '/cash-closes', optometrist.bearer)).status).toBe(403);
    expect((await closeApi(s, optometrist, { counted: [] })).status).toBe(403);
  });

  it('answers bad counts with 422 and field messages, changing nothing; "Calcular" shows the differences computed on the server', async () => {
    const { s, a, invoice1 } = await day();
    await pay(s, a, invoice1.id, '1', '100.00');
    await pay(s, a, invoice1.id, '3', '40.00');
    const page = await (
      await get(s.host, `/cash-closes/new?branchId=${s.main.id}`, { headers: { Cookie: a.cookie } })
    ).text();
    const through = page.match(/name="through" value="([^"]+)"/)![1]!;
    expect(page).toContain('RD$ 100.00');
    expect(page).toContain('RD$ 40.00');

    const bad = await postForm(
      s.host,
      '/cash-closes',
      { branchId: s.main.id, through, lines: '1:DOP', count_1_DOP: '-5', note: 'x' },
      { Cookie: a.cookie },
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Escriba un monto positivo');
    const body = new URLSearchParams([
      ['branchId', s.main.id],
      ['through', through],
      ['lines', '1:DOP'],
      ['count_1_DOP', 'cien'],
      ['lines', '3:DOP'],
      ['count_3_DOP', ''],
    ]);
    const notNumbers = await postFields(s.host, '/cash-closes', body, a.cookie);
    expect(notNumbers.status).toBe(422);
    const text = await notNumbers.text();
    expect(text).toContain('Escriba un monto positivo');
    expect(text).toContain('Escriba lo contado');
    expect(await closeCount(s)).toBe(0);

    const preview = new URLSearchParams([
      ['branchId', s.main.id],
      ['through', through],
      ['lines', '1:DOP'],
      ['count_1_DOP', '95.50'],
      ['lines', '3:DOP'],
      ['count_3_DOP', '40'],
    ]);
    const calculated = await postFields(s.host, '/cash-closes/new', preview, a.cookie);
    expect(calculated.status).toBe(200);
    const calculatedText = await calculated.text();
    expect(calculatedText).toMatch(/id="diff-count_1_DOP"[^>]*><span class="cash-short">-RD\$ 4\.50/);
    expect(calculatedText).toMatch(/id="diff-count_3_DOP"[^>]*><span class="cash-even">RD\$ 0\.00/);
    const live = await postFields(s.host, '/cash-closes/preview', preview, a.cookie, { 'HX-Request': 'true' });
    const liveText = await live.text();
    expect(liveText).toContain('aria-live="polite"');
    expect(liveText).toMatch(/id="diff-count_1_DOP"[^>]*hx-swap-oob="true"/);
    expect(liveText).toContain('-RD$ 4.50');
    expect(await closeCount(s)).toBe(0);
  });

  it('keeps two shops’ closes apart (same numbers, same names)', async () => {
    const one = await day();
    const two = await day();
    await pay(one.s, one.a, one.invoice1.id, '1', '10.00');
    await pay(two.s, two.a, two.invoice1.id, '1', '20.00');
    const closeOne = await closeApi(one.s, one.a, { counted: [{ method: '1', currency: 'DOP', counted: '10.00' }] });
    const closeTwo = await closeApi(two.s, two.a, { counted: [{ method: '1', currency: 'DOP', counted: '20.00' }] });
    expect([closeOne.body.number, closeTwo.body.number]).toEqual(['CC-000001', 'CC-000001']);
    expect((await api(one.s.host, `/cash-closes/${closeTwo.body.id}`, one.s.bearer)).status).toBe(404);
    expect(
      (await get(one.s.host, `/cash-closes/${closeTwo.body.id}`, { headers: { Cookie: one.s.cookie } })).status,
    ).toBe(404);
    expect(
      (await get(one.s.host, `/cash-closes/${closeTwo.body.id}/print`, { headers: { Cookie: one.s.cookie } })).status,
    ).toBe(404);
    const list = await apiJson(one.s.host, '/cash-closes', one.s.bearer);
    expect(list.body.data.map((row: { id: string }) => row.id)).toEqual([closeOne.body.id]);
    // A branch of the other shop is not a branch here.
    const foreign = await closeApi(one.s, one.a, { branchId: two.s.main.id, counted: [] });
    expect(foreign.status).toBe(422);
  });

  it('prints a close on A4 and 80 mm with its figures, and each page is one database round trip', async () => {
    const { s, a, invoice1 } = await day();
    await pay(s, a, invoice1.id, '1', '999.99');
    const closed = await closeApi(s, a, {
      counted: [{ method: '1', currency: 'DOP', counted: '1,000.00' }],
      note: 'Sobran 0.01',
    });
    expect(closed.status).toBe(201);
    for (const format of ['a4', '80mm']) {
      const response = await get(s.host, `/cash-closes/${closed.body.id}/print?format=${format}`, {
        headers: { Cookie: a.cookie },
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`print-${format}`);
      expect(html).toContain('CC-000001');
      expect(html).toContain('RD$ 999.99');
      expect(html).toContain('RD$ 1,000.00');
      expect(html).toContain('RD$ 0.01');
      expect(html).toContain('Sobran 0.01');
      expect(html).toContain('Usuario caja');
    }
    const detail = await (
      await get(s.host, `/cash-closes/${closed.body.id}`, { headers: { Cookie: a.cookie } })
    ).text();
    expect(detail).toContain(`/cash-closes/${closed.body.id}/print?format=a4`);
    expect(detail).toContain(`/cash-closes/${closed.body.id}/print?format=80mm`);

    const database = `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
    for (const [path, cookie] of [
      ['/cash-closes', s.cookie],
      ['/cash-closes', a.cookie],
      [`/cash-closes/new?branchId=${s.main.id}`, a.cookie],
      [`/cash-closes/${closed.body.id}`, a.cookie],
      [`/cash-closes/${closed.body.id}/print?format=80mm`, a.cookie],
    ] as const) {
      let status = 0;
      const trips = await countRoundTrips(database, async () => {
        const response = await get(s.host, path, { headers: { Cookie: cookie } });
        status = response.status;
        await response.text();
      });
      expect([path, status, trips]).toEqual([path, 200, 1]);
    }
  });
});

/** A form post with repeated fields (postForm takes a record). */
async function postFields(
  host: string,
  path: string,
  body: URLSearchParams,
  cookie: string,
  headers: Record<string, string> = {},
) {
  return SELF.fetch(`http://${host}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: `http://${host}`,
      Cookie: cookie,
      ...headers,
    },
    body: body.toString(),
  });
}
