import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices } from '../../src/db/tenant-schema';
import { get, signedIn, testEnv } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { documentsShop, insertInvoice } from '../support/worker/documents';

async function stored(tenantId: string): Promise<string[]> {
  const listing = await testEnv.FILES.list({ prefix: `tenants/${tenantId}/` });
  return listing.objects.map((object) => object.key);
}

const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer());
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);

describe('the archived invoice PDF', { timeout: 30_000 }, () => {
  it('is generated on the first request, stored once in R2 under the tenant prefix and recorded in pdf_key', async () => {
    const { host, cookie, db, branch, tenant } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const response = await get(host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${invoice.ncf}.pdf"`);
    const first = await bytesOf(response);
    expect(new TextDecoder().decode(first.slice(0, 5))).toBe('%PDF-');
    const key = `invoices/${invoice.id}/${invoice.ncf}.pdf`;
    expect(await stored(tenant.id)).toEqual([`tenants/${tenant.id}/${key}`]);
    const [row] = await db.select().from(invoices).where(eq(invoices.id, invoice.id));
    expect(row!.pdfKey).toBe(key);
  });

  it('serves the archived copy afterwards: identical bytes even after the invoice changes', async () => {
    const { host, cookie, bearer, db, branch, tenant } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const first = await bytesOf(await get(host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: cookie } }));
    await db
      .update(invoices)
      .set({ buyerName: 'Otro Nombre Distinto SA', status: 'paid', paidTotal: invoice.total })
      .where(eq(invoices.id, invoice.id));
    const second = await bytesOf(await get(host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: cookie } }));
    expect(same(first, second)).toBe(true);
    const viaApi = await api(host, `/invoices/${invoice.id}/pdf`, bearer);
    expect(viaApi.status).toBe(200);
    expect(viaApi.headers.get('content-disposition')).toBe(`attachment; filename="${invoice.ncf}.pdf"`);
    expect(same(first, await bytesOf(viaApi))).toBe(true);
    expect(await stored(tenant.id)).toHaveLength(1);
  });

  it('keeps one archived copy when first requests race', async () => {
    const { host, cookie, db, branch, tenant } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => get(host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: cookie } })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    const bodies = await Promise.all(responses.map(bytesOf));
    for (const body of bodies) expect(same(body, bodies[0]!)).toBe(true);
    expect(await stored(tenant.id)).toHaveLength(1);
  });

  it('is also produced for credit notes', async () => {
    const { host, cookie, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const note = await insertInvoice(db, {
      branchId: branch.id,
      kind: 'credit_note',
      ncfType: 'B04',
      modifiedNcf: invoice.ncf,
      referenceInvoiceId: invoice.id,
    });
    const response = await get(host, `/invoices/${note.id}/pdf`, { headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain(`${note.ncf}.pdf`);
  });

  it('refuses drafts with 409 (UI and API) and stores nothing', async () => {
    const { host, cookie, bearer, db, branch, tenant } = await documentsShop();
    const draft = await insertInvoice(db, { branchId: branch.id, status: 'draft' });
    const ui = await get(host, `/invoices/${draft.id}/pdf`, { headers: { Cookie: cookie } });
    expect(ui.status).toBe(409);
    expect(await ui.text()).toContain('Un borrador no tiene valor fiscal');
    const viaApi = await api(host, `/invoices/${draft.id}/pdf`, bearer);
    expect(viaApi.status).toBe(409);
    expect(viaApi.headers.get('content-type')).toBe('application/problem+json');
    expect(((await viaApi.json()) as { code: string }).code).toBe('conflict');
    expect(await stored(tenant.id)).toEqual([]);
  });

  it('answers 404 for unknown, malformed, other-branch and other-shop ids', async () => {
    const a = await documentsShop();
    const b = await documentsShop();
    const invoice = await insertInvoice(a.db, { branchId: a.branch.id });
    for (const id of [invoice.id, crypto.randomUUID(), 'nope']) {
      expect((await get(b.host, `/invoices/${id}/pdf`, { headers: { Cookie: b.cookie } })).status, id).toBe(404);
      expect((await api(b.host, `/invoices/${id}/pdf`, b.bearer)).status, id).toBe(404);
    }
    // A user of shop A bound to no branch does not see the main branch's invoice.
    const caja = await signedIn(a.tenant.id, 'caja');
    expect((await get(a.host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: caja.cookie } })).status).toBe(404);
    expect(await stored(b.tenant.id)).toEqual([]);
    expect(await stored(a.tenant.id)).toEqual([]);
  });

  it('requires a session or token', async () => {
    const { host, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    expect((await get(host, `/invoices/${invoice.id}/pdf`, { redirect: 'manual' })).status).toBe(303);
    expect((await get(host, `/api/v1/invoices/${invoice.id}/pdf`)).status).toBe(401);
  });
});
