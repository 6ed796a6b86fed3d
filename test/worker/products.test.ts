import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { products, taxes } from '../../src/db/tenant-schema';
import { countQueries, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { shop } from '../support/worker/shop';

const frame = {
  sku: 'MON-001',
  name: 'Montura Ray-Ban Aviator',
  category: 'monturas',
  brand: 'Ray-Ban',
  price: '8500.5',
  cost: '4200',
  taxCode: 'ITBIS18',
  trackStock: 'on',
  active: 'on',
};

describe('products in the browser', () => {
  it('creates a product, lists it with the branch on-hand, searches and edits it', async () => {
    const { host, cookie, db } = await shop();
    const created = await postForm(host, '/products', frame, { Cookie: cookie });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/products\/[0-9a-f-]{36}\?created=1$/);
    const [row] = await db.select().from(products);
    expect(row).toMatchObject({
      sku: 'MON-001',
      price: '8500.5000',
      cost: '4200.0000',
      trackStock: true,
      allowNegativeStock: false,
    });

    const detail = await (await get(host, location, { headers: { Cookie: cookie } })).text();
    expect(detail).toContain('Producto creado.');
    expect(detail).toContain('RD$ 8,500.50');

    const list = await get(host, '/products', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('MON-001');
    expect(html).toContain('Existencia en Sucursal principal');

    const fragment = await get(host, '/products?q=aviator', { headers: { Cookie: cookie, 'HX-Request': 'true' } });
    const fragmentHtml = await fragment.text();
    expect(fragmentHtml).toContain('MON-001');
    expect(fragmentHtml).not.toContain('<html');
    const none = await (
      await get(host, '/products?q=zzz&category=lentes', { headers: { Cookie: cookie, 'HX-Request': 'true' } })
    ).text();
    expect(none).toContain('No hay productos');

    const edited = await postForm(
      host,
      `/products/${row!.id}`,
      { ...frame, name: 'Montura Aviator', price: '9000.1234', allowNegativeStock: 'on' },
      { Cookie: cookie },
    );
    expect(edited.status).toBe(303);
    const [after] = await db.select().from(products);
    expect(after).toMatchObject({ name: 'Montura Aviator', price: '9000.1234', allowNegativeStock: true });
  });

  it('answers 422 with field messages and writes nothing for bad input, a taken SKU or a bad tax', async () => {
    const { host, cookie, db } = await shop();
    const bad = await postForm(
      host,
      '/products',
      { ...frame, price: '1234.56789', sku: '', category: 'gafas' },
      { Cookie: cookie },
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('hasta 4 decimales');
    expect(html).toContain('Elija una categoría');
    expect(html).toContain('value="1234.56789"'); // what was typed stays in the form
    expect(await db.select().from(products)).toEqual([]);

    const badTax = await postForm(host, '/products', { ...frame, taxCode: 'IVA21' }, { Cookie: cookie });
    expect(badTax.status).toBe(422);
    expect(await db.select().from(products)).toEqual([]);

    expect((await postForm(host, '/products', frame, { Cookie: cookie })).status).toBe(303);
    const dup = await postForm(host, '/products', { ...frame, sku: 'mon-001', name: 'Otra' }, { Cookie: cookie });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('Ya existe un producto con este SKU');
    expect(await db.select().from(products)).toHaveLength(1);
  });

  it('never tracks stock for services', async () => {
    const { host, cookie, db } = await shop();
    const created = await postForm(
      host,
      '/products',
      { ...frame, sku: 'SRV-EXAM', category: 'servicios', taxCode: 'EXENTO', allowNegativeStock: 'on' },
      { Cookie: cookie },
    );
    expect(created.status).toBe(303);
    const [row] = await db.select().from(products);
    expect(row).toMatchObject({ trackStock: false, allowNegativeStock: false });
  });

  it('lists a page in one query after the session, with keyset pagination', async () => {
    const { tenant, host, cookie, db } = await shop();
    const [tax] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
    await db.insert(products).values(
      Array.from({ length: 30 }, (_, i) => ({
        sku: `P${String(i).padStart(3, '0')}`,
        name: `Producto ${String(i).padStart(3, '0')}`,
        category: 'accesorios' as const,
        price: '10',
        taxId: tax!.id,
      })),
    );
    let html = '';
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      html = await (await get(host, '/products', { headers: { Cookie: cookie } })).text();
    });
    expect(queries).toBeLessThanOrEqual(2);
    expect(html).toContain('P000');
    expect(html).not.toContain('P025');
    const next = /href="(\/products\?cursor=[^"]+)"/.exec(html)?.[1];
    expect(next).toBeTruthy();
    const page2 = await (await get(host, next!.replace(/&amp;/g, '&'), { headers: { Cookie: cookie } })).text();
    expect(page2).toContain('P029');
    expect(page2).not.toContain('P000<');
  });

  it('lets sales see but not manage products (403)', async () => {
    const { host, cookie } = await shop('ventas');
    expect((await get(host, '/products', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await get(host, '/products/new', { headers: { Cookie: cookie } })).status).toBe(403);
    expect((await postForm(host, '/products', frame, { Cookie: cookie })).status).toBe(403);
  });
});

describe('products API', () => {
  it('creates, lists, reads and patches; 409 for a taken SKU; 422 problem+json for bad input', async () => {
    const { host, bearer, db } = await shop('admin');
    const body = {
      sku: 'LEN-100',
      name: 'Lente monofocal',
      category: 'lentes',
      price: '2500.1234',
      taxCode: 'ITBIS16',
    };
    const created = await api(host, '/products', bearer, { method: 'POST', body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    const product = (await created.json()) as { id: string; price: string; taxRate: string; trackStock: boolean };
    expect(product).toMatchObject({ price: '2500.1234', taxRate: '16.00', trackStock: true });

    const dup = await api(host, '/products', bearer, {
      method: 'POST',
      body: JSON.stringify({ ...body, sku: 'len-100' }),
    });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');

    for (const bad of [
      { ...body, sku: 'X1', price: '1234.56789' },
      { ...body, sku: 'X2', price: 12.5 },
      { ...body, sku: 'X3', taxCode: 'NOPE' },
      { ...body, sku: '' },
    ]) {
      const response = await api(host, '/products', bearer, { method: 'POST', body: JSON.stringify(bad) });
      expect(response.status, JSON.stringify(bad)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await db.select().from(products)).toHaveLength(1);

    const list = (await (await api(host, '/products?q=len', bearer)).json()) as {
      data: Array<{ sku: string }>;
      nextCursor: string | null;
    };
    expect(list.data.map((p) => p.sku)).toEqual(['LEN-100']);
    expect(list.nextCursor).toBeNull();

    expect((await api(host, `/products/${product.id}`, bearer)).status).toBe(200);
    const patched = await api(host, `/products/${product.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ price: '99.99', category: 'servicios' }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ price: '99.9900', category: 'servicios', trackStock: false });
    const badPatch = await api(host, `/products/${product.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ price: '-1' }),
    });
    expect(badPatch.status).toBe(422);

    expect((await api(host, '/products/not-a-uuid', bearer)).status).toBe(404);
    expect((await api(host, `/products/${crypto.randomUUID()}`, bearer)).status).toBe(404);
  });

  it('keeps products apart between shops (UI and API): 404 across shops', async () => {
    const a = await shop();
    const b = await shop();
    const created = await api(a.host, '/products', a.bearer, {
      method: 'POST',
      body: JSON.stringify({
        sku: 'SECRET-A',
        name: 'Solo de A',
        category: 'accesorios',
        price: '1',
        taxCode: 'ITBIS18',
      }),
    });
    const { id } = (await created.json()) as { id: string };
    expect((await api(b.host, `/products/${id}`, b.bearer)).status).toBe(404);
    expect(
      (await api(b.host, `/products/${id}`, b.bearer, { method: 'PATCH', body: JSON.stringify({ name: 'robado' }) }))
        .status,
    ).toBe(404);
    expect(((await (await api(b.host, '/products', b.bearer)).json()) as { data: unknown[] }).data).toEqual([]);
    expect((await get(b.host, `/products/${id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await postForm(b.host, `/products/${id}`, { ...frame, sku: 'X' }, { Cookie: b.cookie })).status).toBe(404);
    expect(await (await get(b.host, '/products', { headers: { Cookie: b.cookie } })).text()).not.toContain('SECRET-A');
    // A's token is worthless on B's host.
    expect((await api(b.host, '/products', a.bearer)).status).toBe(401);
  });
});
