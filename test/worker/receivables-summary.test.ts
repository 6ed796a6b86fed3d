import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, contacts, invoices, payments, refunds } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { api, apiJson } from '../support/worker/api';
import { get } from '../support/worker/helpers';
import { issuedInvoice, ncfSequence, paymentShop as shop } from '../support/worker/payments';

type Shop = Awaited<ReturnType<typeof shop>>;

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
const patch = (body: unknown) => ({ method: 'PATCH', body: JSON.stringify(body) });
const nil = '00000000-0000-0000-0000-000000000000';

interface Balance {
  branch: string;
  customer: string | null;
  open: string;
  credit: string;
  oldest: string | null;
  invoices: number;
}

/** What the triggers keep: every row of receivable_balances, in a fixed order. */
async function stored(s: Shop): Promise<Balance[]> {
  const result = await s.db.execute<Balance & Record<string, unknown>>(sql`
    SELECT branch_key::text AS branch, customer_id::text AS customer, open_dop::text AS open, credit_dop::text AS credit,
           oldest_due::text AS oldest, open_invoices AS invoices
      FROM receivable_balances ORDER BY branch_key, customer_id NULLS LAST`);
  return result.rows;
}

/**
 * The same rows computed from scratch over every invoice (not only the partial index's): per
 * customer and branch and per customer over every branch, open balance at each invoice's rate and
 * credit from invoice_credit_available, only where something is owed either way.
 */
async function recomputed(s: Shop): Promise<Balance[]> {
  const result = await s.db.execute<Balance & Record<string, unknown>>(sql`
    WITH i AS (
      SELECT customer_id, branch_id, exchange_rate, coalesce(due_on, issued_on) AS since, total - paid_total - credited_total AS balance, id
        FROM invoices WHERE kind = 'invoice' AND status NOT IN ('draft', 'voided')
    ), x AS (
      SELECT customer_id, branch_id,
             CASE WHEN balance > 0 THEN round(balance * exchange_rate, 2) ELSE 0 END AS open_dop,
             CASE WHEN balance < 0 THEN round(invoice_credit_available(id) * exchange_rate, 2) ELSE 0 END AS credit_dop,
             CASE WHEN balance > 0 THEN since END AS since
        FROM i
    ), per AS (
      SELECT branch_id::text AS branch, customer_id, sum(open_dop) AS open_dop, sum(credit_dop) AS credit_dop, min(since) AS oldest, count(since)::int AS n
        FROM x GROUP BY branch_id, customer_id
      UNION ALL
      SELECT ${nil}, customer_id, sum(open_dop), sum(credit_dop), min(since), count(since)::int FROM x GROUP BY customer_id
    )
    SELECT branch, customer_id::text AS customer, open_dop::numeric(14,2)::text AS open, credit_dop::numeric(14,2)::text AS credit,
           oldest::text AS oldest, n AS invoices
      FROM per WHERE open_dop > 0 OR credit_dop > 0 ORDER BY branch::uuid, customer_id NULLS LAST`);
  return result.rows;
}

/** receivable_days against the open invoices summed per branch and due (or issue) day. */
async function daysDrift(s: Shop) {
  const result = await s.db.execute<{
    branch: string;
    day: string;
    stored: string | null;
    computed: string | null;
  }>(sql`
    WITH computed AS (
      SELECT branch_id, coalesce(due_on, issued_on) AS day, sum(round((total - paid_total - credited_total) * exchange_rate, 2)) AS amount
        FROM invoices
       WHERE kind = 'invoice' AND status NOT IN ('draft', 'voided') AND total - paid_total - credited_total > 0
       GROUP BY 1, 2
    )
    SELECT coalesce(c.branch_id, d.branch_id)::text AS branch, coalesce(c.day, d.due_on)::text AS day,
           d.open_dop::text AS stored, c.amount::text AS computed
      FROM computed c FULL JOIN receivable_days d ON d.branch_id = c.branch_id AND d.due_on = c.day
     WHERE d.open_dop IS DISTINCT FROM c.amount`);
  return result.rows;
}

/** Both summaries equal their from-scratch computation. */
async function expectExact(s: Shop, step: string) {
  expect(await stored(s), `${step}: receivable_balances`).toEqual(await recomputed(s));
  expect(await daysDrift(s), `${step}: receivable_days`).toEqual([]);
}

/** The customer's every-branch row: [open, credit, open invoices], or null when nothing is owed either way. */
async function customerLine(s: Shop, customerId: string) {
  const row = (await stored(s)).find((line) => line.branch === nil && line.customer === customerId);
  return row ? [row.open, row.credit, row.invoices] : null;
}

/** A draft through the API (one exempt exam line at `price`) issued through the API: issue_invoice. */
async function issue(s: Shop, price: string, customerId = s.customer.id) {
  const created = await apiJson(
    s.host,
    '/invoices',
    s.bearer,
    post({ ncfType: 'B01', customerId, lines: [{ productId: s.exam.id, quantity: '1', unitPrice: price }] }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const issued = await apiJson(s.host, `/invoices/${created.body.id}/issue`, s.bearer, { method: 'POST' });
  expect(issued.status, JSON.stringify(issued.body)).toBe(200);
  return created.body.id as string;
}

async function pay(s: Shop, invoiceId: string, amount: string) {
  const paid = await apiJson(s.host, `/invoices/${invoiceId}/payments`, s.bearer, post({ method: '1', amount }));
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  return paid.body.id as string;
}

describe('receivables summary (receivable_balances, receivable_days)', { timeout: 120_000 }, () => {
  it('stays equal to the from-scratch computation after every writer, with hand-computed balances', async () => {
    const s = await shop('owner');
    await ncfSequence(s.db, 'B01');
    await ncfSequence(s.db, 'B04');
    const today = shopToday();
    const customer = s.customer.id;

    const a = await issue(s, '1000');
    const b = await issue(s, '500');
    await expectExact(s, 'issue A 1000, B 500');
    expect(await customerLine(s, customer)).toEqual(['1500.00', '0.00', 2]);

    const paymentA = await pay(s, a, '400');
    await expectExact(s, 'pay 400 on A');
    expect(await customerLine(s, customer)).toEqual(['1100.00', '0.00', 2]);

    expect((await api(s.host, `/payments/${paymentA}`, s.bearer, patch({ amount: '1000.00' }))).status).toBe(200);
    await expectExact(s, 'payment on A raised to 1000');
    expect(await customerLine(s, customer)).toEqual(['500.00', '0.00', 1]);

    const paymentB = await pay(s, b, '500');
    await expectExact(s, 'pay B in full');
    expect(await customerLine(s, customer)).toBeNull();

    const note = await api(s.host, `/invoices/${a}/credit-notes`, s.bearer, post({ reason: 'Devolución', full: true }));
    expect(note.status).toBe(201);
    await expectExact(s, 'credit note on the paid A');
    expect(await customerLine(s, customer)).toEqual(['0.00', '1000.00', 0]);

    const c = await issue(s, '800');
    await expectExact(s, 'issue C 800');
    expect(await customerLine(s, customer)).toEqual(['800.00', '1000.00', 1]);

    const refund = await apiJson(
      s.host,
      '/refunds',
      s.bearer,
      post({ invoiceId: a, amount: '300.00', method: '1', branchId: s.main.id, refundedOn: today }),
    );
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    await expectExact(s, 'refund 300 of the credit');
    expect(await customerLine(s, customer)).toEqual(['800.00', '700.00', 1]);

    const applied = await apiJson(
      s.host,
      '/credit-applications',
      s.bearer,
      post({ sourceInvoiceId: a, targetInvoiceId: c, amount: '500.00', appliedOn: today }),
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    await expectExact(s, 'apply 500 of the credit to C');
    expect(await customerLine(s, customer)).toEqual(['300.00', '200.00', 1]);

    const unrefunded = await api(
      s.host,
      `/refunds/${refund.body.id}/void`,
      s.bearer,
      post({ reason: 'Error de caja' }),
    );
    expect(unrefunded.status).toBe(200);
    await expectExact(s, 'void the refund');
    expect(await customerLine(s, customer)).toEqual(['300.00', '500.00', 1]);

    expect(
      (await api(s.host, `/payments/${paymentB}/void`, s.bearer, post({ reason: 'Cheque devuelto' }))).status,
    ).toBe(200);
    await expectExact(s, 'void the payment on B');
    expect(await customerLine(s, customer)).toEqual(['800.00', '500.00', 2]);

    const d = await issue(s, '200');
    expect(await customerLine(s, customer)).toEqual(['1000.00', '500.00', 3]);
    const voided = await api(s.host, `/invoices/${d}/void`, s.bearer, post({ reason: '04' }));
    expect(voided.status).toBe(200);
    await expectExact(s, 'void D');
    expect(await customerLine(s, customer)).toEqual(['800.00', '500.00', 2]);

    // The list reads the summary: a tampered cent shows on /receivables and the exactness check catches it.
    await s.db.execute(
      sql`UPDATE receivable_balances SET open_dop = open_dop + 0.01 WHERE customer_id = ${customer}::uuid AND branch_key = ${nil}::uuid`,
    );
    const html = await (await get(s.host, '/receivables', { headers: { Cookie: s.cookie } })).text();
    expect(html).toContain('800.01');
    await expect(expectExact(s, 'tampered')).rejects.toThrow(/receivable_balances/);
    await s.db.execute(
      sql`UPDATE receivable_days SET open_dop = open_dop + 1 WHERE due_on = (SELECT min(due_on) FROM receivable_days)`,
    );
    expect(await daysDrift(s)).toHaveLength(1);
  });

  it('matches a recomputation after each of 60 random changes to invoices across customers and branches', async () => {
    const s = await shop('owner');
    const [north] = await s.db.insert(branches).values({ code: 'B2', name: 'Sucursal Norte' }).returning();
    const people = await s.db
      .insert(contacts)
      .values([
        { kind: 'customer', name: 'Luis Báez' },
        { kind: 'customer', name: 'Rosa Núñez' },
      ])
      .returning();
    const customers: Array<string | null> = [s.customer.id, people[0]!.id, people[1]!.id, null];
    const branchIds = [s.main.id, north!.id];
    let seed = 20_261_205;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const today = shopToday();
    const ids: string[] = [];
    for (let step = 0; step < 60; step++) {
      const action = ids.length < 4 ? 0 : Math.floor(random() * 7);
      let described = '';
      if (action === 0) {
        const invoice = await issuedInvoice(
          { ...s, customer: { ...s.customer, id: pick(customers.filter(Boolean)) as string } },
          {
            issuedOn: addDays(today, -Math.floor(random() * 120)),
            branchId: pick(branchIds),
            currency: random() < 0.3 ? 'USD' : 'DOP',
            rate: random() < 0.3 ? '58.5432' : '1',
            lines: [
              {
                description: 'Lentes',
                quantity: '1',
                unitPrice: String(100 + Math.floor(random() * 900)),
                taxRate: '0',
                exempt: true,
              },
            ],
          },
        );
        if (random() < 0.2) await s.db.update(invoices).set({ customerId: null }).where(eq(invoices.id, invoice.id));
        ids.push(invoice.id);
        described = `new invoice ${invoice.total}`;
      } else {
        const id = pick(ids);
        const [row] = await s.db.select().from(invoices).where(eq(invoices.id, id));
        const total = Number(row!.total);
        if (action === 1 || action === 2) {
          // Payments and credits set straight: over-settled invoices carry a credit balance.
          const paid = (Math.floor(random() * total * 100) / 100).toFixed(2);
          const credited = action === 2 ? (Math.floor(random() * total * 100) / 100).toFixed(2) : row!.creditedTotal;
          const settled = Number(paid) + Number(credited);
          await s.db
            .update(invoices)
            .set({
              paidTotal: paid,
              creditedTotal: credited,
              status:
                row!.status === 'voided'
                  ? 'voided'
                  : settled >= total
                    ? 'paid'
                    : settled > 0
                      ? 'partially_paid'
                      : 'issued',
            })
            .where(eq(invoices.id, id));
          described = `settle ${paid} + ${credited} of ${total}`;
        } else if (action === 3) {
          await s.db
            .update(invoices)
            .set({ dueOn: addDays(today, Math.floor(random() * 90) - 60) })
            .where(eq(invoices.id, id));
          described = 'due date moved';
        } else if (action === 4) {
          await s.db
            .update(invoices)
            .set({ customerId: pick(customers), branchId: pick(branchIds) })
            .where(eq(invoices.id, id));
          described = 'customer or branch changed';
        } else if (action === 5) {
          await s.db.update(invoices).set({ status: 'voided' }).where(eq(invoices.id, id));
          described = 'voided';
        } else {
          // Several invoices in one transaction, another customer's among them.
          const [first, second] = [pick(ids), pick(ids)].map((other) =>
            s.db
              .update(invoices)
              .set({
                exchangeRate: random() < 0.5 ? '1' : '60.1000',
                dueOn: addDays(today, -Math.floor(random() * 100)),
              })
              .where(eq(invoices.id, other)),
          );
          await s.db.batch([first!, second!]);
          described = 'two invoices in one transaction';
        }
      }
      await expectExact(s, `step ${step} (${described})`);
    }
    // The run reached every kind of row: credit, open and the invoices without a customer.
    const rows = await stored(s);
    expect(rows.some((row) => Number(row.credit) > 0)).toBe(true);
    expect(rows.some((row) => Number(row.open) > 0)).toBe(true);
    expect(rows.some((row) => row.customer === null)).toBe(true);
    expect(new Set(rows.map((row) => row.branch)).size).toBe(3);
  });

  it('is exact after one transaction that writes hundreds of invoices of a few customers and days (each refreshed once at commit)', async () => {
    const s = await shop('owner');
    const today = shopToday();
    const template = await issuedInvoice(s, { issuedOn: today });
    const [other] = await s.db.insert(contacts).values({ kind: 'customer', name: 'Ana Peña' }).returning();
    // One transaction: 300 copies over three customers (one of them none) and five days, then a third
    // paid in full, another third half paid with its due date and customer moved, and a few voided. The
    // deferred triggers fire at commit over rows touched twice, keys old and new: a refresh skipped
    // wrongly shows as drift.
    await s.db.batch([
      s.db.execute(sql`
        INSERT INTO invoices
        SELECT (jsonb_populate_record(t, jsonb_build_object(
                  'id', gen_random_uuid(), 'ncf', 'B01' || lpad((5000000 + g)::text, 8, '0'),
                  'customer_id', (ARRAY[${s.customer.id}::uuid, ${other!.id}::uuid, NULL])[1 + g % 3],
                  'issued_on', (${today}::date - (g % 5))::text, 'due_on', NULL, 'paid_total', 0, 'status', 'issued'))).*
          FROM invoices t CROSS JOIN generate_series(1, 300) g
         WHERE t.id = ${template.id}::uuid`),
      s.db.execute(sql`
        UPDATE invoices SET paid_total = total, status = 'paid'
         WHERE ncf LIKE 'B015%' AND substr(ncf, 4)::int % 3 = 0`),
      s.db.execute(sql`
        UPDATE invoices SET paid_total = round(total / 2, 2), status = 'partially_paid', due_on = ${today}::date + 10,
                            customer_id = CASE WHEN customer_id IS NULL THEN ${other!.id}::uuid ELSE NULL END
         WHERE ncf LIKE 'B015%' AND substr(ncf, 4)::int % 3 = 1`),
      s.db.execute(sql`
        UPDATE invoices SET status = 'voided', voided_at = now(), void_reason = '04'
         WHERE ncf LIKE 'B015%' AND substr(ncf, 4)::int % 17 = 2`),
    ]);
    await expectExact(s, 'after the bulk transaction');
    const open = await s.db.execute<{ n: string }>(sql`
      SELECT count(*)::text AS n FROM receivable_balances WHERE branch_key = ${nil}::uuid AND open_dop > 0`);
    expect(Number(open.rows[0]!.n)).toBe(3); // both customers and the invoices without one still owe
  });

  it('is exact after simultaneous payments, refunds and applications on one customer, in two shops at once', async () => {
    const [one, two] = await Promise.all([shop('owner'), shop('owner')]);
    for (const s of [one, two]) {
      await ncfSequence(s.db, 'B01');
      await ncfSequence(s.db, 'B04');
    }
    const today = shopToday();
    const prepared = await Promise.all(
      [one, two].map(async (s) => {
        const open = [];
        for (let n = 0; n < 8; n++) open.push(await issue(s, '100'));
        const credit = await issue(s, '1000');
        await pay(s, credit, '1000');
        const note = await api(
          s.host,
          `/invoices/${credit}/credit-notes`,
          s.bearer,
          post({ reason: 'Devolución', full: true }),
        );
        expect(note.status).toBe(201);
        return { s, open, credit };
      }),
    );
    // Per shop: 6 payments of 60 on six invoices, 2 applications of 40 to the other two, 3 refunds of 100, all at once.
    const answers = await Promise.all(
      prepared.flatMap(({ s, open, credit }) => [
        ...open
          .slice(0, 6)
          .map((id) => api(s.host, `/invoices/${id}/payments`, s.bearer, post({ method: '1', amount: '60' }))),
        ...open
          .slice(6)
          .map((id) =>
            api(
              s.host,
              '/credit-applications',
              s.bearer,
              post({ sourceInvoiceId: credit, targetInvoiceId: id, amount: '40.00', appliedOn: today }),
            ),
          ),
        ...[1, 2, 3].map(() =>
          api(
            s.host,
            '/refunds',
            s.bearer,
            post({ invoiceId: credit, amount: '100.00', method: '1', branchId: s.main.id, refundedOn: today }),
          ),
        ),
      ]),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(22).fill(201));
    for (const { s } of prepared) {
      await expectExact(s, 'after the simultaneous writes');
      // 8 x 100 - 6 x 60 - 2 x 40 = 360 open; 1000 - 80 applied - 300 refunded = 620 of credit.
      expect(await customerLine(s, s.customer.id)).toEqual(['360.00', '620.00', 8]);
      expect(await s.db.select().from(refunds)).toHaveLength(3);
      expect((await s.db.select().from(payments).where(eq(payments.status, 'active'))).length).toBe(1 + 6 + 2);
    }
    // Each shop's summary holds only its own customer.
    expect((await stored(one)).map((row) => row.customer)).toEqual([one.customer.id, one.customer.id]);
    expect((await stored(two)).map((row) => row.customer)).toEqual([two.customer.id, two.customer.id]);
  });
});
