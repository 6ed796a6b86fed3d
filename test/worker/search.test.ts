/**
 * Searches of invoices, quotations, receipts, contacts and products: accent- and case-insensitive
 * names, NCF / identification / phone prefixes, in the UI and the API; and, on a shop of realistic
 * size, every hot search query answered through indexes (EXPLAIN), timed beside the old predicate.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listContacts } from '../../src/queries/contacts';
import { invoiceFormOptions, listInvoices } from '../../src/queries/invoices';
import { listPayments } from '../../src/queries/payments';
import { listProducts } from '../../src/queries/products';
import { listQuotations, quotationFormContext } from '../../src/queries/quotations';
import { explain, explainLast } from '../support/worker/explain';
import { get, postForm } from '../support/worker/helpers';
import { invoiceShop, type InvoiceShop } from '../support/worker/invoices';

const control = 'Pedro Castillo';
const marias = ['María Pérez Núñez', 'MARÍA LÓPEZ', 'Maria Gómez', 'MARÍA SIN FICHA'];

/** Four customers (three named María in three spellings, one control), an issued invoice, a receipt and a quotation each, and a walk-in buyer. */
async function seedSmall(s: InvoiceShop) {
  await s.db.execute(sql`
    WITH people (name, id_number, phone, mobile, n) AS (
      VALUES ('María Pérez Núñez', '00113918205', '8095551234', NULL, 1), ('MARÍA LÓPEZ', '40212345678', NULL, '8295550000', 2),
             ('Maria Gómez', NULL, '8495557777', NULL, 3), (${control}, '00100000001', '8091112222', NULL, 4)
    ), c AS (
      INSERT INTO contacts (name, id_type, id_number, phone, mobile)
      SELECT name, CASE WHEN id_number IS NULL THEN NULL ELSE 'cedula' END, id_number, phone, mobile FROM people RETURNING id, name, id_number
    ), inv AS (
      INSERT INTO invoices (status, ncf_type, ncf, issued_on, customer_id, buyer_name, buyer_id_number, branch_id, currency_code, total)
      SELECT 'issued', 'B02', 'B02' || lpad(p.n::text, 8, '0'), current_date, c.id, c.name, c.id_number, ${s.main.id}::uuid, 'DOP', 1000
        FROM c JOIN people p USING (name)
      UNION ALL
      SELECT 'issued', 'B02', 'B0200000009', current_date, NULL, 'MARÍA SIN FICHA', NULL, ${s.main.id}::uuid, 'DOP', 1000
      RETURNING id, ncf
    ), pay AS (
      INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount)
      SELECT id, 'REC-' || ncf, ${s.b02.id}::uuid, ${s.main.id}::uuid, current_date, '1', 100 FROM inv RETURNING id
    )
    INSERT INTO quotations (number, sequence_id, customer_id, branch_id, currency_code, quoted_on)
    SELECT 'COT-' || lpad(row_number() OVER ()::text, 4, '0'), ${s.b02.id}::uuid, id, ${s.main.id}::uuid, 'DOP', current_date FROM c`);
}

const lists = ['invoices', 'quotations', 'payments', 'contacts'] as const;

async function found(s: InvoiceShop, list: string, q: string) {
  const query = `?q=${encodeURIComponent(q)}`;
  const api = await get(s.host, `/api/v1/${list}${query}`, { headers: { Authorization: s.bearer } });
  expect(api.status, `${list} API ${q}`).toBe(200);
  const page = await get(s.host, `/${list}${query}`, { headers: { Cookie: s.cookie } });
  expect(page.status, `${list} page ${q}`).toBe(200);
  return { api: JSON.stringify(((await api.json()) as { data: unknown }).data), ui: await page.text() };
}

describe('searches: accents, case and prefixes', () => {
  it('"maria", "María", "MARÍA" and "Maria" find every María in every list, UI and API', async () => {
    const s = await invoiceShop();
    await seedSmall(s);
    for (const q of ['maria', 'María', 'MARÍA', 'Maria']) {
      for (const list of lists) {
        const { api, ui } = await found(s, list, q);
        // Contacts have no walk-in buyer; every other list finds it through the printed buyer name.
        const expected = list === 'contacts' || list === 'quotations' ? marias.slice(0, 3) : marias;
        for (const name of expected) {
          expect(api, `${list} API ${q}`).toContain(name);
          expect(ui, `${list} page ${q}`).toContain(name);
        }
        expect(api, `${list} API ${q}`).not.toContain(control);
        expect(ui, `${list} page ${q}`).not.toContain(control);
      }
    }
    // Two words, accents in the query but not in the name and the other way round.
    const { api } = await found(s, 'invoices', 'perez nuñez');
    expect(api).toContain('María Pérez Núñez');
    expect(api).not.toContain('MARÍA LÓPEZ');
  });

  it('finds by NCF prefix, identification prefix and phone prefix', async () => {
    const s = await invoiceShop();
    await seedSmall(s);
    const ncf = await found(s, 'invoices', 'b020000000');
    for (const name of [...marias, control]) expect(ncf.api).toContain(name);
    expect((await found(s, 'invoices', 'B0200000004')).api).toContain(control);
    expect((await found(s, 'invoices', 'B0200000004')).api).not.toContain('MARÍA');
    expect((await found(s, 'payments', 'B0200000003')).api).toContain('Maria Gómez');
    expect((await found(s, 'payments', 'B0200000003')).api).not.toContain(control);
    for (const list of lists) {
      const byId = await found(s, list, '001-1391');
      expect(byId.api, `${list} by cédula`).toContain('María Pérez Núñez');
      expect(byId.api, `${list} by cédula`).not.toContain('Maria Gómez');
      const byPhone = await found(s, list, '(849) 555');
      expect(byPhone.api, `${list} by phone`).toContain('Maria Gómez');
      expect(byPhone.api, `${list} by phone`).not.toContain('María Pérez');
      const byMobile = await found(s, list, '829-555');
      expect(byMobile.api, `${list} by mobile`).toContain('MARÍA LÓPEZ');
      expect(byMobile.ui, `${list} by mobile`).not.toContain(control);
    }
  });

  it('takes LIKE characters literally and answers odd input without a 500', async () => {
    const s = await invoiceShop();
    await seedSmall(s);
    for (const list of lists) {
      for (const q of ['%', '_', '\\', '%ar%']) {
        const { api } = await found(s, list, q);
        expect(api, `${list} ${q}`).toBe('[]');
      }
      for (const q of ['\u0000', 'x'.repeat(500), "'; drop table contacts; --"]) {
        const response = await get(s.host, `/api/v1/${list}?q=${encodeURIComponent(q)}`, {
          headers: { Authorization: s.bearer },
        });
        expect(response.status, `${list} ${JSON.stringify(q.slice(0, 10))}`).toBeLessThan(500);
        const page = await get(s.host, `/${list}?q=${encodeURIComponent(q)}`, { headers: { Cookie: s.cookie } });
        expect(page.status, `${list} page ${JSON.stringify(q.slice(0, 10))}`).toBeLessThan(500);
      }
    }
  });

  it('the quotation and invoice forms search customers instead of listing them', async () => {
    const s = await invoiceShop();
    await seedSmall(s);
    const quotation = await quotationFormContext(s.db, null, 'maria');
    expect(quotation.customers.map((row) => row.name).sort()).toEqual(
      ['MARÍA LÓPEZ', 'Maria Gómez', 'María Pérez', 'María Pérez Núñez'].sort(),
    );
    const invoice = await invoiceFormOptions(s.db, { ncfTypes: ['B02'], customerSearch: 'lopez' });
    expect(invoice.customers.map((row) => row.name)).toEqual(['MARÍA LÓPEZ']);
    const blank = await (await get(s.host, '/invoices/new', { headers: { Cookie: s.cookie } })).text();
    expect(blank).not.toContain('Maria Gómez');
    const fields = {
      customerSearch: 'lópez',
      _action: 'findCustomer',
      ncfType: 'B02',
      currencyCode: 'DOP',
      branchId: s.main.id,
    };
    const plainAndHtmx: Array<Record<string, string>> = [
      { Cookie: s.cookie },
      { Cookie: s.cookie, 'HX-Request': 'true' },
    ];
    for (const headers of plainAndHtmx) {
      const response = await postForm(s.host, '/invoices', fields, headers);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toMatch(/<select[^>]*id="field-customerId"[\s\S]*MARÍA LÓPEZ/);
      expect(html).not.toContain('Maria Gómez');
      expect(html).toContain('name="customerSearch"');
    }
    expect(await s.db.execute(sql`SELECT 1 FROM invoices WHERE status = 'draft'`)).toHaveProperty('rows', []);
    const products = await listProducts(s.db, { q: 'clasica', limit: 10 });
    expect(products.rows.map((row) => row.sku)).toEqual(['MON-1']);
  });
});

describe('search plans at shop size', () => {
  it('answers every hot search through indexes on 100,000 contacts and 20,000 invoices', {
    timeout: 120_000,
  }, async () => {
    const s = await invoiceShop();
    const { db } = s;
    const started = Date.now();
    await db.execute(sql`
      INSERT INTO contacts (name, id_type, id_number, phone, created_at, updated_at)
      SELECT (ARRAY['María','José','Ana','Luis','Carmen','Pedro','Rosa','Juan','Ángela','Ramón','Altagracia','Miguel','Yolanda',
                    'Francisco','Mercedes','Rafael','Josefina','Manuel','Lucía','Andrés','Wanda','Félix','Yesenia','Héctor',
                    'Milagros','Julio','Rosanna','Víctor','Yokasta','Radhamés','Esther','Fausto','Nelly','Ismael','Dilenia',
                    'Óscar','Griselda','Joaquín','Ivelisse','Ricardo','Belkis','Sergio','Paola','Wilson','Carolina','Edwin',
                    'Dahiana','Ulises','Zoila','Nicolás','Katherine','Arsenio','Marisol','Benjamín','Yajaira','César',
                    'Lourdes','Tomás','Raquel','Darío'])[1 + n % 60] || ' ' ||
             (ARRAY['Pérez','Rodríguez','Gómez','Martínez','Núñez','Peña','Díaz','Sánchez','Reyes','Jiménez','Castillo',
                    'Hernández','Santana','Guzmán','De la Cruz','Batista','Féliz','Mejía','Ureña','Almonte'])[1 + (n / 60) % 20] || ' ' || n,
             'cedula', lpad((20000000000 + n * 7)::text, 11, '0'), '809' || lpad(n::text, 7, '0'),
             now() - n * interval '1 minute', now() - n * interval '1 minute'
        FROM generate_series(1, 100000) n`);
    await db.execute(sql`
      INSERT INTO invoices (status, ncf_type, ncf, issued_on, customer_id, buyer_name, buyer_id_number, branch_id, currency_code, total, created_at, updated_at)
      SELECT CASE WHEN rn % 10 = 0 THEN 'draft' ELSE 'issued' END, 'B02',
             CASE WHEN rn % 10 = 0 THEN NULL ELSE 'B02' || lpad(rn::text, 8, '0') END, current_date, id,
             CASE WHEN rn % 10 = 0 THEN NULL ELSE name END, CASE WHEN rn % 10 = 0 THEN NULL ELSE id_number END,
             ${s.main.id}::uuid, 'DOP', 1000, now() - rn * interval '1 minute', now()
        FROM (SELECT id, name, id_number, row_number() OVER (ORDER BY id) rn FROM contacts) c WHERE rn <= 20000`);
    await db.execute(sql`
      INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, created_at)
      SELECT id, 'REC-' || ncf, ${s.b02.id}::uuid, ${s.main.id}::uuid, current_date, '1', 100, created_at
        FROM invoices WHERE ncf IS NOT NULL AND ncf_type = 'B02' AND right(ncf, 1) IN ('1', '3', '5', '7')`);
    await db.execute(sql`
      INSERT INTO quotations (number, sequence_id, customer_id, branch_id, currency_code, quoted_on, created_at)
      SELECT 'COT-' || lpad(rn::text, 6, '0'), ${s.b02.id}::uuid, id, ${s.main.id}::uuid, 'DOP', current_date, now() - rn * interval '1 minute'
        FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM contacts) c WHERE rn % 4 = 0 AND rn <= 20000`);
    await db.execute(sql`
      INSERT INTO products (sku, name, category, price, tax_id)
      SELECT 'P-' || n, (ARRAY['Montura','Lente','Estuche','Líquido','Cordón'])[1 + n % 5] || ' ' || n, 'monturas', 100, ${s.tax('ITBIS18').id}
        FROM generate_series(1, 5000) n`);
    await db.execute(sql`ANALYZE contacts, invoices, payments, quotations, products`);
    const seedMs = Date.now() - started;

    const scope = { branchIds: null, limit: 50 } as const;
    const plans = {
      'invoices by name': await explainLast(db, (r) => listInvoices(r, { ...scope, q: 'maria' })),
      'invoices by name, rare': await explainLast(db, (r) => listInvoices(r, { ...scope, q: 'pena ramon' })),
      'invoices by NCF': await explainLast(db, (r) => listInvoices(r, { ...scope, q: 'B0200012' })),
      'invoices by cédula': await explainLast(db, (r) => listInvoices(r, { ...scope, q: '2000000700' })),
      'invoices by phone': await explainLast(db, (r) => listInvoices(r, { ...scope, q: '809-001-23' })),
      'quotations by name': await explainLast(db, (r) =>
        listQuotations(r, { branchIds: null, limit: 50, q: 'angela reyes' }),
      ),
      'payments by name': await explainLast(db, (r) => listPayments(r, { scope: null, limit: 50, q: 'maria nunez' })),
      'contacts by name': await explainLast(db, (r) => listContacts(r, { q: 'maria perez' })),
      'products by name': await explainLast(db, (r) => listProducts(r, { q: 'liquido 12', limit: 50 })),
      'quotation form customers': await explainLast(db, (r) => quotationFormContext(r, null, 'lucia')),
      'invoice form customers': await explainLast(db, (r) =>
        invoiceFormOptions(r, { ncfTypes: ['B02'], customerSearch: 'lucia' }),
      ),
    };
    const scans = Object.fromEntries(
      Object.entries(plans).map(([name, plan]) => [name, plan.seqScans.map((node) => node['Relation Name'])]),
    );
    expect(scans).toEqual(Object.fromEntries(Object.keys(plans).map((name) => [name, []])));
    expect(plans['invoices by name'].indexes).toEqual(
      expect.arrayContaining(['invoices_buyer_name_search_idx', 'contacts_name_search_idx', 'invoices_customer_idx']),
    );
    // The list matches on the stored folded name (no unaccent per candidate row).
    expect(plans['contacts by name'].indexes).toContain('contacts_name_fold_idx');
    // A prefix: the unique btree serves it where the collation allows, else the trigram index.
    expect(
      plans['invoices by NCF'].indexes.filter((name) => /^invoices_ncf_(key|search_idx)$/.test(name!)),
    ).not.toEqual([]);
    expect(plans['invoices by cédula'].indexes).toContain('invoices_buyer_id_number_idx');

    // The predicate the list used before: every invoice read, each with its contact. The same plan
    // check catches it, so the check above can fail.
    const before = await explain(
      db,
      `SELECT i.id FROM invoices i LEFT JOIN contacts c ON c.id = i.customer_id
        WHERE i.kind = 'invoice' AND (lower(i.ncf) LIKE $1 OR lower(coalesce(i.buyer_name, c.name, '')) LIKE $2)
        ORDER BY i.created_at DESC, i.id DESC LIMIT 51`,
      ['maría%', '%maría%'],
    );
    // The contacts list matched on lower(name) before the folded indexes: a scan the same check catches.
    const unindexed = await explain(
      db,
      `SELECT id FROM contacts WHERE lower(name) LIKE $1 ORDER BY lower(name) || '', id LIMIT 51`,
      ['%maria%'],
    );
    expect(unindexed.seqScans.map((node) => node['Relation Name'])).toContain('contacts');
    const median = async (run: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let round = 0; round < 7; round++) {
        const start = performance.now();
        await run();
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[3]!.toFixed(1);
    };
    const oldSql = before.query;
    const wall = {
      before: await median(() => db.$client.query(oldSql, ['maría%', '%maría%'])),
      after: await median(() => listInvoices(db, { ...scope, q: 'maria' })),
      afterRare: await median(() => listInvoices(db, { ...scope, q: 'pena ramon' })),
    };
    console.log(
      `search plans: seeded in ${seedMs} ms; invoice-by-name wall median (client + local endpoint) before ${wall.before} ms ` +
        `(finds "maría" only), after ${wall.after} ms ("maria"), ${wall.afterRare} ms ("pena ramon"); EXPLAIN ANALYZE: before ${before.ms.toFixed(1)} ms, ` +
        Object.entries(plans)
          .map(([name, plan]) => `${name} ${plan.ms.toFixed(1)} ms`)
          .join(', '),
    );

    // A common term ("ana": Ana, Santana, Dahiana, ... in the newest invoices) is answered from the
    // newest invoices alone, a rare one ("pena ramon") by the search indexes: both must give exactly
    // the rows and order of the whole predicate, first page and the next.
    const reference = (word: string, offset: number) =>
      db.execute<{ id: string }>(sql`
        SELECT i.id FROM invoices i LEFT JOIN contacts c ON c.id = i.customer_id
         WHERE i.kind = 'invoice'
           AND ${sql.join(
             word
               .split(' ')
               .map((w) => sql`(search_fold(i.buyer_name) LIKE ${`%${w}%`} OR search_fold(c.name) LIKE ${`%${w}%`})`),
             sql` AND `,
           )}
         ORDER BY i.created_at DESC, i.id DESC LIMIT 50 OFFSET ${offset}`);
    for (const term of ['ana', 'pena ramon', 'maria']) {
      const first = await listInvoices(db, { ...scope, q: term });
      expect(first.rows.map((row) => row.id)).toEqual((await reference(term, 0)).rows.map((row) => row.id));
      const second = first.next ? (await listInvoices(db, { ...scope, q: term, after: first.next })).rows : [];
      expect(second.map((row) => row.id)).toEqual((await reference(term, 50)).rows.map((row) => row.id));
    }
    expect((await reference('ana', 0)).rows).toHaveLength(50);
    expect((await reference('pena ramon', 0)).rows.length).toBeLessThan(50);
  });
});
