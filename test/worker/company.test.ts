import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { getCompany } from '../../src/queries/company';
import {
  countQueries,
  createTestTenant,
  get,
  postForm,
  signedIn,
  tenantContext,
  testEnv,
} from '../support/worker/helpers';

/** The start of a PNG: signature and IHDR chunk declaring `width` x `height` (what the upload check reads). */
function pngHeader(width: number, height: number, size = 33): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

/** A baseline JPEG start: SOI, an APP0 segment, then SOF0 declaring `width` x `height`. */
function jpegHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array([
    0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xc0, 0, 17, 8, 0, 0, 0,
    0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
  new DataView(bytes.buffer).setUint16(25, height);
  new DataView(bytes.buffer).setUint16(27, width);
  return bytes;
}

const png = pngHeader(120, 60);

function uploadLogo(host: string, cookie: string, bytes: Uint8Array, type: string, name = 'logo.png') {
  const form = new FormData();
  form.append('logo', new File([bytes], name, { type }));
  return SELF.fetch(`http://${host}/company/logo`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, Origin: `http://${host}` },
    body: form,
  });
}

const settings = (overrides: Record<string, string> = {}) => ({
  name: 'Óptica Central',
  rnc: '1-01-85004-3',
  address: 'Av. Duarte 12, Santo Domingo',
  phones: '809-555-0100',
  email: 'info@central.do',
  invoiceFooter: 'Gracias por su compra',
  defaultCurrency: 'DOP',
  ...overrides,
});

describe('company settings', () => {
  it('shows the settings and saves them (RNC stored as digits)', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const page = await get(host, '/company', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Datos de la empresa');
    expect(html).toContain('aria-current="page"');

    const saved = await postForm(host, '/company', settings({ defaultCurrency: 'USD' }), { Cookie: cookie });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/company?saved=1');
    const { db } = await tenantContext(tenant.id);
    expect(await getCompany(db)).toMatchObject({
      name: 'Óptica Central',
      rnc: '101850043',
      defaultCurrency: 'USD',
      invoiceFooter: 'Gracias por su compra',
    });
    const after = await (await get(host, '/company?saved=1', { headers: { Cookie: cookie } })).text();
    expect(after).toContain('Datos de la empresa guardados.');
  });

  it('answers 422 with field messages for bad input and writes nothing', async () => {
    const tenant = await createTestTenant({ name: 'Óptica Intacta' });
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const cases: Array<[Record<string, string>, string]> = [
      [settings({ name: '' }), 'Este campo es obligatorio.'],
      [settings({ email: 'no-es-correo' }), 'correo electrónico válido'],
      [settings({ rnc: '101850042' }), 'dígito verificador'],
      [settings({ rnc: '12345' }), '9 dígitos'],
      [settings({ defaultCurrency: 'XYZ' }), 'Elija una moneda activa.'],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm(host, '/company', fields, { Cookie: cookie });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).toContain('aria-invalid="true"');
    }
    const { db } = await tenantContext(tenant.id);
    expect(await getCompany(db)).toMatchObject({ name: 'Óptica Intacta', rnc: null, defaultCurrency: 'DOP' });
  });

  it('accepts an RNC that fails its check digit when the DGII registry has it', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const { sqlClient } = await import('../../src/db/client');
    const central = sqlClient(testEnv.CENTRAL_DATABASE_URL);
    const rnc = `9${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const { checkTaxId } = await import('../../src/domain/tax-id');
    const bad = checkTaxId('rnc', rnc, false).ok ? `${rnc.slice(0, 8)}${(Number(rnc[8]) + 1) % 10}` : rnc;
    await central`INSERT INTO dgii_taxpayers (tax_id, name, status) VALUES (${bad}, 'CONTRIBUYENTE REGISTRADO', 'ACTIVO') ON CONFLICT DO NOTHING`;
    const response = await postForm(host, '/company', settings({ rnc: bad }), { Cookie: cookie });
    expect(response.status).toBe(303);
    expect((await getCompany((await tenantContext(tenant.id)).db))?.rnc).toBe(bad);
  });

  it('lets every role see the company but only owner and admin change it', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'caja');
    const page = await get(host, '/company', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Solo el dueño o un administrador');
    expect((await postForm(host, '/company', settings(), { Cookie: cookie })).status).toBe(403);
    expect((await uploadLogo(host, cookie, png, 'image/png')).status).toBe(403);
  });

  it('costs one query after the session', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    await get(host, '/company', { headers: { Cookie: cookie } });
    const queries = await countQueries(`optiflow_${tenant.id}`, async () =>
      expect((await get(host, '/company', { headers: { Cookie: cookie } })).status).toBe(200),
    );
    expect(queries).toBeLessThanOrEqual(2);
  });
});

describe('company logo', () => {
  it('stores an image under the shop prefix and serves it privately to signed-in users only', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const uploaded = await uploadLogo(host, cookie, png, 'image/png');
    expect(uploaded.status).toBe(303);
    const { db } = await tenantContext(tenant.id);
    expect((await getCompany(db))?.logoKey).toBe('company/logo');
    const stored = await testEnv.FILES.list({ prefix: `tenants/${tenant.id}/` });
    expect(stored.objects.map((object) => object.key)).toEqual([`tenants/${tenant.id}/company/logo`]);

    const seller = await signedIn(tenant.id, 'ventas');
    const logo = await get(host, '/company/logo', { headers: { Cookie: seller.cookie } });
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(logo.headers.get('cache-control')).toContain('private');
    expect(new Uint8Array(await logo.arrayBuffer())).toEqual(png);
    const etag = logo.headers.get('etag')!;
    expect(
      (await get(host, '/company/logo', { headers: { Cookie: seller.cookie, 'If-None-Match': etag } })).status,
    ).toBe(304);

    const anonymous = await get(host, '/company/logo', { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(await (await get(host, '/', { headers: { Cookie: cookie } })).text()).toContain('src="/company/logo"');
  });

  it('refuses a non-image, a disguised file and a file over 1 MB with 422, storing nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const text = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(png);
    const cases: Array<[Uint8Array, string, string]> = [
      [text, 'image/svg+xml', 'PNG, JPEG o WebP'],
      [text, 'image/png', 'PNG, JPEG o WebP'], // claims PNG, is not
      [big, 'image/png', '1 MB'],
      [new Uint8Array(), 'image/png', 'Elija un archivo'],
    ];
    for (const [bytes, type, message] of cases) {
      const response = await uploadLogo(host, cookie, bytes, type);
      expect(response.status, `${type} ${bytes.length}`).toBe(422);
      expect(await response.text()).toContain(message);
    }
    expect((await postForm(host, '/company/logo', {}, { Cookie: cookie })).status).toBe(422);
    expect((await testEnv.FILES.list({ prefix: `tenants/${tenant.id}/` })).objects).toEqual([]);
    expect((await getCompany((await tenantContext(tenant.id)).db))?.logoKey).toBeNull();
  });

  it('refuses images declaring more than 2000 x 2000 pixels, whatever their byte size', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const cases: Array<[Uint8Array, string]> = [
      [pngHeader(12000, 12000, 420 * 1024), 'image/png'],
      [pngHeader(2001, 10), 'image/png'],
      [jpegHeader(5000, 4000), 'image/jpeg'],
    ];
    for (const [bytes, type] of cases) {
      const response = await uploadLogo(host, cookie, bytes, type);
      expect(response.status, `${type} ${bytes.length}`).toBe(422);
      expect(await response.text()).toContain('2000 × 2000 píxeles');
    }
    expect((await testEnv.FILES.list({ prefix: `tenants/${tenant.id}/` })).objects).toEqual([]);
    expect((await uploadLogo(host, cookie, jpegHeader(2000, 1500), 'image/jpeg')).status).toBe(303);
    expect((await uploadLogo(host, cookie, pngHeader(2000, 2000), 'image/png')).status).toBe(303);
  });

  it('stops reading a body past the byte limit, with no Content-Length or a lying one', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const boundary = 'limitboundary';
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    let sent = 0;
    /** 3 MB of a PNG in 64 KB chunks, counting what the server pulled. */
    const body = () => {
      sent = 0;
      let chunks = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk =
            chunks === 0 ? new Uint8Array([...head, ...pngHeader(100, 100, 64 * 1024)]) : new Uint8Array(64 * 1024);
          chunks += 1;
          sent += chunk.length;
          if (chunks > 48) controller.close();
          else controller.enqueue(chunk);
        },
      });
    };
    const headers = {
      Cookie: cookie,
      Origin: `http://${host}`,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    };
    const unsized = await SELF.fetch(`http://${host}/company/logo`, {
      method: 'POST',
      redirect: 'manual',
      headers,
      body: body(),
      duplex: 'half',
    } as RequestInit);
    expect(unsized.status).toBe(422);
    expect(await unsized.text()).toContain('1 MB');
    expect(sent).toBeLessThan(2 * 1024 * 1024);
    const lying = await SELF.fetch(`http://${host}/company/logo`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, 'Content-Length': '1000' },
      body: body(),
      duplex: 'half',
    } as RequestInit);
    expect(lying.status).toBe(422);
    expect(await lying.text()).toContain('1 MB');
    expect(sent).toBeLessThan(2 * 1024 * 1024);
    expect((await testEnv.FILES.list({ prefix: `tenants/${tenant.id}/` })).objects).toEqual([]);
  });

  it('keeps one shop’s logo away from another shop', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const ownerA = await signedIn(a.id, 'owner');
    const ownerB = await signedIn(b.id, 'owner');
    expect((await uploadLogo(`${a.id}.localhost`, ownerA.cookie, png, 'image/png')).status).toBe(303);
    expect((await testEnv.FILES.list({ prefix: `tenants/${b.id}/` })).objects).toEqual([]);
    expect((await get(`${b.id}.localhost`, '/company/logo', { headers: { Cookie: ownerB.cookie } })).status).toBe(404);
    // A's cookie means nothing on B's host.
    expect(
      (await get(`${b.id}.localhost`, '/company/logo', { headers: { Cookie: ownerA.cookie }, redirect: 'manual' }))
        .status,
    ).toBe(303);
  });

  it('removes the logo', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    await uploadLogo(host, cookie, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg');
    expect((await postForm(host, '/company/logo/delete', {}, { Cookie: cookie })).status).toBe(303);
    expect((await testEnv.FILES.list({ prefix: `tenants/${tenant.id}/` })).objects).toEqual([]);
    expect((await get(host, '/company/logo', { headers: { Cookie: cookie } })).status).toBe(404);
  });
});
