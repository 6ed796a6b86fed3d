/**
 * A large shop for the benchmarks, seeded in a few INSERT ... SELECT statements: contacts with
 * accented names, phones and cédulas (every 50th a company with an RNC), 60 products, a company
 * RNC, the B01/B02/E31/E32 series with their credit-note series, and issued invoices of 1-3 lines
 * whose NCFs count up with their dates (the sequences' next numbers just past them), payments, a
 * few credit notes and voided invoices. `month` (YYYYMM) gets `monthInvoices` of the invoices, the
 * month after it the last `quietInvoices`, the rest fall over the twelve months before: the DGII
 * 606/607/608 of `month` have a real load, and those of the quiet month compare with a small shop's.
 * The tenant must be freshly created (createTenant with its seed): the seed's taxes, branch and REC
 * series are used, and contact/product numbering starts at 1.
 */
import http from 'node:http';
import { createSession } from '../src/auth/session';
import { sqlClient, tenantDb } from '../src/db/client';
import { users } from '../src/db/tenant-schema';
import { shopTimeZone } from '../src/domain/dates';
import { tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';

export interface LargeShopOptions {
  contacts: number;
  invoices: number;
  /** YYYYMM; default 202503. */
  month?: string;
  /** How many of the invoices fall in `month`; default min(30,000, invoices). */
  monthInvoices?: number;
  /** How many of the last invoices fall in the month after `month` (a month the size of a small shop's); default 0. */
  quietInvoices?: number;
}

export interface LargeShop {
  period: string;
  monthInvoices: number;
  /**
   * A month as busy as a small shop's, for a month report that grows with its documents: the month
   * after `period` when `quietInvoices` was asked for, else `period` itself.
   */
  quietMonth: { period: string; invoices: number };
  /** A customer named María ... Peña with invoices of her own. */
  contactId: string;
  /** An issued invoice in the month, with lines and a payment. */
  invoiceId: string;
  creditNoteId: string;
  voidedInvoiceId: string;
  /** Rows per table, and their sum. */
  rows: Record<string, number>;
  totalRows: number;
  seconds: number;
}

const firstNames = [
  'María',
  'José',
  'Juan',
  'Ana',
  'Luis',
  'Carmen',
  'Pedro',
  'Rosa',
  'Ángel',
  'Ramón',
  'Inés',
  'Félix',
];
const lastNames = [
  'Rodríguez',
  'Pérez',
  'Núñez',
  'Peña',
  'Gómez',
  'Báez',
  'Jiménez',
  'Ureña',
  'Díaz',
  'Tavárez',
  'Mejía',
];
const sequences = [
  { docType: 'B01', description: 'Crédito fiscal', end: 99_999_999 },
  { docType: 'B02', description: 'Consumo', end: 99_999_999 },
  { docType: 'B04', description: 'Notas de crédito', end: 99_999_999 },
  { docType: 'E31', description: 'e-CF crédito fiscal', end: 9_999_999_999 },
  { docType: 'E32', description: 'e-CF consumo', end: 9_999_999_999 },
  { docType: 'E34', description: 'e-CF notas de crédito', end: 9_999_999_999 },
];

/**
 * The lines of invoice `g` (k = 1..1 + g % 3): a frame (18%), lenses (18%, two when g % 5 = 0) and
 * an eye exam (exempt), each product picked by g. Used for the invoices' totals and for their lines.
 */
const lineValues = (g: string) => `
  SELECT k, p.id AS product_id, p.name, p.price, tx.id AS tax_id, tx.rate, tx.exempt, q.quantity,
         round(q.quantity * p.price, 2) AS amount
    FROM generate_series(1, 1 + ${g} % 3) k
    JOIN products p ON p.sku = 'LG-' || lpad(((k - 1) * 20 + 1 + ${g} % 20)::text, 4, '0')
    JOIN taxes tx ON tx.id = p.tax_id
   CROSS JOIN LATERAL (SELECT (CASE WHEN k = 2 AND ${g} % 5 = 0 THEN 2 ELSE 1 END)::numeric AS quantity) q`;

/** The invoice number g (0-based) from its NCF: g = 4 * (number - 1) + the type's place. */
const invoiceOrdinal = `(4 * (substr(i.ncf, 4)::bigint - 1) + array_position(ARRAY['B01', 'B02', 'E31', 'E32'], i.ncf_type) - 1)`;

export async function seedLargeShop(connectionString: string, opts: LargeShopOptions): Promise<LargeShop> {
  const started = performance.now();
  const sql = sqlClient(connectionString);
  const period = opts.month ?? '202503';
  if (!/^\d{6}$/.test(period)) throw new Error(`month: YYYYMM, not ${period}`);
  if (opts.contacts < 50) throw new Error('contacts: at least 50 (every 50th is a company)');
  const quietInvoices = opts.quietInvoices ?? 0;
  const monthInvoices = Math.min(opts.monthInvoices ?? 30_000, opts.invoices - quietInvoices);
  const before = opts.invoices - monthInvoices - quietInvoices;
  const nextMonth = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(4)), 1));
  const quietMonth = quietInvoices
    ? {
        period: `${nextMonth.getUTCFullYear()}${String(nextMonth.getUTCMonth() + 1).padStart(2, '0')}`,
        invoices: quietInvoices,
      }
    : { period, invoices: monthInvoices };
  const companies = Math.floor(opts.contacts / 50);

  await sql`UPDATE company SET rnc = '130123454', address = 'Av. Abraham Lincoln 1003, Santo Domingo', phones = '809-555-0100'`;
  for (const s of sequences)
    await sql`INSERT INTO fiscal_sequences (doc_type, prefix, description, range_start, range_end, next_number, valid_until, authorized_on, is_default)
              VALUES (${s.docType}, ${s.docType}, ${s.description}, 1, ${s.end}, 1, '2027-12-31', '2024-01-02', true)`;
  await sql`
    INSERT INTO products (sku, name, category, brand, price, cost, tax_id, track_stock)
    SELECT 'LG-' || lpad(i::text, 4, '0'),
           CASE (i - 1) / 20 WHEN 0 THEN 'Montura ' || (ARRAY['Ray-Ban', 'Oakley', 'Vogue', 'Guess'])[1 + i % 4] || ' ' || i
                             WHEN 1 THEN 'Lente monofocal antirreflejo ' || i ELSE 'Examen visual completo ' || i END,
           (ARRAY['monturas', 'lentes', 'servicios'])[1 + (i - 1) / 20],
           CASE WHEN i <= 20 THEN (ARRAY['Ray-Ban', 'Oakley', 'Vogue', 'Guess'])[1 + i % 4] END,
           (1000 + (i * 37 % 90) * 100)::numeric(14, 4), (500 + (i * 37 % 90) * 40)::numeric(14, 4),
           (SELECT id FROM taxes WHERE code = CASE WHEN i > 40 THEN 'EXENTO' ELSE 'ITBIS18' END),
           i <= 40
      FROM generate_series(1, 60) i`;

  for (let offset = 0; offset < opts.contacts; offset += 25_000)
    await sql.query(
      `INSERT INTO contacts (kind, id_type, id_number, name, phone, mobile, email, address, notes)
       SELECT CASE WHEN i % 97 = 0 THEN 'optometrist' ELSE 'customer' END,
              CASE WHEN i % 50 = 0 THEN 'rnc' ELSE 'cedula' END,
              CASE WHEN i % 50 = 0 THEN '1' || lpad(i::text, 8, '0') ELSE '4' || lpad(i::text, 10, '0') END,
              CASE WHEN i % 50 = 0
                   THEN 'Distribuidora ' || ($1::text[])[1 + i % $3] || ' & Asociados, SRL'
                   ELSE ($1::text[])[1 + i % $3] || ' ' || ($2::text[])[1 + (i / 7) % $4] || ' ' || ($2::text[])[1 + (i / 131) % $4] END,
              (ARRAY['809', '829', '849'])[1 + i % 3] || lpad(((i * 7919) % 10000000)::text, 7, '0'),
              CASE WHEN i % 3 = 0 THEN '829' || lpad(((i::bigint * 104729) % 10000000)::text, 7, '0') END,
              'cliente' || i || '@correo.do',
              'Calle ' || (1 + i % 40) || ' #' || (i % 300) || ', ' || (ARRAY['Santo Domingo', 'Santiago', 'La Romana', 'Baní'])[1 + i % 4],
              'Cliente desde ' || (2015 + i % 10) || '. Prefiere monturas ligeras; revisión anual en ' ||
                (ARRAY['enero', 'marzo', 'junio', 'septiembre', 'diciembre'])[1 + i % 5] || '. Graduación anotada por la Dra. Núñez.'
         FROM generate_series($5::int, $6::int) i`,
      [
        firstNames,
        lastNames,
        firstNames.length,
        lastNames.length,
        offset + 1,
        Math.min(offset + 25_000, opts.contacts),
      ],
    );

  // Invoices g = 0..invoices-1: type g % 4, number g / 4 + 1 within the type, dates rising with g.
  const source = `
    WITH params AS (SELECT to_date($1, 'YYYYMM') AS month_start, $2::int AS before, $3::int AS in_month, $6::int AS quiet),
    src AS (
      SELECT g, (ARRAY['B01', 'B02', 'E31', 'E32'])[1 + g % 4] AS type, g / 4 + 1 AS number,
             CASE WHEN g < p.before
                  THEN (p.month_start - interval '12 months')::date + (g * ((p.month_start - (p.month_start - interval '12 months')::date))::bigint / greatest(p.before, 1))::int
                  WHEN g < p.before + p.in_month
                  THEN p.month_start + ((g - p.before) * ((p.month_start + interval '1 month')::date - p.month_start)::bigint / p.in_month)::int
                  ELSE (p.month_start + interval '1 month')::date + ((g - p.before - p.in_month) * 28::bigint / greatest(p.quiet, 1))::int END AS issued_on
        FROM generate_series($4::int, $5::int) g, params p),
    cust AS (SELECT id, name, id_type, id_number, substr(split_part(email, '@', 1), 8)::int AS i FROM contacts WHERE email LIKE 'cliente%@correo.do'),
    branch AS (SELECT id, document_issuer(id) AS issuer FROM branches ORDER BY created_at LIMIT 1)`;
  for (let from = 0; from < opts.invoices; from += 25_000) {
    const to = Math.min(from + 25_000, opts.invoices) - 1;
    await sql.query(
      `${source}
      INSERT INTO invoices (kind, status, ncf_type, sequence_id, ncf, ncf_valid_until, issued_on, due_on, customer_id, buyer_name,
                            buyer_id_type, buyer_id_number, branch_id, currency_code, exchange_rate,
                            gross_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown,
                            taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop, paid_total, credited_total,
                            voided_at, void_reason, issuer, created_at, updated_at)
      SELECT 'invoice',
             CASE WHEN g % 50 = 7 THEN 'voided' ELSE payments_settlement_status('issued', a.total, a.paid, a.credited) END,
             src.type, seq.id, document_number(src.type, src.type, src.number), '2027-12-31', src.issued_on, src.issued_on + 30,
             c.id, c.name, c.id_type, c.id_number, branch.id, 'DOP', 1,
             t.gross, t.taxable, t.exempt, t.itbis, a.total,
             CASE WHEN t.taxable > 0 THEN jsonb_build_array(jsonb_build_object('rate', '18.00', 'taxable', t.taxable::text, 'itbis', t.itbis::text)) ELSE '[]'::jsonb END,
             t.taxable, t.exempt, t.itbis, a.total, a.paid, a.credited,
             CASE WHEN g % 50 = 7 THEN ((src.issued_on + 1) + time '16:00') AT TIME ZONE '${shopTimeZone}' END,
             CASE WHEN g % 50 = 7 THEN '0' || (1 + g % 9) END,
             branch.issuer, created.at, created.at
        FROM src
        JOIN cust c ON c.i = CASE WHEN src.type IN ('B01', 'E31') THEN 50 * (1 + g % ${companies}) ELSE 1 + (g * 7919) % ${opts.contacts} END
        JOIN fiscal_sequences seq ON seq.doc_type = src.type
        CROSS JOIN branch
        CROSS JOIN LATERAL (SELECT sum(l.amount) AS gross,
                                   coalesce(sum(l.amount) FILTER (WHERE NOT l.exempt), 0) AS taxable,
                                   coalesce(sum(l.amount) FILTER (WHERE l.exempt), 0) AS exempt,
                                   round(coalesce(sum(l.amount) FILTER (WHERE NOT l.exempt), 0) * 0.18, 2) AS itbis
                              FROM (${lineValues('src.g')}) l) t
        CROSS JOIN LATERAL (SELECT t.taxable + t.exempt + t.itbis AS total) tt
        CROSS JOIN LATERAL (SELECT tt.total,
                                   CASE WHEN g % 50 = 7 THEN 0 WHEN g % 3 = 0 THEN tt.total WHEN g % 3 = 1 THEN round(tt.total / 2, 2) ELSE 0 END AS paid,
                                   CASE WHEN g % 1500 = 11 THEN tt.total ELSE 0 END AS credited) a
        CROSS JOIN LATERAL (SELECT (src.issued_on + time '09:00' + (g % 30000) * interval '1 second') AT TIME ZONE '${shopTimeZone}' AS at) created`,
      [period, before, Math.max(monthInvoices, 1), from, to, quietInvoices],
    );
  }
  await sql.query(`
    INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, tax_id, tax_rate, exempt, amount)
    SELECT i.id, l.k, l.product_id, l.name, l.quantity, l.price, l.tax_id, l.rate, l.exempt, l.amount
      FROM invoices i CROSS JOIN LATERAL (${lineValues(invoiceOrdinal)}) l
     WHERE i.kind = 'invoice'`);

  // Credit notes: each credited invoice credited in full three days later (B04 / E34, numbered in date order).
  await sql.query(`
    INSERT INTO invoices (kind, status, ncf_type, sequence_id, ncf, ncf_valid_until, issued_on, customer_id, buyer_name, buyer_id_type,
                          buyer_id_number, branch_id, currency_code, exchange_rate, gross_total, taxable_total, exempt_total, itbis_total,
                          total, tax_breakdown, taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop,
                          reference_invoice_id, modified_ncf, refunds_itbis, credit_reason, issuer, created_at, updated_at)
    SELECT 'credit_note', 'issued', n.type, seq.id,
           document_number(n.type, n.type, row_number() OVER (PARTITION BY n.type ORDER BY i.issued_on, i.ncf)),
           '2027-12-31', i.issued_on + 3, i.customer_id, i.buyer_name, i.buyer_id_type, i.buyer_id_number, i.branch_id, 'DOP', 1,
           i.gross_total, i.taxable_total, i.exempt_total, i.itbis_total, i.total, i.tax_breakdown,
           i.taxable_total_dop, i.exempt_total_dop, i.itbis_total_dop, i.total_dop,
           i.id, i.ncf, true, 'Devolución: la montura no le quedó bien', i.issuer, i.created_at + interval '3 days', i.created_at + interval '3 days'
      FROM invoices i
     CROSS JOIN LATERAL (SELECT credit_note_type(i.ncf_type) AS type) n
      JOIN fiscal_sequences seq ON seq.doc_type = n.type
     WHERE i.kind = 'invoice' AND i.credited_total > 0`);
  await sql.query(`
    INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, tax_id, tax_rate, exempt, amount, source_line_id)
    SELECT cn.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.tax_id, l.tax_rate, l.exempt, l.amount, l.id
      FROM invoices cn JOIN invoice_lines l ON l.invoice_id = cn.reference_invoice_id
     WHERE cn.kind = 'credit_note'`);
  await sql.query(`
    INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, reference, status, created_at, updated_at)
    SELECT i.id, document_number('REC-', 'REC', row_number() OVER (ORDER BY i.created_at, i.id)), seq.id, i.branch_id, i.issued_on,
           (ARRAY['1', '2', '3'])[1 + abs(hashtext(i.ncf)) % 3], i.paid_total,
           CASE WHEN abs(hashtext(i.ncf)) % 3 = 2 THEN 'AUT-' || lpad((abs(hashtext(i.ncf)) % 1000000)::text, 6, '0') END,
           'active', i.created_at + interval '5 minutes', i.created_at + interval '5 minutes'
      FROM invoices i JOIN fiscal_sequences seq ON seq.doc_type = 'REC'
     WHERE i.kind = 'invoice' AND i.paid_total > 0`);
  await sql.query(`
    UPDATE fiscal_sequences s SET next_number = coalesce(
             (SELECT max(substr(i.ncf, 4)::bigint) + 1 FROM invoices i WHERE i.ncf_type = s.doc_type),
             (SELECT max(substr(p.number, 5)::bigint) + 1 FROM payments p WHERE s.doc_type = 'REC'), s.next_number)
     WHERE s.doc_type IN ('B01', 'B02', 'B04', 'E31', 'E32', 'E34', 'REC')`);
  for (const table of ['contacts', 'invoices', 'invoice_lines', 'payments', 'fiscal_sequences'])
    await sql.query(`ANALYZE ${table}`);

  const [picked] = await sql.query(
    `SELECT (SELECT c.id FROM contacts c WHERE c.name LIKE 'María Peña%' AND EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id) ORDER BY c.name LIMIT 1) AS contact,
            (SELECT i.id FROM invoices i WHERE i.kind = 'invoice' AND i.status = 'paid' AND i.issued_on >= to_date($1, 'YYYYMM') ORDER BY i.issued_on, i.ncf LIMIT 1) AS invoice,
            (SELECT id FROM invoices WHERE kind = 'credit_note' ORDER BY issued_on DESC LIMIT 1) AS credit_note,
            (SELECT id FROM invoices WHERE status = 'voided' ORDER BY issued_on DESC LIMIT 1) AS voided`,
    [period],
  );
  const counts = await sql.query(
    `SELECT table_name AS table,
            (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text::int AS rows
       FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const rows = Object.fromEntries(
    counts.filter((row) => Number(row.rows) > 0).map((row) => [row.table as string, Number(row.rows)]),
  );
  return {
    period,
    monthInvoices,
    quietMonth,
    contactId: picked!.contact as string,
    invoiceId: picked!.invoice as string,
    creditNoteId: picked!.credit_note as string,
    voidedInvoiceId: picked!.voided as string,
    rows,
    totalRows: Object.values(rows).reduce((sum, n) => sum + n, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

export interface SeededShop extends LargeShop {
  tenantId: string;
  connectionString: string;
  /** Cookie header of a signed-in owner. */
  cookie: string;
}

/** A new tenant (createTenant with its seed) seeded by seedLargeShop, with an owner signed in. */
export async function createLargeShop(platform: Platform, prefix: string, opts: LargeShopOptions): Promise<SeededShop> {
  const tenantId = `${prefix}-${Date.now().toString(36)}`;
  await createTenant(platform, { id: tenantId, name: 'Óptica Grande Peña', domains: [tenantId] });
  const { connectionString } = await tenantConnection(platform, tenantId);
  const shop = await seedLargeShop(connectionString, opts);
  const db = tenantDb(connectionString);
  const [owner] = await db
    .insert(users)
    .values({ email: 'bench-owner@example.test', name: 'Bench', role: 'owner', status: 'active' })
    .returning();
  const { token } = await createSession(db, { userId: owner!.id });
  return { ...shop, tenantId, connectionString, cookie: `optiflow_session=${token}` };
}

/** The seeded shop read back by the app under wrangler dev: these pages must answer 200 and show the seeded rows. */
export async function checkLargeShopPages(port: number, shop: SeededShop): Promise<string[]> {
  const pages: Array<[string, string | undefined]> = [
    ['/invoices', 'B0'],
    [`/invoices/${shop.invoiceId}`, 'RD$'],
    [`/invoices/${shop.voidedInvoiceId}`, undefined],
    [`/credit-notes/${shop.creditNoteId}`, undefined],
    ['/credit-notes', undefined],
    ['/payments', 'REC-'],
    [`/contacts/${shop.contactId}`, 'Peña'],
    ['/contacts?q=maria%20pena', 'María'],
    [`/reports/dgii?period=${shop.period}`, undefined],
  ];
  const checked: string[] = [];
  for (const [path, expected] of pages) {
    const { status, body } = await getText(port, `${shop.tenantId}.localhost:${port}`, path, shop.cookie);
    if (status !== 200 || (expected && !body.includes(expected)))
      throw new Error(`the large shop's ${path} answered ${status}${expected ? ` (looked for ${expected})` : ''}`);
    checked.push(path);
  }
  return checked;
}

function getText(port: number, host: string, path: string, cookie: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { host, cookie } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
  });
}
