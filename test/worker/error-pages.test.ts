import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { company, fiscalSequences } from '../../src/db/tenant-schema';
import { adminGet, adminPost, adminSignedIn, centralHost } from '../support/worker/admin';
import { createTestTenant, get, postForm, signedIn } from '../support/worker/helpers';
import { insertDrafts, invoiceShop } from '../support/worker/invoices';
import { issuedInvoice, paymentShop as paymentsShop } from '../support/worker/payments';

const shopNav = 'class="app-nav"';

describe('error pages inside the layout', () => {
  it('issuing without an NCF range shows the draft, the message and a link to create the range', async () => {
    const shop = await invoiceShop('owner');
    await shop.db.update(company).set({ rnc: '131246796' });
    await shop.db.delete(fiscalSequences).where(eq(fiscalSequences.docType, 'B02'));
    const [draftId] = await insertDrafts(shop, 1, {
      lines: [
        {
          description: 'Examen visual completo',
          quantity: '1',
          unitPrice: '1000',
          discount: '0',
          taxRate: '18.00',
          exempt: false,
        },
      ],
    });

    const response = await postForm(
      shop.host,
      `/invoices/${draftId}/issue`,
      {},
      { Cookie: shop.cookie, Referer: `http://${shop.host}/invoices/${draftId}` },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain(shopNav);
    expect(html).toContain('Borrador de factura');
    expect(html).toContain('Examen visual completo');
    expect(html).toContain('No hay una secuencia de NCF B02 activa');
    expect(html).toContain('href="/sequences/new?docType=B02"');
    expect(html).not.toContain('Datos no válidos');

    // A boosted (htmx) form post gets the whole page too, so the navigation stays on screen.
    const boosted = await postForm(
      shop.host,
      `/invoices/${draftId}/issue`,
      {},
      { Cookie: shop.cookie, 'HX-Request': 'true', 'HX-Boosted': 'true' },
    );
    expect(boosted.status).toBe(422);
    expect(await boosted.text()).toContain(shopNav);
  });

  it('an exhausted range says so and links to register a new one (API keeps problem+json)', async () => {
    const shop = await invoiceShop('owner');
    await shop.db.update(company).set({ rnc: '131246796' });
    await shop.db.update(fiscalSequences).set({ nextNumber: 1001 }).where(eq(fiscalSequences.id, shop.b02.id));
    const [draftId] = await insertDrafts(shop, 1);
    const page = await postForm(shop.host, `/invoices/${draftId}/issue`, {}, { Cookie: shop.cookie });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toContain('agotada');
    expect(html).toContain('href="/sequences/new?docType=B02"');
    expect(html).toContain(shopNav);

    const [apiDraft] = await insertDrafts(shop, 1);
    const api = await SELF.fetch(`http://${shop.host}/api/v1/invoices/${apiDraft}/issue`, {
      method: 'POST',
      headers: { Authorization: shop.bearer },
    });
    expect(api.status).toBe(422);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await api.json()) as { status: number; detail: string };
    expect(problem.status).toBe(422);
    expect(problem.detail).toContain('agotada');
  });

  it('a signed-in 404 and 409 render in the shop layout with a way back; a fragment for htmx', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');

    const missing = await get(host, `/invoices/${crypto.randomUUID()}`, { headers: { Cookie: owner.cookie } });
    expect(missing.status).toBe(404);
    const html = await missing.text();
    expect(html).toContain(shopNav);
    expect(html).toContain('Página no encontrada');
    expect(html).toMatch(/<a [^>]*href="\/"[^>]*>Volver al inicio<\/a>/);

    const leave = await postForm(
      host,
      '/support/leave',
      {},
      { Cookie: owner.cookie, Referer: `http://${host}/contacts` },
    );
    expect(leave.status).toBe(409);
    const conflict = await leave.text();
    expect(conflict).toContain(shopNav);
    expect(conflict).toContain('Esta no es una sesión de soporte.');
    expect(conflict).not.toContain('Datos no válidos');
    expect(conflict).toMatch(/<a [^>]*href="\/contacts"[^>]*>Volver<\/a>/);

    const fragment = await get(host, `/invoices/${crypto.randomUUID()}`, {
      headers: { Cookie: owner.cookie, 'HX-Request': 'true' },
    });
    expect(fragment.status).toBe(404);
    const piece = await fragment.text();
    expect(piece).not.toContain('<html');
    expect(piece).toContain('La dirección que buscó no existe.');
  });

  it('without a session the plain layout, with a link to sign in; a foreign Referer is not used', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const response = await get(host, '/no-such-page', { headers: { Referer: 'http://evil.example/x' } });
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('class="site-header"');
    expect(html).not.toContain(shopNav);
    expect(html).toContain('Página no encontrada');
    expect(html).toContain('href="/login"');
    expect(html).not.toContain('evil.example');
  });

  it('admin errors render in the admin layout with a way back', async () => {
    const admin = await adminSignedIn();
    const ownerless = await createTestTenant();
    const refused = await adminPost(`/admin/tenants/${ownerless.id}/impersonate`, {}, admin.cookie, {
      Referer: `http://${centralHost}/admin/tenants/${ownerless.id}`,
    });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('class="admin"');
    expect(html).toContain('href="/admin/tenants"');
    expect(html).toContain('La óptica no tiene un usuario propietario activo');
    expect(html).not.toContain('Datos no válidos');
    expect(html).toMatch(new RegExp(`<a [^>]*href="/admin/tenants/${ownerless.id}"[^>]*>Volver</a>`));

    const missing = await adminGet('/admin/tenants/no-such-tenant-y', admin.cookie);
    expect(missing.status).toBe(404);
    const notFound = await missing.text();
    expect(notFound).toContain('class="admin"');
    expect(notFound).toMatch(/<a [^>]*href="\/admin"[^>]*>Volver al panel<\/a>/);

    const anonymous = await SELF.fetch(`http://${centralHost}/no-such-page`);
    expect(anonymous.status).toBe(404);
    const plain = await anonymous.text();
    expect(plain).toContain('class="site-header"');
    expect(plain).not.toContain('class="admin"');
  });

  it('a credit note without a B04 range says so on the form with a link to register one', async () => {
    const s = await paymentsShop('owner');
    const invoice = await issuedInvoice(s, { ncfType: 'B01' });
    const response = await postForm(
      s.host,
      `/invoices/${invoice.id}/credit-notes`,
      { reason: 'Devolución', full: '1' },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain(shopNav);
    expect(html).toContain('No hay una secuencia B04 activa');
    expect(html).toContain('href="/sequences/new?docType=B04"');
  });

  it('a payment without a receipt series says so on the form with a link to register one', async () => {
    const s = await paymentsShop('owner');
    await s.db.delete(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
    const invoice = await issuedInvoice(s, { ncfType: 'B01' });
    const response = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '100', method: '1', receivedOn: invoice.issuedOn! },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain(shopNav);
    expect(html).toContain('No hay una serie de recibos (REC)');
    expect(html).toContain('href="/sequences/new?docType=REC"');
  });
});
