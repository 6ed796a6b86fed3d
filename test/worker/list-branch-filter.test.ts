/**
 * The lists the home page links to take `?branch=<id>` (issue 13 item 1: a figure of one branch opens
 * the list of that branch): invoices, quotations, receipts and prescriptions narrowed to one branch the
 * user may see; a branch outside the user's never widens what they see.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  branches,
  contacts,
  fiscalSequences,
  prescriptions,
  quotations,
  userBranches,
} from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { apiJson } from '../support/worker/api';
import { claimsFor, get } from '../support/worker/helpers';
import { colleague, issuedInvoice, paymentShop } from '../support/worker/payments';

async function page(host: string, cookie: string, path: string) {
  const response = await get(host, path, { headers: { Cookie: cookie } });
  return { status: response.status, html: await response.text() };
}

/** The ids a list links to (`/<kind>/<uuid>`), sorted, each once. */
function linkedIds(html: string, kind: string): string[] {
  return [...new Set([...html.matchAll(new RegExp(`href="/${kind}/([0-9a-f-]{36})"`, 'g'))].map((m) => m[1]!))].sort();
}

const htmlHref = (href: string) => href.replaceAll('&amp;', '&');

describe('lists narrowed to one branch', () => {
  it('show only that branch, keep it in the form, never widen a seller’s scope, and match the home page', {
    timeout: 60_000,
  }, async () => {
    const s = await paymentShop('owner');
    const [north] = await s.db.insert(branches).values({ code: 'NOR', name: 'Sucursal Norte' }).returning();
    await s.db.insert(userBranches).values({ userId: s.user.id, branchId: north!.id }).onConflictDoNothing();
    const cookie = `optiflow_session=${s.token}; optiflow_claims=${await claimsFor(s.tenant.id, s.token)}`;
    const today = shopToday();

    const mainInvoice = await issuedInvoice(s, { issuedOn: today, branchId: s.main.id });
    const northInvoice = await issuedInvoice(s, { issuedOn: today, branchId: north!.id });
    for (const invoice of [mainInvoice, northInvoice]) {
      const paid = await apiJson(s.host, `/invoices/${invoice.id}/payments`, s.bearer, {
        method: 'POST',
        body: JSON.stringify({ method: '1', amount: '10.00' }),
      });
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    }
    const [cot] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
    const [mainQuote, northQuote] = await s.db
      .insert(quotations)
      .values(
        [s.main.id, north!.id].map((branchId, index) => ({
          number: `COT-00000${index + 1}`,
          sequenceId: cot!.id,
          status: 'sent' as const,
          currencyCode: 'DOP',
          quotedOn: today,
          branchId,
          total: '100.00',
        })),
      )
      .returning();
    const [patient] = await s.db.insert(contacts).values({ name: 'Paciente Norte' }).returning();
    const [other] = await s.db.insert(contacts).values({ name: 'Paciente Centro' }).returning();
    const [mainRx, northRx] = await s.db
      .insert(prescriptions)
      .values([
        { patientId: other!.id, branchId: s.main.id, examinedOn: addDays(today, -30), optometristName: 'Dra. Centro' },
        { patientId: patient!.id, branchId: north!.id, examinedOn: addDays(today, -30), optometristName: 'Dr. Norte' },
      ])
      .returning();

    const lists = [
      { path: '/invoices', kind: 'invoices', main: [mainInvoice.id], north: [northInvoice.id] },
      { path: '/quotations', kind: 'quotations', main: [mainQuote!.id], north: [northQuote!.id] },
      { path: '/prescriptions', kind: 'prescriptions', main: [mainRx!.id], north: [northRx!.id] },
    ];
    for (const list of lists) {
      const all = await page(s.host, cookie, list.path);
      expect(all.status).toBe(200);
      expect(linkedIds(all.html, list.kind), list.path).toEqual([...list.main, ...list.north].sort());
      const narrowed = await page(s.host, cookie, `${list.path}?branch=${north!.id}`);
      expect(linkedIds(narrowed.html, list.kind), `${list.path}?branch=north`).toEqual(list.north);
      expect(narrowed.html).toContain(`<option value="${north!.id}" selected="">Sucursal Norte</option>`);
      expect(linkedIds((await page(s.host, cookie, `${list.path}?branch=${s.main.id}`)).html, list.kind)).toEqual(
        list.main,
      );
      // Not a branch id: no filter, as an unknown status shows every status.
      expect(linkedIds((await page(s.host, cookie, `${list.path}?branch=norte`)).html, list.kind)).toEqual(
        [...list.main, ...list.north].sort(),
      );
    }
    // Receipts link to their invoice's receipt page: the narrowed list holds only north's.
    const receipts = await page(s.host, cookie, `/payments?branch=${north!.id}`);
    const receiptIds = linkedIds(receipts.html, 'payments');
    expect(receiptIds).toHaveLength(1);
    expect(linkedIds((await page(s.host, cookie, '/payments')).html, 'payments')).toHaveLength(2);
    expect(linkedIds((await page(s.host, cookie, `/payments?branch=${s.main.id}`)).html, 'payments')).not.toEqual(
      receiptIds,
    );

    // A seller of the main branch asking for north's list still sees only the main branch.
    const seller = await colleague(s, 'ventas');
    const sellerView = await page(s.host, seller.cookie, `/invoices?branch=${north!.id}`);
    expect(sellerView.status).toBe(200);
    expect(linkedIds(sellerView.html, 'invoices')).toEqual([mainInvoice.id]);

    // The home page of north links its figures to north's lists, and those lists are north's.
    const home = (await page(s.host, cookie, `/?branch=${north!.id}`)).html;
    const salesToday = /<a href="([^"]+)" data-figure="sales-today">/.exec(home);
    expect(htmlHref(salesToday![1]!)).toBe(`/invoices?from=${today}&to=${today}&branch=${north!.id}`);
    expect(linkedIds((await page(s.host, cookie, htmlHref(salesToday![1]!))).html, 'invoices')).toEqual([
      northInvoice.id,
    ]);
    const openQuotes = /<a href="([^"]+)" data-figure="quotations-open">(\d+)<\/a>/.exec(home);
    expect(htmlHref(openQuotes![1]!)).toBe(`/quotations?status=open&branch=${north!.id}`);
    expect(Number(openQuotes![2])).toBe(1);
    expect(linkedIds((await page(s.host, cookie, htmlHref(openQuotes![1]!))).html, 'quotations')).toEqual([
      northQuote!.id,
    ]);
    // Every branch: the links carry no branch.
    const everywhere = (await page(s.host, cookie, '/?branch=all')).html;
    expect(htmlHref(/<a href="([^"]+)" data-figure="quotations-open">/.exec(everywhere)![1]!)).toBe(
      '/quotations?status=open',
    );
  });
});
