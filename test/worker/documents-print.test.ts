import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, invoices, userBranches } from '../../src/db/tenant-schema';
import { claimsFor, countQueries, get, signedIn } from '../support/worker/helpers';
import { documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';

const html = async (response: Response) => {
  expect(response.headers.get('content-type')).toContain('text/html');
  return response.text();
};

describe('invoice print view', { timeout: 30_000 }, () => {
  it('shows the company, NCF, valid-until, buyer RNC, lines with E marks, the ITBIS breakdown and the footer (A4)', async () => {
    const { host, cookie, db, branch, buyer, tenant } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id, customerId: buyer.id });
    let response!: Response;
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      response = await get(host, `/invoices/${invoice.id}/print`, { headers: { Cookie: cookie } });
    });
    expect(response.status).toBe(200);
    expect(queries).toBeLessThanOrEqual(2); // the session + the document
    const page = await html(response);
    expect(page).toContain('class="print print-a4"');
    expect(page).toContain('Óptica Visión Clara');
    expect(page).toContain('131246796');
    expect(page).toContain('809-555-0101');
    expect(page).toContain('Factura de crédito fiscal');
    expect(page).toContain(invoice.ncf!);
    expect(page).toMatch(/<dt>Válido hasta<\/dt><dd>31\/12\/2027<\/dd>/);
    expect(page).toContain('Comercial Peña SRL');
    expect(page).toMatch(/<dt>RNC<\/dt><dd>1-01-85004-3<\/dd>/);
    expect(page).toContain('<td class="exempt">E</td>');
    expect(page.match(/<td class="exempt">E<\/td>/g)).toHaveLength(1);
    expect(page).toMatch(/<dt>ITBIS 18%<\/dt><dd>RD\$ 720.00<\/dd>/);
    expect(page).toMatch(/<dt>ITBIS 16%<\/dt><dd>RD\$ 1,040.16<\/dd>/);
    expect(page).toMatch(/<dt>Exento<\/dt><dd>RD\$ 1,200.00<\/dd>/);
    expect(page).toMatch(/<dt>Total<\/dt><dd>RD\$ 13,461.17<\/dd>/);
    expect(page).toContain('3,250.505');
    expect(page).toContain('Gracias por preferirnos.');
    expect(page).toContain('data-print');
    expect(page).toContain('<script src="/static/app.js?v=');
    expect(page).not.toContain('onclick=');
    expect(page).toContain('/static/print.css');
    expect(page).toContain(`href="/invoices/${invoice.id}/pdf"`);
    expect(page).not.toContain('BORRADOR');
    expect(page).not.toContain('app-nav'); // standalone page, no app shell
  });

  it('has an 80 mm receipt variant', async () => {
    const { host, cookie, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const page = await html(
      await get(host, `/invoices/${invoice.id}/print?format=80mm`, { headers: { Cookie: cookie } }),
    );
    expect(page).toContain('class="print print-80mm"');
    expect(page).toContain(invoice.ncf!);
    expect(page).toContain('Comercial Peña SRL');
    expect(page).toMatch(/<dt>Total<\/dt><dd>RD\$ 13,461.17<\/dd>/);
  });

  it('marks drafts "BORRADOR - sin valor fiscal", without NCF, valid-until or PDF link', async () => {
    const { host, cookie, db, branch, buyer } = await documentsShop();
    const draft = await insertInvoice(db, { branchId: branch.id, customerId: buyer.id, status: 'draft' });
    const page = await html(await get(host, `/invoices/${draft.id}/print`, { headers: { Cookie: cookie } }));
    expect(page).toContain('BORRADOR - sin valor fiscal');
    expect(page).not.toContain('Válido hasta');
    expect(page).not.toContain('/pdf"');
    // The buyer comes from the contact while the draft has no printed buyer yet.
    expect(page).toContain('Comercial Peña SRL');
  });

  it('shows currency, exchange rate and the DOP total of a USD invoice', async () => {
    const { host, cookie, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id, currencyCode: 'USD', exchangeRate: '58.7500' });
    const page = await html(await get(host, `/invoices/${invoice.id}/print`, { headers: { Cookie: cookie } }));
    expect(page).toMatch(/<dt>Total<\/dt><dd>US\$ 13,461.17<\/dd>/);
    expect(page).toMatch(/<dt>Tasa de cambio<\/dt><dd>58.7500<\/dd>/);
    expect(page).toMatch(/<dt>Total en RD\$<\/dt><dd>RD\$ 790,843.74<\/dd>/);
  });

  it('prints a credit note at /credit-notes/:id/print with its title and modified NCF; an invoice id there is 404', async () => {
    const { host, cookie, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const note = await insertInvoice(db, {
      branchId: branch.id,
      kind: 'credit_note',
      ncfType: 'B04',
      modifiedNcf: invoice.ncf,
      referenceInvoiceId: invoice.id,
    });
    const page = await html(await get(host, `/credit-notes/${note.id}/print`, { headers: { Cookie: cookie } }));
    expect(page).toContain('<h1>Nota de crédito</h1>');
    expect(page).toMatch(new RegExp(`<dt>NCF modificado</dt><dd>${invoice.ncf}</dd>`));
    expect(page).toContain(note.ncf!);
    expect((await get(host, `/credit-notes/${invoice.id}/print`, { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    const { host, cookie } = await documentsShop();
    for (const path of [
      '/invoices/not-a-uuid/print',
      `/invoices/${crypto.randomUUID()}/print`,
      `/quotations/${crypto.randomUUID()}/print`,
      '/payments/x/print',
    ]) {
      expect((await get(host, path, { headers: { Cookie: cookie } })).status, path).toBe(404);
    }
  });
});

describe('links to a print sheet or a PDF from the app', { timeout: 30_000 }, () => {
  // The app's <body> is hx-boost'ed: a boosted link swaps only the body, so a print sheet would lose
  // its own stylesheet (print.css, the 80 mm width) and a PDF would be swapped in as text.
  it('opt out of htmx boosting on the invoice, receipt and statement pages', async () => {
    const { host, cookie, db, branch, buyer } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id, customerId: buyer.id });
    const payment = await insertPayment(db, {
      invoiceId: invoice.id,
      branchId: branch.id,
      amount: '100.00',
      number: 'REC-00000001',
    });
    for (const path of [`/invoices/${invoice.id}`, `/payments/${payment.id}`, `/contacts/${buyer.id}/statement`]) {
      const page = await html(await get(host, path, { headers: { Cookie: cookie } }));
      expect(page, path).toContain('<body hx-boost="true"');
      const links = [...page.matchAll(/<a\b[^>]*href="[^"]*(?:\/print|\/pdf|\.pdf)[^"]*"[^>]*>/g)].map((m) => m[0]);
      expect(links.length, path).toBeGreaterThan(0);
      for (const link of links) expect(link, path).toContain('hx-boost="false"');
    }
  });
});

describe('quotation and receipt print views', { timeout: 30_000 }, () => {
  it('prints a quotation with its number, validity, lines and totals (one query)', async () => {
    const { host, db, branch, buyer, tenant, user, token } = await documentsShop('ventas');
    await db.insert(userBranches).values({ userId: user.id, branchId: branch.id });
    // Claims signed before the branch was granted would be stale (the session re-checked on every request).
    const cookie = `optiflow_session=${token}; optiflow_claims=${await claimsFor(tenant.id, token)}`;
    const quotation = await insertQuotation(db, { branchId: branch.id, customerId: buyer.id });
    let response!: Response;
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      response = await get(host, `/quotations/${quotation.id}/print?format=80mm`, { headers: { Cookie: cookie } });
    });
    expect(response.status).toBe(200);
    expect(queries).toBeLessThanOrEqual(2);
    const page = await response.text();
    expect(page).toContain('<h1>Cotización</h1>');
    expect(page).toContain(quotation.number);
    expect(page).toMatch(/<dt>Válida hasta<\/dt><dd>09\/04\/2026<\/dd>/);
    expect(page).toContain('Comercial Peña SRL');
    expect(page).toMatch(/<dt>Total<\/dt><dd>RD\$ 13,461.17<\/dd>/);
    expect(page).toContain('print-80mm');
  });

  it('prints a payment receipt: number, date, invoice NCF, method, amount and balance after', async () => {
    const { host, cookie, db, branch, tenant } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const first = await insertPayment(db, {
      invoiceId: invoice.id,
      branchId: branch.id,
      amount: '5000.00',
      number: 'REC-00000001',
    });
    const second = await insertPayment(db, {
      invoiceId: invoice.id,
      branchId: branch.id,
      amount: '461.17',
      number: 'REC-00000002',
    });
    await db
      .update(invoices)
      .set({ paidTotal: '5461.17', status: 'partially_paid' })
      .where(eq(invoices.id, invoice.id));
    let response!: Response;
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      response = await get(host, `/payments/${first.id}/print`, { headers: { Cookie: cookie } });
    });
    expect(queries).toBeLessThanOrEqual(2);
    const page = await response.text();
    expect(page).toContain('<h1>Recibo de pago</h1>');
    expect(page).toContain('REC-00000001');
    expect(page).toMatch(/<dt>Fecha<\/dt><dd>16\/03\/2026<\/dd>/);
    expect(page).toMatch(new RegExp(`<dt>Factura \\(NCF\\)</dt><dd>${invoice.ncf}</dd>`));
    expect(page).toContain('Tarjeta de crédito / débito');
    expect(page).toMatch(/<dt>Monto recibido<\/dt><dd>RD\$ 5,000.00<\/dd>/);
    expect(page).toMatch(/<dt>Balance pendiente<\/dt><dd>RD\$ 8,461.17<\/dd>/);
    const later = await (
      await get(host, `/payments/${second.id}/print?format=80mm`, { headers: { Cookie: cookie } })
    ).text();
    expect(later).toMatch(/<dt>Balance pendiente<\/dt><dd>RD\$ 8,000.00<\/dd>/);
    expect(later).toContain('print-80mm');
  });
});

describe('print view permissions and branches', { timeout: 30_000 }, () => {
  it('lets every role with invoices.view print, but only documents of its own branches', async () => {
    const { host, db, branch, tenant } = await documentsShop();
    const [other] = await db.insert(branches).values({ code: 'STGO', name: 'Santiago' }).returning();
    const here = await insertInvoice(db, { branchId: branch.id });
    const there = await insertInvoice(db, { branchId: other!.id });
    const quotationThere = await insertQuotation(db, { branchId: other!.id });
    const optometrist = await signedIn(tenant.id, 'optometrista');
    await db.insert(userBranches).values({ userId: optometrist.user.id, branchId: branch.id });
    expect((await get(host, `/invoices/${here.id}/print`, { headers: { Cookie: optometrist.cookie } })).status).toBe(
      200,
    );
    expect((await get(host, `/invoices/${there.id}/print`, { headers: { Cookie: optometrist.cookie } })).status).toBe(
      404,
    );
    expect(
      (await get(host, `/quotations/${quotationThere.id}/print`, { headers: { Cookie: optometrist.cookie } })).status,
    ).toBe(404);
    // branches.all (admin) sees both.
    const admin = await signedIn(tenant.id, 'admin');
    expect((await get(host, `/invoices/${there.id}/print`, { headers: { Cookie: admin.cookie } })).status).toBe(200);
  });

  it('redirects to the login page without a session', async () => {
    const { host, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const response = await get(host, `/invoices/${invoice.id}/print`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/login/);
  });

  it('keeps shops apart: shop B cannot print shop A’s invoice, quotation or receipt', async () => {
    const a = await documentsShop();
    const b = await documentsShop();
    const invoice = await insertInvoice(a.db, { branchId: a.branch.id });
    const quotation = await insertQuotation(a.db, { branchId: a.branch.id });
    const payment = await insertPayment(a.db, {
      invoiceId: invoice.id,
      branchId: a.branch.id,
      amount: '10.00',
      number: 'REC-00000009',
    });
    for (const path of [
      `/invoices/${invoice.id}/print`,
      `/credit-notes/${invoice.id}/print`,
      `/quotations/${quotation.id}/print`,
      `/payments/${payment.id}/print`,
    ]) {
      expect((await get(b.host, path, { headers: { Cookie: b.cookie } })).status, path).toBe(404);
      // A's cookie on B's host is not a session there.
      expect((await get(b.host, path, { headers: { Cookie: a.cookie }, redirect: 'manual' })).status, path).toBe(303);
    }
  });
});
