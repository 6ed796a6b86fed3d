import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { products, taxes } from '../../src/db/tenant-schema';
import { countQueries, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { shop, type TestDb } from '../support/worker/shop';

async function taxByCode(db: TestDb, code: string) {
  const [tax] = await db.select().from(taxes).where(eq(taxes.code, code));
  return tax!;
}

async function productUsing(db: TestDb, taxId: number) {
  await db.insert(products).values({
    sku: `SKU-${crypto.randomUUID().slice(0, 6)}`,
    name: 'Montura',
    category: 'monturas',
    price: '1500.0000',
    taxId,
  });
}

describe('tax screens', () => {
  it('lists the seeded taxes with their product counts in one query after the session', async () => {
    const { tenant, host, cookie, db } = await shop('ventas');
    await productUsing(db, (await taxByCode(db, 'ITBIS18')).id);
    let html = '';
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      const response = await get(host, '/taxes', { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
      html = await response.text();
    });
    expect(queries).toBeLessThanOrEqual(2);
    for (const code of ['ITBIS18', 'ITBIS16', 'ITBIS0', 'EXENTO']) expect(html).toContain(code);
    expect(html).toContain('18.00 %');
    expect(html).toMatch(/<td class="number">1<\/td>/);
    expect(html).not.toContain('action="/taxes"'); // ventas cannot add
  });

  it('adds, edits and deactivates a tax through the forms', async () => {
    const { host, cookie, db } = await shop('admin');
    const page = await (await get(host, '/taxes', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('action="/taxes"');

    const added = await postForm(
      host,
      '/taxes',
      { code: 'itbis10', name: 'ITBIS reducido', rate: '10.5' },
      { Cookie: cookie },
    );
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/taxes?notice=created');
    const tax = await taxByCode(db, 'ITBIS10');
    expect(tax).toMatchObject({ name: 'ITBIS reducido', rate: '10.50', exempt: false, active: true });

    const exempt = await postForm(
      host,
      '/taxes',
      { code: 'EXENTO2', name: 'Exento 2', rate: '', exempt: 'on' },
      { Cookie: cookie },
    );
    expect(exempt.status).toBe(303);
    expect(await taxByCode(db, 'EXENTO2')).toMatchObject({ rate: '0.00', exempt: true });

    const edit = await get(host, `/taxes/${tax.id}`, { headers: { Cookie: cookie } });
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain('value="ITBIS10"');

    // Not used by any product: code and rate may still change.
    const saved = await postForm(
      host,
      `/taxes/${tax.id}`,
      { code: 'ITBIS11', name: 'ITBIS 11', rate: '11', active: 'on' },
      { Cookie: cookie },
    );
    expect(saved.status).toBe(303);
    expect(await taxByCode(db, 'ITBIS11')).toMatchObject({ id: tax.id, name: 'ITBIS 11', rate: '11.00', active: true });

    const off = await postForm(host, `/taxes/${tax.id}/deactivate`, {}, { Cookie: cookie });
    expect(off.status).toBe(303);
    expect((await taxByCode(db, 'ITBIS11')).active).toBe(false);
    const list = await (await get(host, '/taxes?notice=deactivated', { headers: { Cookie: cookie } })).text();
    expect(list).toContain('Inactivo');
    expect(list).toContain('ya no se ofrece para productos nuevos');

    // An inactive tax is not offered on the new-product form.
    const newProduct = await (await get(host, '/products/new', { headers: { Cookie: cookie } })).text();
    expect(newProduct).toContain('value="ITBIS18"');
    expect(newProduct).not.toContain('value="ITBIS11"');

    expect((await postForm(host, `/taxes/${tax.id}/activate`, {}, { Cookie: cookie })).status).toBe(303);
    expect((await taxByCode(db, 'ITBIS11')).active).toBe(true);
  });

  it('answers 422 with field messages and writes nothing for bad input', async () => {
    const { host, cookie, db } = await shop();
    const before = await db.select().from(taxes).orderBy(taxes.id);
    const cases: Array<[Record<string, string>, string]> = [
      [{ code: 'X1', name: 'Tres decimales', rate: '18.555' }, 'hasta 2 decimales'],
      [{ code: 'X2', name: 'Más de cien', rate: '101' }, 'entre 0.00 y 100.00'],
      [{ code: 'X3', name: 'Negativa', rate: '-1' }, 'entre 0.00 y 100.00'],
      [{ code: 'X4', name: 'Texto', rate: 'abc' }, 'entre 0.00 y 100.00'],
      [{ code: 'X5', name: 'Sin tasa', rate: '' }, 'entre 0.00 y 100.00'],
      [{ code: 'ITBIS18', name: 'Duplicado', rate: '18' }, 'Ya existe un impuesto con ese código'],
      [{ code: 'itbis18', name: 'Duplicado en minúsculas', rate: '18' }, 'Ya existe un impuesto con ese código'],
      [{ code: 'X6', name: 'Exento con tasa', rate: '5', exempt: 'on' }, 'Un impuesto exento debe tener tasa 0'],
      [{ code: 'CON ESPACIO', name: 'Código malo', rate: '5' }, 'letras mayúsculas o números'],
      [{ code: 'X7', name: '', rate: '5' }, 'aria-invalid="true"'],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm(host, '/taxes', fields, { Cookie: cookie });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      const html = await response.text();
      expect(html, JSON.stringify(fields)).toContain(message);
      expect(html).toContain('aria-invalid="true"');
    }
    const tax = await taxByCode(db, 'ITBIS16');
    const edit = await postForm(
      host,
      `/taxes/${tax.id}`,
      { code: 'ITBIS16', name: 'ITBIS 16', rate: '16.001', active: 'on' },
      { Cookie: cookie },
    );
    expect(edit.status).toBe(422);
    const duplicate = await postForm(
      host,
      `/taxes/${tax.id}`,
      { code: 'ITBIS18', name: 'ITBIS 16', rate: '16', active: 'on' },
      { Cookie: cookie },
    );
    expect(duplicate.status).toBe(422);
    expect(await duplicate.text()).toContain('Ya existe un impuesto con ese código');
    expect(await db.select().from(taxes).orderBy(taxes.id)).toEqual(before);

    for (const path of ['/taxes/abc', '/taxes/0', '/taxes/99999', '/taxes/99999999999', '/taxes/1.5']) {
      expect((await get(host, path, { headers: { Cookie: cookie } })).status, path).toBe(404);
    }
    expect((await postForm(host, '/taxes/99999/deactivate', {}, { Cookie: cookie })).status).toBe(404);
  });

  it('refuses to change the code or rate of a tax used by products, but allows its name and active flag', async () => {
    const { host, cookie, db } = await shop();
    const tax = await taxByCode(db, 'ITBIS16');
    await productUsing(db, tax.id);

    const page = await (await get(host, `/taxes/${tax.id}`, { headers: { Cookie: cookie } })).text();
    expect(page).toContain('Usado por 1 producto(s)');
    expect(page).not.toContain('name="rate"');

    const rate = await postForm(
      host,
      `/taxes/${tax.id}`,
      { code: 'ITBIS16', name: 'ITBIS 16', rate: '17', active: 'on' },
      { Cookie: cookie },
    );
    expect(rate.status).toBe(422);
    expect(await rate.text()).toContain('Cree un impuesto nuevo para otra tasa');
    const code = await postForm(
      host,
      `/taxes/${tax.id}`,
      { code: 'ITBIS16B', name: 'ITBIS 16', rate: '16', active: 'on' },
      { Cookie: cookie },
    );
    expect(code.status).toBe(422);
    expect(await taxByCode(db, 'ITBIS16')).toEqual(tax);

    // The same rate written differently is no change.
    expect(
      (
        await postForm(
          host,
          `/taxes/${tax.id}`,
          { code: 'ITBIS16', name: 'ITBIS dieciséis', rate: '16.0', active: 'on' },
          { Cookie: cookie },
        )
      ).status,
    ).toBe(303);
    const locked = await postForm(host, `/taxes/${tax.id}`, { locked: '1', name: 'ITBIS 16 %' }, { Cookie: cookie });
    expect(locked.status).toBe(303);
    expect(await taxByCode(db, 'ITBIS16')).toMatchObject({ name: 'ITBIS 16 %', rate: '16.00', active: false });
    const [product] = await db.select().from(products);
    expect(product!.taxId).toBe(tax.id); // the product keeps its (now inactive) tax
  });

  it('forbids roles without products.manage from changing taxes', async () => {
    const { host, cookie, db } = await shop('ventas');
    const before = await db.select().from(taxes).orderBy(taxes.id);
    const tax = await taxByCode(db, 'ITBIS18');
    expect(
      (await postForm(host, '/taxes', { code: 'NUEVO', name: 'Nuevo', rate: '5' }, { Cookie: cookie })).status,
    ).toBe(403);
    expect((await get(host, `/taxes/${tax.id}`, { headers: { Cookie: cookie } })).status).toBe(403);
    expect(
      (await postForm(host, `/taxes/${tax.id}`, { code: 'ITBIS18', name: 'x', rate: '18' }, { Cookie: cookie })).status,
    ).toBe(403);
    expect((await postForm(host, `/taxes/${tax.id}/deactivate`, {}, { Cookie: cookie })).status).toBe(403);
    expect(await db.select().from(taxes).orderBy(taxes.id)).toEqual(before);
  });
});

describe('taxes API', () => {
  it('lists, creates and changes taxes', async () => {
    const { host, bearer, db } = await shop('admin');
    await productUsing(db, (await taxByCode(db, 'ITBIS18')).id);
    const list = await api(host, '/taxes', bearer);
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      data: Array<{ code: string; rate: string; productCount: number; exempt: boolean }>;
    };
    expect(body.data.map((tax) => tax.code).sort()).toEqual(['EXENTO', 'ITBIS0', 'ITBIS16', 'ITBIS18']);
    expect(body.data.find((tax) => tax.code === 'ITBIS18')).toMatchObject({ rate: '18.00', productCount: 1 });
    expect(body.data.find((tax) => tax.code === 'EXENTO')).toMatchObject({
      rate: '0.00',
      exempt: true,
      productCount: 0,
    });

    const created = await api(host, '/taxes', bearer, {
      method: 'POST',
      body: JSON.stringify({ code: 'ITBIS8', name: 'ITBIS 8', rate: '8.25' }),
    });
    expect(created.status).toBe(201);
    const tax = (await created.json()) as { id: number };
    expect(tax).toMatchObject({ code: 'ITBIS8', rate: '8.25', exempt: false, active: true, productCount: 0 });

    const patched = await api(host, `/taxes/${tax.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'ITBIS ocho', rate: '8.50', active: false }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: tax.id, name: 'ITBIS ocho', rate: '8.50', active: false });

    const exempt = await api(host, `/taxes/${tax.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ exempt: true }),
    });
    expect(await exempt.json()).toMatchObject({ exempt: true, rate: '0.00' });
  });

  it('answers 422 problem+json and writes nothing for bad input; 404 for bad ids', async () => {
    const { host, bearer, db } = await shop();
    const used = await taxByCode(db, 'ITBIS18');
    await productUsing(db, used.id);
    const before = await db.select().from(taxes).orderBy(taxes.id);
    const bad: Array<[string, string, unknown, string]> = [
      ['POST', '/taxes', { code: 'X1', name: 'x', rate: '18.555' }, 'rate'],
      ['POST', '/taxes', { code: 'X2', name: 'x', rate: '101' }, 'rate'],
      ['POST', '/taxes', { code: 'X3', name: 'x', rate: 18 }, 'rate'],
      ['POST', '/taxes', { code: 'ITBIS18', name: 'x', rate: '18' }, 'code'],
      ['POST', '/taxes', { code: 'X4', name: 'x', rate: '5', exempt: true }, 'rate'],
      ['POST', '/taxes', { code: 'x-5', name: 'x', rate: '5' }, 'code'],
      ['PATCH', `/taxes/${used.id}`, { rate: '19' }, 'rate'],
      ['PATCH', `/taxes/${used.id}`, { code: 'ITBIS19' }, 'rate'],
      ['PATCH', `/taxes/${used.id}`, { exempt: true }, 'rate'],
      ['PATCH', `/taxes/${(await taxByCode(db, 'ITBIS16')).id}`, { code: 'ITBIS0' }, 'code'],
      ['PATCH', `/taxes/${(await taxByCode(db, 'ITBIS16')).id}`, { rate: '5', exempt: true }, 'rate'],
    ];
    for (const [method, path, payload, field] of bad) {
      const response = await api(host, path, bearer, { method, body: JSON.stringify(payload) });
      expect(response.status, `${method} ${path} ${JSON.stringify(payload)}`).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { errors?: Array<{ field: string; message: string }> };
      expect(
        problem.errors?.map((error) => error.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const locked = await api(host, `/taxes/${used.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ rate: '19' }),
    });
    expect(((await locked.json()) as { detail: string }).detail).toContain('Cree un impuesto nuevo');
    expect(await db.select().from(taxes).orderBy(taxes.id)).toEqual(before);

    for (const id of ['abc', '0', '-1', '1.5', '99999', '99999999999', '1e2']) {
      const response = await api(host, `/taxes/${id}`, bearer, {
        method: 'PATCH',
        body: JSON.stringify({ name: 'x' }),
      });
      expect(response.status, id).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('forbids roles without products.manage (ventas) from writing', async () => {
    const { host, bearer, db } = await shop('ventas');
    const tax = await taxByCode(db, 'ITBIS18');
    expect((await api(host, '/taxes', bearer)).status).toBe(200);
    expect(
      (
        await api(host, '/taxes', bearer, {
          method: 'POST',
          body: JSON.stringify({ code: 'N1', name: 'x', rate: '1' }),
        })
      ).status,
    ).toBe(403);
    expect(
      (await api(host, `/taxes/${tax.id}`, bearer, { method: 'PATCH', body: JSON.stringify({ active: false }) }))
        .status,
    ).toBe(403);
    expect((await taxByCode(db, 'ITBIS18')).active).toBe(true);
  });
});

describe('taxes isolation', () => {
  it('keeps each shop’s taxes apart (UI and API)', async () => {
    const a = await shop();
    const b = await shop();
    const created = await api(a.host, '/taxes', a.bearer, {
      method: 'POST',
      body: JSON.stringify({ code: 'SOLOA', name: 'Sólo A', rate: '7' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };

    expect(await (await get(b.host, '/taxes', { headers: { Cookie: b.cookie } })).text()).not.toContain('SOLOA');
    const listB = (await (await api(b.host, '/taxes', b.bearer)).json()) as { data: Array<{ code: string }> };
    expect(listB.data.map((tax) => tax.code)).not.toContain('SOLOA');

    // A's id does not exist in B (B has only the 4 seeded taxes).
    expect((await get(b.host, `/taxes/${id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect(
      (
        await postForm(
          b.host,
          `/taxes/${id}`,
          { code: 'SOLOA', name: 'x', rate: '7', active: 'on' },
          { Cookie: b.cookie },
        )
      ).status,
    ).toBe(404);
    expect((await postForm(b.host, `/taxes/${id}/deactivate`, {}, { Cookie: b.cookie })).status).toBe(404);
    expect(
      (await api(b.host, `/taxes/${id}`, b.bearer, { method: 'PATCH', body: JSON.stringify({ name: 'x' }) })).status,
    ).toBe(404);

    // B's session and token do not work on A's host.
    expect((await api(a.host, '/taxes', b.bearer)).status).toBe(401);
    expect(await taxByCode(a.db, 'SOLOA')).toMatchObject({ name: 'Sólo A', active: true });

    // Same code in both shops is fine: each has its own table.
    expect(
      (
        await api(b.host, '/taxes', b.bearer, {
          method: 'POST',
          body: JSON.stringify({ code: 'SOLOA', name: 'B', rate: '1' }),
        })
      ).status,
    ).toBe(201);
  });
});

describe('products whose tax was deactivated', () => {
  it('keep their tax when edited, and the form still offers it', async () => {
    const { host, db, bearer, cookie } = await shop('owner');
    const itbis16 = await taxByCode(db, 'ITBIS16');
    const created = await api(host, '/products', bearer, {
      method: 'POST',
      body: JSON.stringify({
        sku: 'LEN-16',
        name: 'Lente 16',
        category: 'lentes',
        price: '100.0000',
        taxCode: 'ITBIS16',
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await db.update(taxes).set({ active: false }).where(eq(taxes.id, itbis16.id));

    const page = await (await get(host, `/products/${id}`, { headers: { Cookie: cookie } })).text();
    expect(page).toMatch(/<option[^>]*value="ITBIS16"[^>]*selected|<option[^>]*selected[^>]*value="ITBIS16"/);

    const patched = await api(host, `/products/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Lente 16 nuevo', taxCode: 'ITBIS16' }),
    });
    expect(patched.status).toBe(200);
    const [row] = await db.select().from(products).where(eq(products.id, id));
    expect(row).toMatchObject({ name: 'Lente 16 nuevo', taxId: itbis16.id });

    // A new product cannot choose the inactive tax.
    const refused = await api(host, '/products', bearer, {
      method: 'POST',
      body: JSON.stringify({ sku: 'LEN-16B', name: 'Otro', category: 'lentes', price: '1.0000', taxCode: 'ITBIS16' }),
    });
    expect(refused.status).toBe(422);
  });
});
