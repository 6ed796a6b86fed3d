/**
 * Sales pages cost one tenant-database round trip of their own (plus the session check's, until it
 * rides on the page's request), whatever the number of rows; issuing an invoice and the page the
 * browser lands on cost at most two in all.
 */
import { describe, expect, it } from 'vitest';
import { countRoundTrips, get } from '../support/worker/helpers';
import { documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';

const sessionRoundTrips = 1;

type Shop = Awaited<ReturnType<typeof documentsShop>>;

async function seed(s: Shop, count: number) {
  const ids = { invoice: '', draft: '', creditNote: '', payment: '', quotation: '' };
  for (let index = 0; index < count; index += 1) {
    const invoice = await insertInvoice(s.db, { branchId: s.branch.id, customerId: s.buyer.id });
    const payment = await insertPayment(s.db, {
      invoiceId: invoice.id,
      branchId: s.branch.id,
      amount: '100.00',
      number: `REC-${crypto.randomUUID().slice(0, 8)}`,
    });
    const creditNote = await insertInvoice(s.db, {
      branchId: s.branch.id,
      customerId: s.buyer.id,
      kind: 'credit_note',
      ncfType: 'B04',
      modifiedNcf: invoice.ncf,
      referenceInvoiceId: invoice.id,
    });
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id, customerId: s.buyer.id });
    Object.assign(ids, {
      invoice: invoice.id,
      payment: payment.id,
      creditNote: creditNote.id,
      quotation: quotation.id,
    });
  }
  const draft = await insertInvoice(s.db, { branchId: s.branch.id, customerId: s.buyer.id, status: 'draft' });
  ids.draft = draft.id;
  return ids;
}

function pages(ids: Awaited<ReturnType<typeof seed>>): string[] {
  return [
    '/invoices',
    '/invoices?q=Pe%C3%B1a&status=issued',
    '/invoices/new',
    `/invoices/${ids.invoice}`,
    `/invoices/${ids.draft}`,
    `/invoices/${ids.draft}/edit`,
    `/invoices/${ids.invoice}/print`,
    '/quotations',
    '/quotations/new',
    `/quotations/${ids.quotation}`,
    `/quotations/${ids.quotation}/edit`,
    `/quotations/${ids.quotation}/print`,
    '/credit-notes',
    `/invoices/${ids.invoice}/credit-notes/new`,
    `/credit-notes/${ids.creditNote}`,
    `/credit-notes/${ids.creditNote}/print`,
    '/payments',
    `/invoices/${ids.invoice}/payments/new`,
    `/payments/${ids.payment}`,
    `/payments/${ids.payment}/print`,
  ];
}

async function tripsPerPage(s: Shop, ids: Awaited<ReturnType<typeof seed>>) {
  const database = `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
  const counts: Record<string, number> = {};
  for (const path of pages(ids)) {
    let status = 0;
    counts[path] = await countRoundTrips(database, async () => {
      const response = await get(s.host, path, { headers: { Cookie: s.cookie } });
      status = response.status;
      await response.text();
    });
    expect(status, path).toBe(200);
  }
  return counts;
}

describe('round trips of the sales pages', { timeout: 60_000 }, () => {
  it('every sales page is one request of its own, with 3 rows as with 30', async () => {
    const s = await documentsShop('owner');
    const small = await tripsPerPage(s, await seed(s, 3));
    for (const [path, trips] of Object.entries(small)) expect(trips, path).toBe(1 + sessionRoundTrips);
    const large = await tripsPerPage(s, await seed(s, 27));
    expect(Object.values(large)).toEqual(Object.values(small));
  });
});
