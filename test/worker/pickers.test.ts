/**
 * The customer and product pickers of the forms: they search (accent-insensitive name, SKU prefix,
 * identification), answer a small page at most, follow the form's permission and the shop of the
 * host, work without htmx (the form posts back with the matches), and the forms no longer carry the
 * catalogue. On a few thousand products the product search is answered through indexes.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { pickProducts } from '../../src/queries/pickers';
import { explainLast } from '../support/worker/explain';
import { get, postForm, signedIn } from '../support/worker/helpers';
import { invoiceShop, type InvoiceShop } from '../support/worker/invoices';

async function seedCatalogue(s: InvoiceShop) {
  await s.db.execute(sql`
    INSERT INTO products (sku, name, category, price, tax_id) VALUES
      ('LEN-CL-1', 'Lente Clásico', 'lentes', 2500, ${s.tax('ITBIS18').id}),
      ('LEN-PR-1', 'Lente Progresivo', 'lentes', 9000, ${s.tax('ITBIS18').id}),
      ('7501234567890', 'Estuche rígido', 'accesorios', 300, ${s.tax('ITBIS18').id})`);
  await s.db.execute(sql`
    INSERT INTO products (sku, name, category, price, tax_id, active)
    VALUES ('LEN-CL-OLD', 'Lente Clásico viejo', 'lentes', 100, ${s.tax('ITBIS18').id}, false)`);
  await s.db.execute(sql`
    INSERT INTO contacts (name, id_type, id_number) VALUES ('MARÍA LÓPEZ', 'cedula', '40212345678'), ('Pedro Castillo', NULL, NULL)`);
}

const picker = (s: InvoiceShop, path: string, cookie = s.cookie) => get(s.host, path, { headers: { Cookie: cookie } });

/** The SKUs a product picker answer offers (one submit button each). */
const pickedSkus = (html: string) => [...html.matchAll(/name="pickProduct" value="([^"]*)"/g)].map((match) => match[1]);

// Each test seeds its own shop; on a busy 2-core machine that alone can take the default 5 s.
describe('pickers', { timeout: 30_000 }, () => {
  it('find "Lente Clásico" by "clasico" and by SKU or barcode prefix, and María by "maria", for every form', async () => {
    const s = await invoiceShop();
    await seedCatalogue(s);
    for (const form of ['invoices', 'quotations', 'stock-adjust', 'stock-transfer']) {
      const byName = await picker(s, `/pickers/products?for=${form}&productSearch=clasico`);
      expect(byName.status, form).toBe(200);
      const html = await byName.text();
      expect(pickedSkus(html), form).toEqual(['LEN-CL-1']);
      expect(html).toContain('aria-live="polite"');
      expect(pickedSkus(await (await picker(s, `/pickers/products?for=${form}&q=len-cl`)).text())).toEqual([
        'LEN-CL-1',
      ]);
      expect(pickedSkus(await (await picker(s, `/pickers/products?for=${form}&q=750123`)).text())).toEqual([
        '7501234567890',
      ]);
    }
    // Branch-aware: the frame has 10 on hand in the main branch.
    const frame = await (await picker(s, `/pickers/products?for=invoices&q=montura&branchId=${s.main.id}`)).text();
    expect(frame).toContain('Existencia: 10');
    for (const form of ['invoices', 'quotations']) {
      const html = await (await picker(s, `/pickers/customers?for=${form}&customerSearch=maria`)).text();
      expect(html).toContain('MARÍA LÓPEZ');
      expect(html).toContain('María Pérez');
      expect(html).not.toContain('Pedro Castillo');
      const byId = await (await picker(s, `/pickers/customers?for=${form}&customerSearch=402-1234`)).text();
      expect(byId).toContain('MARÍA LÓPEZ');
      expect(byId).not.toContain('María Pérez');
    }
  });

  it('never answers more than a page of 20 on a shop with 400 products and 60 Marías', async () => {
    const s = await invoiceShop();
    await s.db.execute(sql`
      INSERT INTO products (sku, name, category, price, tax_id)
      SELECT 'P-' || lpad(n::text, 4, '0'), 'Producto ' || lpad(n::text, 4, '0'), 'lentes', 100, ${s.tax('ITBIS18').id}
        FROM generate_series(1, 400) n`);
    await s.db.execute(sql`INSERT INTO contacts (name) SELECT 'María ' || n FROM generate_series(1, 60) n`);
    const products = await (await picker(s, '/pickers/products?for=invoices&q=producto')).text();
    expect(pickedSkus(products)).toHaveLength(20);
    const customers = await (await picker(s, '/pickers/customers?for=invoices&customerSearch=maria')).text();
    expect([...customers.matchAll(/<option value="[0-9a-f-]{36}"/g)]).toHaveLength(20);
    // The forms carry none of the catalogue: not the 400th product, nor any product name.
    for (const path of ['/invoices/new', '/quotations/new']) {
      const html = await (await picker(s, path)).text();
      expect(html, path).not.toContain('Producto 0400');
      expect(html, path).not.toContain('Producto 0001');
      expect(html, path).not.toContain('<datalist');
      expect(html, path).toContain('name="productSearch"');
    }
  });

  it('works without htmx: the form posts back with the matches, and a picked product becomes a line', async () => {
    const s = await invoiceShop();
    await seedCatalogue(s);
    const header = { ncfType: 'B02', currencyCode: 'DOP', branchId: s.main.id, customerId: s.walkIn.id };
    for (const path of ['/invoices', '/quotations']) {
      const found = await postForm(
        s.host,
        path,
        { ...header, productSearch: 'clásico', _action: 'findProduct' },
        {
          Cookie: s.cookie,
        },
      );
      expect(found.status, path).toBe(200);
      const html = await found.text();
      expect(pickedSkus(html), path).toEqual(['LEN-CL-1']);
      expect(html, path).toContain('value="clásico"');
      // The chosen customer stays chosen, alone (no search typed for customers).
      expect(html, path).toMatch(/<option value="[^"]+" selected[^>]*>María Pérez/);
      expect(html, path).not.toContain('Pedro Castillo');
      const picked = await postForm(
        s.host,
        path,
        {
          ...header,
          productSearch: 'clásico',
          'lines.0.sku': 'MON-1',
          'lines.0.quantity': '2',
          pickProduct: 'LEN-CL-1',
        },
        { Cookie: s.cookie },
      );
      expect(picked.status, path).toBe(200);
      const form = await picked.text();
      expect(form, path).toContain('name="lines.0.sku" value="MON-1"');
      expect(form, path).toContain('name="lines.1.sku" value="LEN-CL-1"');
      expect(form, path).toContain('name="lines.1.quantity" value="1"');
    }
    expect(await s.db.execute(sql`SELECT 1 FROM invoices UNION ALL SELECT 1 FROM quotations`)).toHaveProperty(
      'rows',
      [],
    );
  });

  it("fills a stock movement's SKU without JavaScript and moves nothing while searching", async () => {
    const s = await invoiceShop();
    await seedCatalogue(s);
    const fields = { branchId: s.main.id, fromBranchId: s.main.id, quantity: '2', reason: 'Conteo' };
    for (const path of ['/stock/adjust', '/stock/transfer']) {
      const found = await postForm(
        s.host,
        path,
        { ...fields, productSearch: 'clasico', _action: 'findProduct' },
        {
          Cookie: s.cookie,
        },
      );
      expect(found.status, path).toBe(200);
      expect(pickedSkus(await found.text()), path).toEqual(['LEN-CL-1']);
      const picked = await postForm(
        s.host,
        path,
        { ...fields, productSearch: 'clasico', pickProduct: 'LEN-CL-1' },
        {
          Cookie: s.cookie,
        },
      );
      expect(picked.status, path).toBe(200);
      const form = await picked.text();
      expect(form, path).toMatch(/name="sku"[^>]*value="LEN-CL-1"/);
      expect(form, path).toContain('value="Conteo"');
    }
    // Only the frame's initial stock: neither the searches nor the picks moved anything.
    expect(await s.db.execute(sql`SELECT kind FROM stock_movements`)).toHaveProperty('rows', [{ kind: 'initial' }]);
  });

  it('opens a document to edit with its own customer chosen and no other customer or product listed', async () => {
    const s = await invoiceShop();
    await seedCatalogue(s);
    const [quotation] = (
      await s.db.execute<{ id: string }>(sql`
        INSERT INTO quotations (number, sequence_id, customer_id, branch_id, currency_code, quoted_on)
        VALUES ('COT-0001', ${s.b02.id}::uuid, ${s.walkIn.id}::uuid, ${s.main.id}::uuid, 'DOP', current_date) RETURNING id`)
    ).rows;
    const [draft] = (
      await s.db.execute<{ id: string }>(sql`
        INSERT INTO invoices (status, ncf_type, customer_id, branch_id, currency_code, total)
        VALUES ('draft', 'B02', ${s.walkIn.id}::uuid, ${s.main.id}::uuid, 'DOP', 0) RETURNING id`)
    ).rows;
    for (const path of [`/quotations/${quotation!.id}/edit`, `/invoices/${draft!.id}/edit`]) {
      const response = await picker(s, path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).toMatch(new RegExp(`<option value="${s.walkIn.id}" selected[^>]*>María Pérez`));
      expect(html, path).not.toContain('MARÍA LÓPEZ');
      expect(html, path).not.toContain('Pedro Castillo');
      expect(html, path).not.toContain('Lente Clásico');
      expect(pickedSkus(html), path).toEqual([]);
    }
  });

  it('is guarded like the form it serves', async () => {
    const s = await invoiceShop();
    await seedCatalogue(s);
    const optometrist = await signedIn(s.tenant.id, 'optometrista');
    const seller = await signedIn(s.tenant.id, 'ventas');
    const cases: Array<[string, string, number]> = [
      [optometrist.cookie, '/pickers/products?for=invoices&q=lente', 403],
      [optometrist.cookie, '/pickers/products?for=quotations&q=lente', 403],
      [optometrist.cookie, '/pickers/customers?for=invoices&q=maria', 403],
      [seller.cookie, '/pickers/products?for=invoices&q=lente', 200],
      [seller.cookie, '/pickers/products?for=stock-transfer&q=lente', 200],
      [seller.cookie, '/pickers/products?for=stock-adjust&q=lente', 403],
      [seller.cookie, '/pickers/customers?for=stock-adjust&q=maria', 404],
      [seller.cookie, '/pickers/products?for=anything&q=lente', 404],
    ];
    const responses = await Promise.all(cases.map(([cookie, path]) => picker(s, path, cookie)));
    expect(responses.map((response) => response.status)).toEqual(cases.map(([, , status]) => status));
    const anonymous = await get(s.host, '/pickers/products?for=invoices&q=lente', { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });
});

describe('pickers.security', { timeout: 30_000 }, () => {
  it("never shows another shop's products or customers, even with the same names", async () => {
    const [a, b] = await Promise.all([invoiceShop(), invoiceShop()]);
    await Promise.all([seedCatalogue(a), seedCatalogue(b)]);
    await b.db.execute(sql`
      INSERT INTO products (sku, name, category, price, tax_id) VALUES ('B-ONLY', 'Lente Clásico de B', 'lentes', 1, ${b.tax('ITBIS18').id})`);
    const [bMaria] = (await b.db.execute<{ id: string }>(sql`SELECT id FROM contacts WHERE name = 'MARÍA LÓPEZ'`)).rows;
    const products = await (await picker(a, '/pickers/products?for=invoices&q=clasico')).text();
    expect(pickedSkus(products)).toEqual(['LEN-CL-1']);
    // B's customer id as the "chosen" one: shop A's database does not have it, so it is not shown.
    const customers = await (
      await picker(a, `/pickers/customers?for=invoices&customerSearch=maria&customerId=${bMaria!.id}`)
    ).text();
    expect(customers).not.toContain(bMaria!.id);
    expect(customers).toContain('MARÍA LÓPEZ');
    // B's own cookie on A's host is no session there.
    const crossed = await get(a.host, '/pickers/products?for=invoices&q=clasico', {
      headers: { Cookie: b.cookie },
      redirect: 'manual',
    });
    expect(crossed.status).toBe(303);
  });
});

describe('product picker plan', () => {
  it('answers name and SKU searches through indexes on 5,000 products', { timeout: 60_000 }, async () => {
    const s = await invoiceShop();
    await s.db.execute(sql`
      INSERT INTO products (sku, name, brand, category, price, tax_id)
      SELECT 'P-' || n, (ARRAY['Montura','Lente','Estuche','Líquido','Cordón'])[1 + n % 5] || ' ' ||
             (ARRAY['clásico','progresivo','deportivo','infantil'])[1 + n % 4] || ' ' || n,
             (ARRAY['Ray-Ban','Oakley','Vogue','Essilor','Hoya','Zeiss','Silhouette'])[1 + n % 7],
             'lentes', 100, ${s.tax('ITBIS18').id}
        FROM generate_series(1, 5000) n`);
    await s.db.execute(sql`ANALYZE products`);
    const byName = await explainLast(s.db, (db) => pickProducts(db, 'liquido clasico 12', s.main.id));
    const bySku = await explainLast(s.db, (db) => pickProducts(db, 'p-123', s.main.id));
    // A brand and a word of the name: P-20 is a "Montura ..." (20 % 5 = 0) by Silhouette (20 % 7 = 6).
    const byBrand = await explainLast(s.db, (db) => pickProducts(db, 'silhouette montura', s.main.id));
    const found = await pickProducts(s.db, 'silhouette montura', s.main.id);
    expect(found.length).toBeGreaterThan(0);
    for (const product of found) {
      expect(product.brand).toBe('Silhouette');
      expect(product.name).toMatch(/^Montura /);
    }
    expect(found.map((product) => product.sku)).toContain('P-20');
    expect(byBrand.indexes).toContain('products_brand_search_idx');
    for (const plan of [byName, bySku, byBrand]) expect(plan.seqScans.map((node) => node['Relation Name'])).toEqual([]);
    expect(byName.indexes).toContain('products_name_search_idx');
    expect(bySku.indexes).toEqual(expect.arrayContaining(['products_sku_key', 'products_name_search_idx']));
    console.log(
      `product picker EXPLAIN ANALYZE on 5,000 products: name ${byName.ms.toFixed(1)} ms, SKU ${bySku.ms.toFixed(1)} ms`,
    );
  });
});
