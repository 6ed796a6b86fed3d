/**
 * Sales editor (issue 13 item 3): picking a customer live (htmx) refreshes the prescription select
 * and the "latest prescription" offer for the customer just picked, out of band, without touching
 * the customer select; without JavaScript the form's own post-back still shows them.
 */
import { describe, expect, it } from 'vitest';
import { prescriptions } from '../../src/db/tenant-schema';
import { get } from '../support/worker/helpers';
import { invoiceShop } from '../support/worker/invoices';
import { colleague } from '../support/worker/shop';

async function shopWithRx() {
  const s = await invoiceShop('owner');
  const rx = (examinedOn: string, sphere: string) => ({
    patientId: s.walkIn.id,
    branchId: s.main.id,
    examinedOn,
    optometristName: 'Dr. Externo',
    odSphere: sphere,
    oiSphere: sphere,
  });
  const [older, newer] = await s.db
    .insert(prescriptions)
    .values([rx('2025-01-15', '-1.00'), rx('2026-02-10', '-2.25')])
    .returning();
  return { ...s, older: older!, newer: newer! };
}

const pick = (s: { host: string; cookie: string }, query: string, cookie = s.cookie) =>
  get(s.host, `/pickers/customers?${query}`, { headers: { Cookie: cookie, 'HX-Request': 'true' } });

/** The options the out-of-band prescription select carries, as [value, text]. */
function rxOptions(html: string): string[][] {
  const select = /<select id="field-prescriptionId" name="prescriptionId" hx-swap-oob="true">(.*?)<\/select>/s.exec(
    html,
  );
  expect(select).not.toBeNull();
  // The blank option is the one selected: a new customer starts with no prescription attached.
  expect(select![1]).toMatch(/^<option value="" selected="">/);
  return [...select![1]!.matchAll(/<option value="([^"]*)"(?: selected="")?>([^<]*)<\/option>/g)].map((m) => [
    m[1]!,
    m[2]!,
  ]);
}

describe('a live customer pick refreshes the Rx offer', { timeout: 30_000 }, () => {
  it('the customer select asks for it on change, and the answer carries the new customer’s offer', async () => {
    const s = await shopWithRx();
    const form = await (await get(s.host, '/invoices/new', { headers: { Cookie: s.cookie } })).text();
    expect(form).toMatch(
      /<select[^>]*name="customerId"[^>]*hx-get="\/pickers\/customers\?for=invoices&amp;pick=1" hx-trigger="change" hx-swap="none"/,
    );
    // The offer's region is on the form even before a customer has a prescription.
    expect(form).toContain('<div id="rx-offer" aria-live="polite"></div>');

    const answer = await pick(s, `for=invoices&pick=1&customerId=${s.walkIn.id}`);
    expect(answer.status).toBe(200);
    const html = await answer.text();
    // Only out-of-band parts: the customer select itself is left alone.
    expect(html).not.toContain('id="customer-choice"');
    expect(html).toContain('<div id="rx-offer" aria-live="polite" hx-swap-oob="true">');
    expect(html).toContain('Receta del 10/02/2026: OD Esf -2.25, OI Esf -2.25');
    expect(html).toContain(`name="attachPrescription" value="${s.newer.id}"`);
    expect(html).toContain(`href="/quotations/new?prescription=${s.newer.id}"`);
    expect(rxOptions(html)).toEqual([
      ['', 'Sin receta'],
      [s.newer.id, '10/02/2026'],
      [s.older.id, '15/01/2025'],
    ]);

    // Picking a customer with no prescription empties both.
    const none = await (await pick(s, `for=invoices&pick=1&customerId=${s.company.id}`)).text();
    expect(none).toContain('<div id="rx-offer" aria-live="polite" hx-swap-oob="true"></div>');
    expect(rxOptions(none)).toEqual([['', 'Sin receta']]);
    // So does choosing "no customer".
    expect(rxOptions(await (await pick(s, 'for=invoices&pick=1&customerId=')).text())).toEqual([['', 'Sin receta']]);
  });

  it('on a quotation: its own labels, no "quote" link; a search (no pick) still answers the select', async () => {
    const s = await shopWithRx();
    const html = await (await pick(s, `for=quotations&pick=1&customerId=${s.walkIn.id}`)).text();
    expect(rxOptions(html).map((option) => option[1])).toEqual([
      'Sin receta',
      'Receta del 10/02/2026',
      'Receta del 15/01/2025',
    ]);
    expect(html).toContain(`name="attachPrescription" value="${s.newer.id}"`);
    expect(html).not.toContain('/quotations/new?prescription=');
    const search = await (await pick(s, `for=quotations&customerSearch=maria&customerId=${s.walkIn.id}`)).text();
    expect(search).toContain('id="customer-choice"');
    expect(search).not.toContain('hx-swap-oob');
  });

  it('follows the form’s permission and the shop of the host', async () => {
    const s = await shopWithRx();
    const optometrist = await colleague(s, 'optometrista');
    expect((await pick(s, `for=invoices&pick=1&customerId=${s.walkIn.id}`, optometrist.cookie)).status).toBe(403);
    expect((await pick(s, `for=stock-adjust&pick=1&customerId=${s.walkIn.id}`)).status).toBe(404);
    const other = await shopWithRx();
    const foreign = await (await pick(s, `for=invoices&pick=1&customerId=${other.walkIn.id}`)).text();
    expect(foreign).not.toContain(other.newer.id);
    expect(rxOptions(foreign)).toEqual([['', 'Sin receta']]);
  });
});
