/**
 * Issue 11 item 7: an E-series invoice issued through the API is signed at once, and its print view
 * and PDF carry DGII's stamp (QR to consultatimbre, security code, signature date), made from its
 * e-CF row and the invoice. The expected QR URL is rebuilt here from the invoice's own values.
 */
import { eq } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { describe, expect, it } from 'vitest';
import { ecfDocuments, fiscalSequences } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { api } from '../support/worker/api';
import { ecfShop } from '../support/worker/ecf';
import { get, testEnv } from '../support/worker/helpers';
import { pdfText } from '../support/worker/pdf-text';

/** dd-MM-yyyy HH:mm:ss in Santo Domingo (UTC-4 all year). */
function santoDomingo(at: Date): string {
  const local = new Date(at.getTime() - 4 * 3600_000).toISOString();
  return `${local.slice(8, 10)}-${local.slice(5, 7)}-${local.slice(0, 4)} ${local.slice(11, 19)}`;
}

describe('the printed e-CF', { timeout: 60_000 }, () => {
  it('prints the QR, security code and signature date of an E31 issued through the API; a B-series one prints none', async () => {
    const s = await ecfShop();
    await s.db.insert(fiscalSequences).values({
      docType: 'E31',
      prefix: 'E31',
      rangeStart: 1,
      rangeEnd: 1000,
      nextNumber: 1,
      validUntil: addDays(shopToday(), 365),
      isDefault: true,
    });
    const created = await api(s.host, '/invoices', s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        ncfType: 'E31',
        customerId: s.company.id,
        lines: [{ productId: s.frame.id, quantity: '2', unitPrice: '1500' }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const issued = await api(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });
    expect(issued.status).toBe(200);
    const invoice = (await issued.json()) as { ncf: string; issuedOn: string; total: string };
    expect(invoice.ncf).toBe('E310000000001');

    const [row] = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, id));
    expect(row).toMatchObject({ encf: 'E310000000001', state: 'pending', channel: 'ecf' });
    const [year, month, day] = invoice.issuedOn.split('-');
    const expectedUrl =
      'https://ecf.dgii.gov.do/testecf/consultatimbre?' +
      `rncemisor=${s.rnc}&rnccomprador=130991731&encf=E310000000001&fechaemision=${day}-${month}-${year}` +
      `&montototal=${invoice.total}&fechafirma=${santoDomingo(row!.signedAt).replace(' ', '%20')}` +
      `&codigoseguridad=${encodeURIComponent(row!.securityCode)}`;

    const page = await (await get(s.host, `/invoices/${id}/print`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain(`data:image/svg+xml;base64,${btoa(renderSVG(expectedUrl))}`);
    expect(page).toContain(`href="${expectedUrl.replace(/&/g, '&amp;')}"`);
    expect(page).toMatch(new RegExp(`Código de seguridad.*${row!.securityCode.replace(/[+/]/g, '\\$&')}`, 's'));
    expect(page).toContain(santoDomingo(row!.signedAt));

    // The PDF (A4, archived) is drawn from the same model: its text carries the same two facts.
    const pdf = await get(s.host, `/invoices/${id}/pdf`, { headers: { Cookie: s.cookie } });
    expect(pdf.status).toBe(200);
    const text = pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain(`Código de seguridad: ${row!.securityCode}`);
    expect(text).toContain(`Fecha de firma digital: ${santoDomingo(row!.signedAt)}`);
    const listing = await testEnv.FILES.list({ prefix: `tenants/${s.tenant.id}/invoices/${id}/` });
    expect(listing.objects).toHaveLength(1);

    // A B-series invoice of the same shop has no e-CF and prints no stamp.
    const plain = await api(s.host, '/invoices', s.bearer, {
      method: 'POST',
      body: JSON.stringify({ ncfType: 'B02', lines: [{ productId: s.frame.id, quantity: '1', unitPrice: '1500' }] }),
    });
    const plainId = ((await plain.json()) as { id: string }).id;
    expect((await api(s.host, `/invoices/${plainId}/issue`, s.bearer, { method: 'POST' })).status).toBe(200);
    const plainPage = await (await get(s.host, `/invoices/${plainId}/print`, { headers: { Cookie: s.cookie } })).text();
    expect(plainPage).not.toContain('Código de seguridad');
    expect(await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, plainId))).toHaveLength(0);
  });
});
