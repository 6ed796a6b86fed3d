/**
 * A document the e-CF format cannot carry is refused before its e-NCF is taken (checkEcfBeforeIssue):
 * 422 with the field in the API's problem and on the draft page, the invoice stays a draft, and the
 * sequence's next number is the same; once the data is fixed the same number is the one issued.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { company, fiscalSequences, invoices } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { api, apiJson } from '../support/worker/api';
import { ecfShop } from '../support/worker/ecf';
import { postForm } from '../support/worker/helpers';

type Shop = Awaited<ReturnType<typeof ecfShop>>;

async function eSequence(s: Shop, type: 'E31' | 'E32' | 'E34') {
  const [row] = await s.db
    .insert(fiscalSequences)
    .values({
      docType: type,
      prefix: type,
      rangeStart: 1,
      rangeEnd: 100,
      nextNumber: 1,
      validUntil: addDays(shopToday(), 365),
      isDefault: true,
    })
    .returning();
  return row!;
}

async function nextNumber(s: Shop, id: string): Promise<number> {
  const [row] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, id));
  return row!.nextNumber;
}

async function draft(s: Shop, ncfType: string, customerId: string): Promise<string> {
  const created = await api(s.host, '/invoices', s.bearer, {
    method: 'POST',
    body: JSON.stringify({ ncfType, customerId, lines: [{ productId: s.frame.id, quantity: '1', unitPrice: '1500' }] }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

describe('e-CF checks before the number is taken', { timeout: 60_000 }, () => {
  it('API: an E31 of a company without address is a 422 naming the field; the E31 number stays free', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E31');
    await s.db.update(company).set({ address: null }).where(eq(company.id, 1));
    const id = await draft(s, 'E31', s.company.id);

    const refused = await apiJson(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual({ field: 'company', message: expect.stringMatching(/dirección/) });
    expect(await nextNumber(s, sequence.id)).toBe(1);
    const [still] = await s.db.select().from(invoices).where(eq(invoices.id, id));
    expect(still).toMatchObject({ status: 'draft', ncf: null });

    // Fixed: the same first number is the one issued (nothing was consumed by the refusal).
    await s.db.update(company).set({ address: 'Av. Duarte 12, Santiago' }).where(eq(company.id, 1));
    const issued = await apiJson(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });
    expect(issued.status).toBe(200);
    expect(issued.body.ncf).toBe('E310000000001');
    expect(await nextNumber(s, sequence.id)).toBe(2);
  });

  it('UI: the draft page comes back with 422, the message and the link to the company form', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E32');
    await s.db.update(company).set({ address: '  ' }).where(eq(company.id, 1));
    const id = await draft(s, 'E32', s.walkIn.id);
    const response = await postForm(s.host, `/invoices/${id}/issue`, {}, { Cookie: s.cookie });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('exige la dirección de la óptica');
    expect(page).toContain('href="/company"');
    expect(await nextNumber(s, sequence.id)).toBe(1);
  });

  it('a B-series invoice of the same shop is not checked (B01 issues without the address)', async () => {
    const s = await ecfShop();
    await s.db.update(company).set({ address: null }).where(eq(company.id, 1));
    const id = await draft(s, 'B01', s.company.id);
    const issued = await apiJson(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });
    expect(issued.status).toBe(200);
    expect(issued.body.ncf).toBe('B0100000001');
  });

  it('API: an E34 the format cannot carry is a 422 and the E34 sequence keeps its next number', async () => {
    const s = await ecfShop();
    await eSequence(s, 'E31');
    const e34 = await eSequence(s, 'E34');
    const id = await draft(s, 'E31', s.company.id);
    expect((await api(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' })).status).toBe(200);
    // The address goes after the invoice was issued: the E34 is issued by the company as it is now.
    await s.db.update(company).set({ address: null }).where(eq(company.id, 1));
    const body = JSON.stringify({ reason: 'Devolución', full: true });
    const refused = await apiJson(s.host, `/invoices/${id}/credit-notes`, s.bearer, { method: 'POST', body });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual({ field: 'company', message: expect.stringMatching(/dirección/) });
    expect(await nextNumber(s, e34.id)).toBe(1);

    await s.db.update(company).set({ address: 'Av. Duarte 12, Santiago' }).where(eq(company.id, 1));
    const created = await apiJson(s.host, `/invoices/${id}/credit-notes`, s.bearer, { method: 'POST', body });
    expect(created.status).toBe(201);
    expect(created.body.ncf).toBe('E340000000001');
  });
});
