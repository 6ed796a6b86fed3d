/**
 * The branch close (close_cash_branch) under simultaneous requests: many branch closes of one day, and
 * a cashier close racing branch closes. Exactly one wins each claim, every receipt is counted by
 * exactly one cashier close and every cashier close by exactly one branch close, and the numbers
 * (CC-000001, ...) stay gapless: refused closes consume none.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiJson } from '../support/worker/api';
import { postForm } from '../support/worker/helpers';
import { colleague, issuedInvoice, paymentShop } from '../support/worker/payments';

type Shop = Awaited<ReturnType<typeof paymentShop>>;
type Who = { bearer: string };

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

async function pay(s: Shop, who: Who, invoiceId: string, method: string, amount: string) {
  const response = await apiJson(s.host, `/invoices/${invoiceId}/payments`, who.bearer, post({ method, amount }));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
}

function closeCashier(s: Shop, who: Who, counted: Array<{ method: string; counted: string }>) {
  const body = { branchId: s.main.id, counted: counted.map((count) => ({ ...count, currency: 'DOP' })) };
  return apiJson(s.host, '/cash-closes', who.bearer, post(body));
}

function closeBranch(s: Shop, businessDate: string) {
  return apiJson(s.host, '/cash-closes', s.bearer, post({ kind: 'branch', branchId: s.main.id, businessDate }));
}

/** The same branch close through the page's form (no JavaScript): 303 to the close, or the refusal. */
function closeBranchByForm(s: Shop, businessDate: string) {
  return postForm(s.host, '/cash-closes/branch', { branchId: s.main.id, businessDate }, { Cookie: s.cookie });
}

async function ledger(s: Shop) {
  const closes = await s.db.execute<{ id: string; number: string; kind: string }>(
    sql`SELECT id, number, kind FROM cash_closes ORDER BY number`,
  );
  const members = await s.db.execute<{ cashier: string; branch: string }>(
    sql`SELECT cashier_close_id AS cashier, branch_close_id AS branch FROM cash_close_members`,
  );
  const receipts = await s.db.execute<{ close: string | null; amount: string }>(
    sql`SELECT cash_close_id AS close, amount::text FROM payments`,
  );
  const counter = await s.db.execute<{ last: string }>(sql`SELECT last_number::text AS last FROM cash_close_counter`);
  const branchLines = await s.db.execute<{ line: string }>(sql`
    SELECT l.method || ' ' || sum(l.expected)::text || ' ' || sum(l.movements)::text AS line
      FROM cash_close_lines l JOIN cash_closes c ON c.id = l.close_id
     WHERE c.kind = 'branch' GROUP BY l.method ORDER BY l.method`);
  return {
    closes: closes.rows,
    members: members.rows,
    receipts: receipts.rows,
    last: Number(counter.rows[0]?.last ?? 0),
    branchLines: branchLines.rows.map((row) => row.line),
  };
}

/** Every close numbered CC-000001 .. CC-00000n with no gap, n the counter's last number. */
function expectGapless(book: Awaited<ReturnType<typeof ledger>>) {
  const numbers = book.closes.map((close) => close.number);
  expect(numbers).toEqual(numbers.map((_, i) => `CC-${String(i + 1).padStart(6, '0')}`));
  expect(book.last, 'refused closes consumed no number').toBe(numbers.length);
}

/** Each receipt in exactly one cashier close, each cashier close in exactly one branch close. */
function expectCountedOnce(book: Awaited<ReturnType<typeof ledger>>) {
  const kind = new Map(book.closes.map((close) => [close.id, close.kind]));
  for (const receipt of book.receipts) expect(kind.get(receipt.close ?? '')).toBe('cashier');
  const cashierCloses = book.closes.filter((close) => close.kind === 'cashier').map((close) => close.id);
  expect(book.members.map((member) => member.cashier).sort()).toEqual([...cashierCloses].sort());
  for (const member of book.members) expect(kind.get(member.branch)).toBe('branch');
}

/** An owner, two cashiers of the main branch and one invoice of `amount` they both take receipts on. */
async function drawers(amount: string) {
  const s = await paymentShop('owner');
  const a = await colleague(s, 'caja');
  const b = await colleague(s, 'ventas');
  const invoice = await issuedInvoice(s, {
    lines: [{ description: 'Lentes', quantity: '1', unitPrice: amount, taxRate: '0', exempt: true }],
  });
  return { s, a, b, invoice };
}

describe('branch cash close under simultaneous requests', { timeout: 180_000 }, () => {
  it('lets exactly one of ten simultaneous branch closes of a day sum its cashier closes', async () => {
    const { s, a, b, invoice } = await drawers('5000');
    await pay(s, a, invoice.id, '1', '200.00');
    await pay(s, a, invoice.id, '3', '100.00');
    await pay(s, b, invoice.id, '1', '80.00');
    const closeA = await closeCashier(s, a, [
      { method: '1', counted: '200.00' },
      { method: '3', counted: '100.00' },
    ]);
    expect(closeA.status).toBe(201);
    expect((await closeCashier(s, b, [{ method: '1', counted: '80.00' }])).status).toBe(201);
    const date = closeA.body.businessDate as string;

    // Five through the API and five through the form, all at once.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? closeBranch(s, date).then((response) => response.status)
          : closeBranchByForm(s, date).then((response) => response.status),
      ),
    );
    const won = results.filter((status) => status === 201 || status === 303);
    expect(won, JSON.stringify(results)).toHaveLength(1);
    expect(results.filter((status) => status === 409)).toHaveLength(9);

    const book = await ledger(s);
    expect(book.closes.map((close) => close.kind)).toEqual(['cashier', 'cashier', 'branch']);
    expectGapless(book);
    expectCountedOnce(book);
    // By hand: cash 200 + 80 in 2 receipts, card 100 in 1.
    expect(book.branchLines).toEqual(['1 280.00 2', '3 100.00 1']);
  });

  it('never lets a branch close pass a cashier close racing it: the cashier’s receipts are counted once, in the day', async () => {
    const { s, a, b, invoice } = await drawers('50000');
    let date = '';
    let branchCloses = 0;
    // Three rounds in one day: A has closed, B's close and six branch closes go at once.
    for (const round of [1, 2, 3]) {
      await pay(s, a, invoice.id, '1', `${round}00.00`);
      await pay(s, b, invoice.id, '3', `${round}0.00`);
      const closeA = await closeCashier(s, a, [{ method: '1', counted: `${round}00.00` }]);
      expect(closeA.status).toBe(201);
      date = closeA.body.businessDate;
      const [closeB, ...branch] = await Promise.all([
        closeCashier(s, b, [{ method: '3', counted: `${round}0.00` }]),
        ...Array.from({ length: 6 }, () => closeBranch(s, date)),
      ]);
      expect(closeB!.status, JSON.stringify(closeB!.body)).toBe(201);
      const won = branch.filter((response) => response.status === 201);
      expect(won.length).toBeLessThanOrEqual(1);
      for (const refused of branch.filter((response) => response.status !== 201)) {
        // Refused while B's receipts were open, or nothing left once another branch close took them.
        expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      }
      if (won[0]) {
        // A branch close that passed ran after B's close, so it summed both.
        expect(won[0].body.members.map((member: { id: string }) => member.id).sort()).toEqual(
          [closeA.body.id, closeB!.body.id].sort(),
        );
      } else {
        const after = await closeBranch(s, date);
        expect(after.status, JSON.stringify(after.body)).toBe(201);
        expect(after.body.members).toHaveLength(2);
      }
      branchCloses += 1;
      expect((await closeBranch(s, date)).status, 'nothing left to sum').toBe(409);
    }

    const book = await ledger(s);
    expect(book.closes.filter((close) => close.kind === 'branch')).toHaveLength(branchCloses);
    expectGapless(book);
    expectCountedOnce(book);
    // By hand: cash 100 + 200 + 300 = 600 in 3 receipts, card 10 + 20 + 30 = 60 in 3.
    expect(book.branchLines).toEqual(['1 600.00 3', '3 60.00 3']);
  });
});
