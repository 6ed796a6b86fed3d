/**
 * Sales pages cost one tenant-database round trip of their own (plus the session check's, until it
 * rides on the page's request), whatever the number of rows; issuing an invoice and the page the
 * browser lands on cost at most two in all.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  ecfDocuments,
  ecfFallbackDocuments,
  ecfFallbacks,
  fiscalSequences,
  invoices,
} from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';
import { ecfShop, issued as issuedDocument, recordingJobs } from '../support/worker/ecf';
import { prepareMissingEcf } from '../../src/services/shop/ecf';
import { countRoundTrips, endpointStats, get, postForm, sessionRoundTrips } from '../support/worker/helpers';
import { insertDrafts } from '../support/worker/invoices';

type Shop = Awaited<ReturnType<typeof documentsShop>>;

const tenantDatabase = (tenantId: string) => `optiflow_${tenantId.replace(/-/g, '_')}`;

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
    '/invoices?from=2026-01-01&to=2026-12-31',
    '/invoices/new',
    `/invoices/${ids.invoice}`,
    `/invoices/${ids.draft}`,
    `/invoices/${ids.draft}/edit`,
    `/invoices/${ids.invoice}/print`,
    '/quotations',
    '/quotations?status=open',
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
  const database = tenantDatabase(s.tenant.id);
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

type EcfShop = Awaited<ReturnType<typeof ecfShop>>;

async function eSequence(s: EcfShop, type: string) {
  await s.db.insert(fiscalSequences).values({
    docType: type,
    prefix: type,
    rangeStart: 1,
    rangeEnd: 100,
    nextNumber: 1,
    validUntil: addDays(shopToday(), 365),
    isDefault: true,
  });
}

/** The issue button as htmx submits it (a boosted form), counted; the answer is the page the browser lands on. */
async function issueWithHtmx(s: EcfShop, id: string) {
  let response: Response | undefined;
  let html = '';
  const trips = await countRoundTrips(tenantDatabase(s.tenant.id), async () => {
    response = await postForm(
      s.host,
      `/invoices/${id}/issue`,
      {},
      {
        Cookie: s.cookie,
        'HX-Request': 'true',
        'HX-Boosted': 'true',
      },
    );
    html = await response.text();
  });
  return { status: response!.status, pushUrl: response!.headers.get('HX-Push-Url'), html, trips };
}

async function eventuallyEcf(s: EcfShop, invoiceId: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [row] = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, invoiceId));
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no e-CF for ${invoiceId}`);
}

describe('round trips of issuing an invoice', { timeout: 60_000 }, () => {
  it('issue and the page the browser lands on: at most two requests, E-series and B-series', async () => {
    const s = await ecfShop();
    await eSequence(s, 'E31');
    const [e31] = await insertDrafts(s, 1, { ncfType: 'E31', customerId: s.company.id });
    const [b02] = await insertDrafts(s, 1, { ncfType: 'B02', sequenceId: s.b02.id });

    const issued = await issueWithHtmx(s, e31!);
    expect(issued.status).toBe(200);
    expect(issued.trips).toBeLessThanOrEqual(2 + sessionRoundTrips);
    expect(issued.pushUrl).toBe(`/invoices/${e31}?notice=issued`);
    expect(issued.html).toContain('Factura emitida con el NCF E310000000001.');
    expect(issued.html).toContain('segundo plano');
    // The queue signs it: the e-CF appears without anyone asking again, for the number issued. The
    // job's statements reach the same database, named as a job's: the counts above leave them out.
    expect(await eventuallyEcf(s, e31!)).toMatchObject({ encf: 'E310000000001' });
    expect((await endpointStats()).jobRoundTripsByDatabase[tenantDatabase(s.tenant.id)]).toBeGreaterThan(0);

    const plain = await issueWithHtmx(s, b02!);
    expect(plain.status).toBe(200);
    expect(plain.trips).toBeLessThanOrEqual(2 + sessionRoundTrips);
    expect(plain.html).toMatch(/Factura emitida con el NCF B02\d{8}\./);
    expect(plain.html).not.toContain('segundo plano');

    // Without htmx: the classic 303 to the same page.
    const [other] = await insertDrafts(s, 1, { ncfType: 'B02', sequenceId: s.b02.id });
    const classic = await postForm(s.host, `/invoices/${other}/issue`, {}, { Cookie: s.cookie });
    expect(classic.status).toBe(303);
    expect(classic.headers.get('Location')).toBe(`/invoices/${other}?notice=issued`);
  });

  it('during a B-series fallback an E31 is issued as a B01 in the same two requests, and listed for its replacement', async () => {
    const s = await ecfShop();
    await eSequence(s, 'E31');
    const [period] = await s.db.insert(ecfFallbacks).values({ reason: 'Caída', startedBy: 'prueba' }).returning();
    const [draft] = await insertDrafts(s, 1, { ncfType: 'E31', customerId: s.company.id });
    const issued = await issueWithHtmx(s, draft!);
    expect(issued.status).toBe(200);
    expect(issued.trips).toBeLessThanOrEqual(2 + sessionRoundTrips);
    const [row] = await s.db.select().from(invoices).where(eq(invoices.id, draft!));
    expect(row).toMatchObject({ status: 'issued', ncfType: 'B01', ncf: 'B0100000001' });
    expect(issued.html).toContain('Factura emitida con el NCF B0100000001.');
    const listed = await s.db.select().from(ecfFallbackDocuments).where(eq(ecfFallbackDocuments.invoiceId, draft!));
    expect(listed).toMatchObject([{ fallbackId: period!.id, ecfType: 'E31' }]);
  });
});

describe('the sweep behind the queued e-CF', { timeout: 60_000 }, () => {
  it('prepares an issued E31 whose ecf.prepare message was lost, once, and never one issued before the shop signed e-CF', async () => {
    const s = await ecfShop();
    const lost = await issuedDocument(s, 'E31');
    const older = await issuedDocument(s, 'E31');
    await s.db
      .update(invoices)
      .set({ issuedOn: addDays(shopToday(), -2), updatedAt: new Date(Date.now() - 2 * 86_400_000) })
      .where(eq(invoices.id, older.id));
    const { jobs, sent } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    expect(await prepareMissingEcf(ctx)).toBe(1);
    const rows = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, lost.id));
    expect(rows).toMatchObject([{ encf: lost.ncf, state: 'pending' }]);
    expect(sent).toEqual([expect.objectContaining({ job: 'ecf.submit', payload: { id: rows[0]!.id } })]);
    // Again (a second sweep, or the late message): nothing signed, stored or queued twice.
    expect(await prepareMissingEcf(ctx)).toBe(0);
    expect(await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, lost.id))).toHaveLength(1);
    expect(sent).toHaveLength(1);
    expect(await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, older.id))).toHaveLength(0);
  });
});
