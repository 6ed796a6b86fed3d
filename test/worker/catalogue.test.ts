/**
 * The optical catalogue: the shop's lists, bulk price updates (preview, apply exactly what was
 * previewed, parallel applies), barcodes and the scan in the pickers, margins, lens products and
 * variants, labels; isolation and permissions. One shop per describe where tests use their own ids.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { catalogValues, priceUpdateLines, priceUpdates, products, taxes } from '../../src/db/tenant-schema';
import { api } from '../support/worker/api';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { colleague, shop, type Shop } from '../support/worker/shop';

const database = (s: Shop) => `optiflow_${s.tenant.id.replace(/-/g, '_')}`;

async function seedProducts(
  s: Shop,
  rows: Array<Partial<typeof products.$inferInsert> & { sku: string; price: string }>,
): Promise<Record<string, string>> {
  const [tax] = await s.db.select({ id: taxes.id }).from(taxes).where(eq(taxes.code, 'ITBIS18'));
  const inserted = await s.db
    .insert(products)
    .values(rows.map((row) => ({ name: row.sku, category: 'monturas' as const, taxId: tax!.id, ...row })))
    .returning({ id: products.id, sku: products.sku });
  return Object.fromEntries(inserted.map((row) => [row.sku, row.id]));
}

const pricesOf = async (s: Shop, ids: string[]) =>
  Object.fromEntries(
    (await s.db.select({ id: products.id, price: products.price }).from(products).where(inArray(products.id, ids))).map(
      (row) => [row.id, row.price],
    ),
  );

describe('bulk price update', () => {
  let s: Shop;
  beforeAll(async () => {
    s = await shop('owner');
  }, 30_000);

  it('previews every product of the filter with its new price, applies exactly that, and records it', async () => {
    const ids = await seedProducts(s, [
      { sku: 'PU-A', brand: 'Prisma', price: '2275.0000' },
      { sku: 'PU-B', brand: 'Prisma', price: '1999.9900' },
      { sku: 'PU-C', brand: 'Prisma', price: '80.0000', category: 'accesorios' },
      { sku: 'PU-D', brand: 'Otra', price: '5000.0000' },
      { sku: 'PU-E', brand: 'Prisma', price: '3000.0000', active: false },
    ]);
    const form = {
      category: 'monturas',
      brand: 'prisma',
      mode: 'percent',
      direction: 'up',
      value: '10',
      rounding: 'five',
    };
    const preview = await postForm(s.host, '/products/prices/preview', form, { Cookie: s.cookie });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    // 2275 x 1.10 = 2502.50 -> RD$2,505 (nearest 5, half-up); 1999.99 x 1.10 = 2199.989 -> RD$2,200
    expect(html).toContain('2 productos; 2 cambian de precio.');
    expect(html).toMatch(/PU-A[\s\S]*RD\$ 2,275\.00[\s\S]*RD\$ 2,505\.00/);
    expect(html).toMatch(/PU-B[\s\S]*RD\$ 1,999\.99[\s\S]*RD\$ 2,200\.00/);
    expect(html).not.toContain('PU-C'); // another category
    expect(html).not.toContain('PU-D'); // another brand
    expect(html).not.toContain('PU-E'); // inactive
    const token = /name="token" value="([0-9a-f]{64})"/.exec(html)![1]!;

    const applied = await postForm(s.host, '/products/prices/apply', { ...form, token }, { Cookie: s.cookie });
    expect(applied.status).toBe(303);
    const location = applied.headers.get('location')!;
    expect(await pricesOf(s, Object.values(ids))).toEqual({
      [ids['PU-A']!]: '2505.0000',
      [ids['PU-B']!]: '2200.0000',
      [ids['PU-C']!]: '80.0000',
      [ids['PU-D']!]: '5000.0000',
      [ids['PU-E']!]: '3000.0000',
    });
    const [update] = await s.db
      .select()
      .from(priceUpdates)
      .where(eq(priceUpdates.id, location.split('/')[3]!.split('?')[0]!));
    expect(update).toMatchObject({ mode: 'percent', value: '10.0000', productCount: 2 });
    const lines = await s.db.select().from(priceUpdateLines).where(eq(priceUpdateLines.updateId, update!.id));
    expect(lines.map((line) => [line.productId, line.oldPrice, line.newPrice]).sort()).toEqual(
      [
        [ids['PU-A']!, '2275.0000', '2505.0000'],
        [ids['PU-B']!, '1999.9900', '2200.0000'],
      ].sort(),
    );
    const record = await (await get(s.host, location, { headers: { Cookie: s.cookie } })).text();
    expect(record).toContain('Precios actualizados: 2 productos.');
    expect(record).toContain('RD$ 2,505.00');

    // The same preview applied again: its prices are gone, nothing changes.
    const again = await postForm(s.host, '/products/prices/apply', { ...form, token }, { Cookie: s.cookie });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('cambiaron desde la vista previa');
    expect((await pricesOf(s, [ids['PU-A']!]))[ids['PU-A']!]).toBe('2505.0000');
  });

  it('refuses an apply after a price changed, and negative results; 422 for a bad rule', async () => {
    const ids = await seedProducts(s, [
      { sku: 'NEG-A', brand: 'Neg', price: '100.0000' },
      { sku: 'NEG-B', brand: 'Neg', price: '40.0000' },
    ]);
    const down = { brand: 'Neg', mode: 'amount', direction: 'down', value: '50', rounding: 'cents' };
    const html = await (await postForm(s.host, '/products/prices/preview', down, { Cookie: s.cookie })).text();
    expect(html).toContain('1 productos quedarían con precio bajo cero');
    expect(html).toMatch(/NEG-B[\s\S]*-RD\$ 10\.00/);
    expect(html).not.toContain('name="token"'); // no apply button
    const token = '0'.repeat(64);
    const refused = await postForm(s.host, '/products/prices/apply', { ...down, token }, { Cookie: s.cookie });
    expect(refused.status).toBe(409);

    const up = { brand: 'Neg', mode: 'amount', direction: 'up', value: '5.50', rounding: 'cents' };
    const preview = await (await postForm(s.host, '/products/prices/preview', up, { Cookie: s.cookie })).text();
    const upToken = /name="token" value="([0-9a-f]{64})"/.exec(preview)![1]!;
    await s.db.update(products).set({ price: '41.0000' }).where(eq(products.id, ids['NEG-B']!));
    const stale = await postForm(s.host, '/products/prices/apply', { ...up, token: upToken }, { Cookie: s.cookie });
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(staleHtml).toContain('cambiaron desde la vista previa');
    expect(staleHtml).toMatch(/NEG-B[\s\S]*RD\$ 41\.00[\s\S]*RD\$ 46\.50/); // the fresh preview
    expect(await pricesOf(s, Object.values(ids))).toEqual({ [ids['NEG-A']!]: '100.0000', [ids['NEG-B']!]: '41.0000' });

    for (const bad of [
      { ...up, value: '0' },
      { ...up, value: '1.234' },
      { ...up, mode: 'percent', direction: 'down', value: '101' },
      { ...up, priceMin: '50', priceMax: '10' },
      { ...up, rounding: 'three' },
    ]) {
      const response = await postForm(s.host, '/products/prices/preview', bad, { Cookie: s.cookie });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain('aria-invalid="true"');
    }
  });

  it('two applies of one preview at once: one applies, the other is refused, prices move once', async () => {
    const ids = await seedProducts(
      s,
      Array.from({ length: 6 }, (_, i) => ({ sku: `PAR-${i}`, brand: 'Par', price: '1000.0000' })),
    );
    const form = { brand: 'Par', mode: 'percent', direction: 'up', value: '12.5', rounding: 'cents' };
    for (let round = 0; round < 3; round += 1) {
      const html = await (await postForm(s.host, '/products/prices/preview', form, { Cookie: s.cookie })).text();
      const token = /name="token" value="([0-9a-f]{64})"/.exec(html)![1]!;
      const statuses = (
        await Promise.all(
          [1, 2].map(() => postForm(s.host, '/products/prices/apply', { ...form, token }, { Cookie: s.cookie })),
        )
      ).map((response) => response.status);
      expect(statuses.sort()).toEqual([303, 409]);
    }
    // 1000 x 1.125^3 = 1423.828125 -> 1125.00, 1265.63 (1265.625), 1423.83 (1423.83875 from 1265.63)
    expect(new Set(Object.values(await pricesOf(s, Object.values(ids))))).toEqual(new Set(['1423.8300']));
    const [{ count }] = (
      await s.db.execute<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM price_update_lines l JOIN products p ON p.id = l.product_id WHERE p.brand = 'Par'`,
      )
    ).rows as [{ count: number }];
    expect(count).toBe(18);
  });

  it('previews in one round trip with 3 or 40 products; the form page is one batch and one list', async () => {
    await seedProducts(
      s,
      Array.from({ length: 40 }, (_, i) => ({ sku: `RT-${i}`, brand: i < 3 ? 'Rt3' : 'Rt40', price: '10' })),
    );
    for (const brand of ['Rt3', 'Rt40']) {
      const trips = await countRoundTrips(database(s), async () => {
        const response = await postForm(
          s.host,
          '/products/prices/preview',
          { brand, mode: 'percent', direction: 'up', value: '1', rounding: 'cents' },
          { Cookie: s.cookie },
        );
        expect(response.status).toBe(200);
        await response.text();
      });
      // the form's lists and models (one batch), recent updates, the preview
      expect(trips).toBe(3);
    }
  });

  it('is for products.prices only (a seller gets 403), and another shop sees no update of this one', async () => {
    const seller = await colleague(s, 'ventas');
    expect((await get(s.host, '/products/prices', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    const [update] = await s.db.select({ id: priceUpdates.id }).from(priceUpdates).limit(1);
    const other = await shop('owner');
    expect(
      (await get(other.host, `/products/prices/${update!.id}`, { headers: { Cookie: other.cookie } })).status,
    ).toBe(404);
  });
});

describe('catalogue lists', () => {
  it('adds, renames (on products too), reorders, archives and restores values; duplicates are 422', async () => {
    const s = await shop('owner');
    const page = await (await get(s.host, '/catalog', { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('Formas de montura');
    expect(page).toContain('Policarbonato');

    const added = await postForm(s.host, '/catalog', { list: 'colours', value: 'Verde oliva' }, { Cookie: s.cookie });
    expect(added.status).toBe(303);
    const colours = () =>
      s.db.select().from(catalogValues).where(eq(catalogValues.list, 'colours')).orderBy(catalogValues.position);
    const olive = (await colours()).at(-1)!;
    expect(olive).toMatchObject({ value: 'Verde oliva', position: 8, active: true });

    const dup = await postForm(s.host, '/catalog', { list: 'colours', value: 'negro' }, { Cookie: s.cookie });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('Esa lista ya tiene ese valor');
    expect((await colours()).length).toBe(8);
    expect((await postForm(s.host, '/catalog', { list: 'colours', value: ' ' }, { Cookie: s.cookie })).status).toBe(
      422,
    );
    expect((await postForm(s.host, '/catalog', { list: 'planets', value: 'x' }, { Cookie: s.cookie })).status).toBe(
      422,
    );

    await seedProducts(s, [
      { sku: 'REN-1', price: '1', variantColour: 'Verde oliva', lensTreatments: ['Tinte', 'Antirreflejo'] },
    ]);
    expect((await postForm(s.host, `/catalog/${olive.id}`, { value: 'Oliva' }, { Cookie: s.cookie })).status).toBe(303);
    const tint = (await s.db.select().from(catalogValues).where(eq(catalogValues.value, 'Tinte')))[0]!;
    expect((await postForm(s.host, `/catalog/${tint.id}`, { value: 'Tintado' }, { Cookie: s.cookie })).status).toBe(
      303,
    );
    const [renamed] = await s.db.select().from(products).where(eq(products.sku, 'REN-1'));
    expect(renamed).toMatchObject({ variantColour: 'Oliva', lensTreatments: ['Tintado', 'Antirreflejo'] });

    // Oliva (8th) up: swaps with Transparente (7th)
    expect(
      (await postForm(s.host, `/catalog/${olive.id}/move`, { direction: 'up' }, { Cookie: s.cookie })).status,
    ).toBe(303);
    expect((await colours()).slice(-2).map((row) => row.value)).toEqual(['Oliva', 'Transparente']);
    const black = (await colours())[0]!;
    expect(
      (await postForm(s.host, `/catalog/${black.id}/move`, { direction: 'up' }, { Cookie: s.cookie })).status,
    ).toBe(303);
    expect((await colours())[0]!.value).toBe('Negro'); // already first: unchanged

    expect((await postForm(s.host, `/catalog/${olive.id}/archive`, {}, { Cookie: s.cookie })).status).toBe(303);
    expect((await colours()).find((row) => row.id === olive.id)!.active).toBe(false);
    const [still] = await s.db.select().from(products).where(eq(products.sku, 'REN-1'));
    expect(still!.variantColour).toBe('Oliva'); // the product keeps it
    const archivedPage = await (await get(s.host, '/catalog', { headers: { Cookie: s.cookie } })).text();
    expect(archivedPage).toContain('Archivado');
    expect((await postForm(s.host, `/catalog/${olive.id}/restore`, {}, { Cookie: s.cookie })).status).toBe(303);
    expect((await colours()).at(-1)).toMatchObject({ id: olive.id, active: true });

    // Another shop: its own lists (404 for this shop's new value); a seller: 403.
    const other = await shop('owner');
    expect((await postForm(other.host, `/catalog/${olive.id}`, { value: 'X' }, { Cookie: other.cookie })).status).toBe(
      404,
    );
    const seller = await colleague(s, 'ventas');
    expect((await get(s.host, '/catalog', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    expect(
      (await postForm(s.host, '/catalog', { list: 'colours', value: 'Z' }, { Cookie: seller.cookie })).status,
    ).toBe(403);
  });
});

describe('barcodes, the scan in every picker, margins', () => {
  it('adds checked, unique barcodes, generates internal ones, and a scan finds the product everywhere', async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const ids = await seedProducts(s, [
      { sku: 'BC-FRAME', name: 'Montura Lúa', price: '8500.5000', cost: '4200.0000' },
      // its SKU starts like the other's barcode: the barcode's product still comes first
      { sku: '4006381333931-X', name: 'Aaa estuche', price: '100.0000', category: 'accesorios' },
      { sku: 'BC-NOCOST', name: 'Sin costo', price: '10' },
    ]);
    const frame = ids['BC-FRAME']!;
    const add = (code: string, id = frame, extra: Record<string, string> = {}) =>
      postForm(s.host, `/products/${id}/barcodes`, { code, ...extra }, { Cookie: s.cookie });
    expect((await add(' 4006381333931 ')).status).toBe(303);
    const badDigit = await add('4006381333932');
    expect(badDigit.status).toBe(422);
    expect(await badDigit.text()).toContain('El dígito verificador no coincide');
    expect((await add('036000291453')).status).toBe(422); // UPC-A with a wrong check digit
    const taken = await add('4006381333931', ids['BC-NOCOST']!);
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('Ese código ya es del producto BC-FRAME (Montura Lúa).');
    expect((await add('mon-lua-ng')).status).toBe(303); // the shop's own Code 128 text, stored upper-case
    expect((await add('', frame, { _action: 'generate' })).status).toBe(303);
    const codes = (
      await s.db.execute<{ code: string }>(
        sql`SELECT code FROM product_barcodes WHERE product_id = ${frame}::uuid ORDER BY created_at`,
      )
    ).rows.map((row) => row.code);
    expect(codes.slice(0, 2)).toEqual(['4006381333931', 'MON-LUA-NG']);
    expect(codes[2]).toMatch(/^20\d{11}$/);

    const page = await (await get(s.host, `/products/${frame}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('4006381333931');
    // margin: 8500.50 - 4200.00 = 4300.50; 4300.50 / 8500.50 = 50.591...%
    expect(page).toContain('RD$ 4,300.50 (50.59 % del precio)');
    const noCost = await (await get(s.host, `/products/${ids['BC-NOCOST']}`, { headers: { Cookie: s.cookie } })).text();
    expect(noCost).toContain('Sin costo registrado');

    // The pickers of every form: the scanned barcode's product first.
    const pickedSkus = (html: string) => [...html.matchAll(/name="pickProduct" value="([^"]*)"/g)].map((m) => m[1]);
    for (const form of ['invoices', 'quotations', 'stock-adjust', 'stock-transfer']) {
      const html = await (
        await get(s.host, `/pickers/products?for=${form}&q=4006381333931`, { headers: { Cookie: s.cookie } })
      ).text();
      expect(pickedSkus(html)[0], form).toBe('BC-FRAME');
      expect(pickedSkus(html), form).toContain('4006381333931-X');
    }
    // The sales editor's scan field adds the product by its barcode (a second scan is one more unit).
    const scan = await postForm(
      s.host,
      '/sales-editor/invoices/lines',
      {
        _action: 'scan',
        scanCode: 'mon-lua-ng',
        currencyCode: 'DOP',
        'lines.0.sku': 'BC-FRAME',
        'lines.0.quantity': '1',
      },
      { Cookie: s.cookie, 'HX-Request': 'true' },
    );
    const scanned = await scan.text();
    expect(scanned).toMatch(/name="lines\.0\.quantity" value="2"/);
    // The stock forms take a scanned code in their SKU field; the products list finds it.
    const adjust = await postForm(
      s.host,
      '/stock/adjust',
      { sku: '4006381333931', branchId: s.main.id, quantity: '3', reason: 'Conteo' },
      { Cookie: s.cookie },
    );
    expect(adjust.status).toBe(200);
    expect(await adjust.text()).toContain('BC-FRAME');
    const [level] = (
      await s.db.execute<{ quantity: number }>(sql`SELECT quantity FROM stock WHERE product_id = ${frame}::uuid`)
    ).rows;
    expect(level?.quantity).toBe(3);
    const list = await (
      await get(s.host, '/products?q=4006381333931', { headers: { Cookie: s.cookie, 'HX-Request': 'true' } })
    ).text();
    expect(list).toContain('BC-FRAME');

    // Removing; another shop cannot touch this product's codes.
    const other = await shop('owner');
    expect(
      (await postForm(other.host, `/products/${frame}/barcodes`, { code: '96385074' }, { Cookie: other.cookie }))
        .status,
    ).toBe(404);
    const otherPick = await (
      await get(other.host, '/pickers/products?for=invoices&q=4006381333931', { headers: { Cookie: other.cookie } })
    ).text();
    expect(pickedSkus(otherPick)).toEqual([]);
    expect(
      (await postForm(s.host, `/products/${frame}/barcodes/remove`, { code: 'MON-LUA-NG' }, { Cookie: s.cookie }))
        .status,
    ).toBe(303);
    expect(
      (await postForm(s.host, `/products/${frame}/barcodes/remove`, { code: 'MON-LUA-NG' }, { Cookie: s.cookie }))
        .status,
    ).toBe(404);
    const seller = await colleague(s, 'ventas');
    expect(
      (await postForm(s.host, `/products/${frame}/barcodes`, { code: '96385074' }, { Cookie: seller.cookie })).status,
    ).toBe(403);
  });
});

describe('lens and frame products', () => {
  it('takes list values and power ranges (0.25 steps, Rx ranges, min <= max, both ends), says what powers it covers', async () => {
    const s = await shop('owner');
    const lens = {
      sku: 'LEN-PROG-167',
      name: 'Progresivo 1.67 AR',
      category: 'lentes',
      price: '9500',
      cost: '3800',
      taxCode: 'ITBIS18',
      trackStock: 'on',
      active: 'on',
      lensType: 'Progresivo',
      lensMaterial: 'Alto índice',
      lensIndex: '1.67',
      lensTreatments: 'Antirreflejo',
      sphereMin: '-8',
      sphereMax: '+6.00',
      cylinderMin: '-4.00',
      cylinderMax: '0',
      addMin: '0.75',
      addMax: '3.50',
    };
    for (const [bad, field, message] of [
      [{ sphereMin: '-8.10' }, 'sphereMin', 'pasos de 0.25'],
      [{ sphereMax: '+21.00' }, 'sphereMax', 'pasos de 0.25'],
      [{ cylinderMax: '+1.00' }, 'cylinderMax', 'pasos de 0.25'], // minus cylinder only
      [{ addMin: '4.00', addMax: '' }, 'addMin', 'pasos de 0.25'],
      [{ addMax: '' }, 'addMax', 'los dos extremos'],
      [{ sphereMin: '+7.00' }, 'sphereMax', 'mayor o igual que el mínimo'],
      [{ lensType: 'Trifocal' }, 'lensType', 'valor de la lista'],
      [{ lensTreatments: 'Dorado' }, 'lensTreatments', 'valor de la lista'],
    ] as const) {
      const response = await postForm(s.host, '/products', { ...lens, ...bad }, { Cookie: s.cookie });
      expect(response.status, field).toBe(422);
      const html = await response.text();
      expect(html, field).toContain(message);
      if (field !== 'lensTreatments')
        expect(html, field).toMatch(new RegExp(`id="field-${field}"[^>]*aria-invalid="true"`));
    }
    expect(await s.db.select().from(products)).toEqual([]);

    const created = await postForm(s.host, '/products', lens, { Cookie: s.cookie });
    expect(created.status).toBe(303);
    const [row] = await s.db.select().from(products);
    expect(row).toMatchObject({
      lensType: 'Progresivo',
      lensIndex: '1.67',
      lensTreatments: ['Antirreflejo'],
      sphereMin: '-8.00',
      sphereMax: '6.00',
      cylinderMin: '-4.00',
      cylinderMax: '0.00',
      addMin: '0.75',
      addMax: '3.50',
    });
    const page = await (await get(s.host, `/products/${row!.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('Esfera -8.00 a +6.00 · Cilindro -4.00 a 0.00 · Adición +0.75 a +3.50');
    // 9500 - 3800 = 5700 = 60 % of the price
    expect(page).toContain('RD$ 5,700.00 (60.00 % del precio)');

    // An archived value stays on the product that has it (its form still offers it) but is refused for a new one.
    await s.db.update(catalogValues).set({ active: false }).where(eq(catalogValues.value, 'Progresivo'));
    const kept = await postForm(
      s.host,
      `/products/${row!.id}`,
      { ...lens, name: 'Progresivo 1.67' },
      { Cookie: s.cookie },
    );
    expect(kept.status).toBe(303);
    const refused = await postForm(s.host, '/products', { ...lens, sku: 'LEN-2' }, { Cookie: s.cookie });
    expect(refused.status).toBe(422);

    // The API carries the fields (and refuses a bad range with problem+json).
    const { bearer } = s;
    const got = await (await api(s.host, `/products/${row!.id}`, bearer)).json();
    expect(got).toMatchObject({
      lensType: 'Progresivo',
      sphereMin: '-8.00',
      addMax: '3.50',
      lensTreatments: ['Antirreflejo'],
    });
    const badApi = await api(s.host, `/products/${row!.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ cylinderMin: '-1.00', cylinderMax: '-2.00' }),
    });
    expect(badApi.status).toBe(422);
    expect(((await badApi.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ field: 'cylinderMax' }),
    ]);
  });
});

describe('frame variants', () => {
  it('generates colour x size variants under a model, each its own product; the model lists them with stock', async () => {
    const s = await shop('owner');
    const ids = await seedProducts(s, [
      { sku: 'RB3025', name: 'Ray-Ban Aviator', brand: 'Ray-Ban', price: '8500', cost: '4000', frameShape: 'Aviador' },
      { sku: 'RB3025-DOR-58', name: 'Otro producto', price: '1' },
    ]);
    const model = ids.RB3025!;
    const generate = (body: Record<string, string | string[]>) =>
      postForm(s.host, `/products/${model}/variants`, body as Record<string, string>, { Cookie: s.cookie });
    // RB3025-DOR-58 is taken by another product: nothing is created.
    const taken = await generate({ colours: 'Dorado', sizes: '55, 58' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('Estos SKU ya existen en otros productos: RB3025-DOR-58');
    await s.db.delete(products).where(eq(products.id, ids['RB3025-DOR-58']!));
    expect((await generate({ colours: 'Morado', sizes: '55' })).status).toBe(422); // not in the colour list
    expect((await generate({ sizes: ' ' })).status).toBe(422); // nothing chosen

    const body = new URLSearchParams([
      ['colours', 'Negro'],
      ['colours', 'Dorado'],
      ['sizes', '55, 58'],
    ]);
    const response = await get(s.host, `/products/${model}/variants`, {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${s.host}` },
    });
    expect(response.status).toBe(303);
    const variants = await s.db.select().from(products).where(eq(products.parentId, model)).orderBy(products.sku);
    expect(
      variants.map((v) => [v.sku, v.variantColour, v.variantSize, v.price, v.cost, v.frameShape, v.brand]),
    ).toEqual([
      ['RB3025-DOR-55', 'Dorado', '55', '8500.0000', '4000.0000', 'Aviador', 'Ray-Ban'],
      ['RB3025-DOR-58', 'Dorado', '58', '8500.0000', '4000.0000', 'Aviador', 'Ray-Ban'],
      ['RB3025-NEG-55', 'Negro', '55', '8500.0000', '4000.0000', 'Aviador', 'Ray-Ban'],
      ['RB3025-NEG-58', 'Negro', '58', '8500.0000', '4000.0000', 'Aviador', 'Ray-Ban'],
    ]);
    // Again with one more size: the four that exist stay, two are added.
    const again = await get(s.host, `/products/${model}/variants`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams([
        ['colours', 'Negro'],
        ['colours', 'Dorado'],
        ['sizes', '55, 58, 61'],
      ]),
      headers: { Cookie: s.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${s.host}` },
    });
    expect(again.headers.get('location')).toContain('variants=2&existing=4');
    await s.db.execute(
      sql`INSERT INTO stock (product_id, branch_id, quantity) SELECT id, ${s.main.id}::uuid, 3 FROM products WHERE sku = 'RB3025-NEG-58'`,
    );
    const page = await (await get(s.host, `/products/${model}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('Variantes (6)');
    expect(page).toMatch(/RB3025-NEG-58[\s\S]*?Negro[\s\S]*?58[\s\S]*?RD\$ 8,500\.00[\s\S]*?>3</);
    const variantPage = await (
      await get(s.host, `/products/${variants[0]!.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(variantPage).toContain('Variante del modelo');
    expect(variantPage).not.toContain('Generar variantes');
    // Another shop: 404.
    const other = await shop('owner');
    expect(
      (await postForm(other.host, `/products/${model}/variants`, { colours: 'Negro' }, { Cookie: other.cookie }))
        .status,
    ).toBe(404);
  });
});
