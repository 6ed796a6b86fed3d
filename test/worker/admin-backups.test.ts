import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  backupKey,
  backupStamp,
  backupTenant,
  encodeBackup,
  listBackups,
  pruneBackups,
  readBackup,
  restoreBackup,
  type BackupDocument,
} from '../../src/services/platform/backups';
import { runScheduledBackups } from '../../src/scheduled';
import { adminAuditLog, platformJobs } from '../../src/db/central-schema';
import { sqlClient, type Sql } from '../../src/db/client';
import { appliedVersion } from '../../src/db/migrate';
import { migrations } from '../../src/db/migrations.generated';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { getTenantRow } from '../../src/tenancy/provisioning';
import { adminGet, adminPost, adminSignedIn } from '../support/worker/admin';
import { documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';
import { createTestTenant, get, newTenantId, platform, testEnv } from '../support/worker/helpers';

async function tenantSql(tenantId: string): Promise<Sql> {
  const { connectionString } = await tenantConnection(await platform(), tenantId);
  return sqlClient(connectionString);
}

async function tableNames(sql: Sql): Promise<string[]> {
  const rows =
    await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  return rows.map((row) => row.table_name as string);
}

/** Every row of every table, ordered by primary key, as text. */
async function dumpAll(sql: Sql): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of await tableNames(sql)) {
    const [row] = await sql.query(
      `SELECT coalesce(json_agg(to_jsonb(t)::text ORDER BY to_jsonb(t)::text), '[]'::json) AS rows FROM "${table}" t`,
    );
    dump[table] = row!.rows as unknown[];
  }
  return dump;
}

async function counts(sql: Sql): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of await tableNames(sql)) {
    const [row] = await sql.query(`SELECT count(*)::int AS n FROM "${table}"`);
    result[table] = row!.n as number;
  }
  return result;
}

/** A shop with data in every table of the tenant schema. */
async function filledShop() {
  const shop = await documentsShop('owner');
  const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id, customerId: shop.buyer.id });
  // A second invoice: a credit application moves credit from one invoice to another.
  await insertInvoice(shop.db, { branchId: shop.branch.id, customerId: shop.buyer.id });
  await insertQuotation(shop.db, { branchId: shop.branch.id, customerId: shop.buyer.id });
  await insertPayment(shop.db, {
    invoiceId: invoice.id,
    branchId: shop.branch.id,
    amount: '100.00',
    number: 'REC-00000001',
  });
  const sql = await tenantSql(shop.tenant.id);
  await fillRemaining(sql, shop);
  return { ...shop, sql, invoice };
}

/** Plain inserts for the tables the document fixtures leave empty (the assertion below checks every table). */
async function fillRemaining(sql: Sql, shop: Awaited<ReturnType<typeof documentsShop>>) {
  const branch = shop.branch.id;
  const [user] = await sql`SELECT id FROM users ORDER BY created_at LIMIT 1`;
  const [tax] = await sql`SELECT id FROM taxes ORDER BY id LIMIT 1`;
  const [invoice] = await sql`SELECT id FROM invoices LIMIT 1`;
  const [currency] = await sql`SELECT code FROM currencies WHERE code <> 'DOP' ORDER BY code LIMIT 1`;
  await sql.transaction([
    sql`INSERT INTO audit_log (action, actor, details) VALUES ('support.session', 'admin@optiflow.test', ${JSON.stringify({ note: 'ñandú "quoted"', n: 1.5 })}::jsonb)`,
    sql`INSERT INTO exchange_rates (currency_code, rate, valid_on) VALUES (${currency!.code}, '58.1234', '2026-03-01')`,
    sql`INSERT INTO login_attempts (account, ip_address, succeeded) VALUES ('owner@x.test', '127.0.0.1', false)`,
    sql`INSERT INTO products (sku, name, category, price, cost, tax_id) VALUES ('MON-001', 'Montura Ray-Ban', 'monturas', '4500.1234', '2000.0000', ${tax!.id})`,
    sql`INSERT INTO stock (product_id, branch_id, quantity) SELECT id, ${branch}, 7 FROM products WHERE sku = 'MON-001'`,
    sql`INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, user_id) SELECT id, ${branch}, 'initial', 7, 7, ${user!.id} FROM products WHERE sku = 'MON-001'`,
    sql`INSERT INTO prescriptions (patient_id, branch_id, optometrist_id, examined_on, od_sphere, od_axis, pd, icd10_codes, notes)
        VALUES (${shop.buyer.id}, ${branch}, ${user!.id}, '2026-03-02', '-1.25', 90, '62.5', '{H52.1,H52.2}', 'línea 1
línea 2')`,
    sql`INSERT INTO share_links (invoice_id, token_hash, expires_at) VALUES (${invoice!.id}, 'hash-' || gen_random_uuid(), now() + interval '1 day')`,
    sql`INSERT INTO user_branches (user_id, branch_id) VALUES (${user!.id}, ${branch}) ON CONFLICT DO NOTHING`,
    sql`INSERT INTO user_tokens (user_id, token_hash, purpose, expires_at) VALUES (${user!.id}, 'tok-' || gen_random_uuid(), 'invitation', now() + interval '1 day')`,
    sql`INSERT INTO ecf_settings (sealed_credentials, subject, common_name, tax_id, issuer, serial_number, not_before, not_after, updated_by)
        VALUES ('sealed-bytes', 'CN=Óptica, SERIALNUMBER=131246796', 'Óptica', '131246796', 'CN=Test CA', '0a1b', '2026-01-01', '2027-01-01', ${user!.id})`,
    sql`INSERT INTO ecf_documents (invoice_id, encf, ecf_type, environment, channel, security_code, signed_at, total_dop, signed_xml_key, messages)
        VALUES (${invoice!.id}, 'E310000000001', '31', 'TesteCF', 'ecf', 'AbC123', '2026-03-02T10:00:00Z', '1180.00', 'ecf/e310000000001.xml',
                ${JSON.stringify([{ valor: 'Aceptado', codigo: 0 }])}::jsonb)`,
    sql`INSERT INTO received_ecf (issuer_rnc, issuer_name, encf, ecf_type, buyer_rnc, issued_on, total, itbis_total, security_code, signed_at, xml_key)
        VALUES ('101850043', 'DISTRIBUIDORA ÑECO, SRL', 'E310000000009', '31', '131246796', '2026-03-02', '1180.00', '180.00', 'Xy9+Z/',
                '2026-03-02T10:00:00Z', 'ecf/received/101850043/E310000000009/a.xml')`,
    sql`INSERT INTO receiver_seed_claims (seed_hash) VALUES ('seed-' || gen_random_uuid())`,
    sql`INSERT INTO receiver_rate_windows (sender, window_start, hits) VALUES ('sender:101850043', date_trunc('minute', now()), 3)`,
    sql`INSERT INTO ecf_cancellations (sequence_id, doc_type, from_number, to_number, first_encf, last_encf, state, dgii_messages, requested_by)
        SELECT id, doc_type, 900, 950, 'E320000000900', 'E320000000950', 'accepted', ${JSON.stringify(['Anuladas'])}::jsonb, 'Dueña'
          FROM fiscal_sequences ORDER BY created_at LIMIT 1`,
    sql`INSERT INTO refunds (contact_id, invoice_id, branch_id, method, amount, currency_code, refunded_on, created_by)
        VALUES (${shop.buyer.id}, ${invoice!.id}, ${branch}, '1', '25.50', 'DOP', '2026-03-02', ${user!.id})`,
    sql`INSERT INTO credit_applications (contact_id, source_invoice_id, target_invoice_id, payment_id, amount, currency_code, applied_on, created_by)
        SELECT ${shop.buyer.id}, ${invoice!.id}, (SELECT id FROM invoices WHERE id <> ${invoice!.id} LIMIT 1), p.id, '10.00', 'DOP', '2026-03-02', ${user!.id}
          FROM payments p LIMIT 1`,
    sql`INSERT INTO cash_close_counter (id, last_number) VALUES (1, 2)`,
    sql`INSERT INTO cash_closes (id, number, branch_id, kind, cashier_id, business_date, closed_by, note)
        VALUES ('7b0d6c1e-0000-4000-8000-000000000001', 'CC-000001', ${branch}, 'cashier', ${user!.id}, '2026-03-02', ${user!.id}, 'Faltan RD$ 5'),
               ('7b0d6c1e-0000-4000-8000-000000000002', 'CC-000002', ${branch}, 'branch', NULL, '2026-03-02', ${user!.id}, NULL)`,
    sql`INSERT INTO cash_close_lines (close_id, method, currency_code, expected, counted, difference, movements)
        VALUES ('7b0d6c1e-0000-4000-8000-000000000001', '1', 'DOP', '100.00', '95.00', '-5.00', 1)`,
    sql`INSERT INTO cash_close_members (cashier_close_id, branch_close_id)
        VALUES ('7b0d6c1e-0000-4000-8000-000000000001', '7b0d6c1e-0000-4000-8000-000000000002')`,
    sql`UPDATE payments SET cash_close_id = '7b0d6c1e-0000-4000-8000-000000000001'`,
    sql`INSERT INTO ecf_fallbacks (reason, started_by, ended_at, ended_by) VALUES ('Certificado dañado', 'Dueña', now(), 'Dueña')`,
    sql`INSERT INTO ecf_fallback_documents (invoice_id, fallback_id, ecf_type, replacement_encf, replacement_valid_until)
        SELECT ${invoice!.id}, id, 'E31', 'E310000000002', '2027-12-31' FROM ecf_fallbacks LIMIT 1`,
    sql`INSERT INTO lab_orders (id, branch_id, customer_id, invoice_id, stage_id, promised_on, od_sphere, oi_sphere, treatments, notes, created_by)
        SELECT '7b0d6c1e-0000-4000-8000-0000000000a1', ${branch}, ${shop.buyer.id}, ${invoice!.id}, id, '2026-03-09', '-1.25', '-1.50',
               '{antirreflejo,"filtro azul"}', 'Montura "propia"', ${user!.id}
          FROM lab_stages WHERE is_initial`,
    sql`INSERT INTO lab_order_events (lab_order_id, kind, to_stage_id, note, photo_key, photo_type, user_id)
        SELECT '7b0d6c1e-0000-4000-8000-0000000000a1', 'photo', id, 'Montura recibida', 'lab-orders/a1/foto.jpg', 'image/jpeg', ${user!.id}
          FROM lab_stages WHERE is_initial`,
    sql`INSERT INTO shop_events (type, key, subject_id, payload)
        VALUES ('invoice.issued', 'invoice.issued:' || ${invoice!.id}, ${invoice!.id}, ${JSON.stringify({ ncf: 'B0100000001' })}::jsonb)`,
    sql`INSERT INTO message_channels (kind, enabled, sealed_credentials, display, settings)
        VALUES ('whatsapp', true, 'sealed-bytes', '+1 809 555 0101', ${JSON.stringify({ language: 'es' })}::jsonb)`,
    sql`INSERT INTO message_templates (id, event, channel, name, body, whatsapp_template, whatsapp_parameters)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000b1', 'lab_order.stage_entered', 'whatsapp', 'Listos', 'Hola {{cliente.nombre}}, sus lentes están listos.',
                'lentes_listos', '{cliente.nombre}')`,
    sql`INSERT INTO automations (id, name, event, condition, template_id, channel)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000c1', 'Lentes listos', 'lab_order.stage_entered', '{}'::jsonb, '7b0d6c1e-0000-4000-8000-0000000000b1', 'whatsapp')`,
    sql`INSERT INTO outbound_messages (idempotency_key, event_key, event, automation_id, template_id, channel, contact_id, recipient, body, status, sent_at)
        VALUES ('k-' || gen_random_uuid(), 'lab:1', 'lab_order.stage_entered', '7b0d6c1e-0000-4000-8000-0000000000c1', '7b0d6c1e-0000-4000-8000-0000000000b1',
                'whatsapp', ${shop.buyer.id}, '18095550101', 'Hola, sus lentes están listos.', 'sent', now())`,
    sql`INSERT INTO webhook_endpoints (id, url, events, sealed_secret)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000d1', 'https://erp.example.test/hooks', '{invoice.issued}', 'sealed-secret')`,
    sql`INSERT INTO webhook_deliveries (endpoint_id, event_key, event, payload, status, attempts, response_status)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000d1', 'invoice.issued:1', 'invoice.issued', '{"id": 1}'::jsonb, 'delivered', 1, 200)`,
    sql`INSERT INTO scheduled_runs (job, period, status, finished_at) VALUES ('recalls', '2026-03-02', 'done', now())`,
    sql`INSERT INTO custom_roles (name, permissions, created_by) VALUES ('Caja sin reportes', ${JSON.stringify(['cashCloses.close', 'dashboard.view'])}::jsonb, ${user!.id})`,
    sql`INSERT INTO commission_rules (seller_id, category, rate, created_by) VALUES (${user!.id}, 'monturas', '12.50', ${user!.id})`,
    sql`INSERT INTO commission_closes (id, period, closed_by) VALUES ('7b0d6c1e-0000-4000-8000-0000000000e1', '2026-02', ${user!.id})`,
    sql`INSERT INTO commission_entries (close_id, seller_id, document_id, base, amount)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000e1', ${user!.id}, ${invoice!.id}, '1000.00', '125.00')`,
    sql`INSERT INTO import_runs (entity, file_key, file_name, status, mapping, total_rows, error_rows, processed_rows, inserted, created_by)
        VALUES ('contacts', 'imports/r1/source', 'clientes "viejos".csv', 'done', ${JSON.stringify({ name: 'Nombre', idNumber: 'Cédula' })}::jsonb,
                3, 0, 3, 3, ${user!.id})`,
    sql`INSERT INTO import_mappings (entity, mapping, updated_by)
        VALUES ('contacts', ${JSON.stringify({ name: 'Nombre', idNumber: 'Cédula' })}::jsonb, ${user!.id})`,
    sql`INSERT INTO report_exports (report, format, filters, status, rows_done, rows_total, file_key, file_name, byte_size, requested_by, started_at, finished_at)
        VALUES ('sales-by-day', 'xlsx', ${JSON.stringify({ from: '2026-02-01', to: '2026-02-28', branchIds: null })}::jsonb, 'done', 5400, 5400,
                'reports/r1/ventas-por-dia_2026-02-01_2026-02-28.xlsx', 'ventas-por-dia_2026-02-01_2026-02-28.xlsx', 123456, ${user!.id}, now(), now())`,
    sql`INSERT INTO expenses (supplier_id_type, supplier_id_number, supplier_name, ncf, expense_type, branch_id, issued_on, paid_on,
                              services_amount, total, itbis_billed, itbis_advance, isr_withholding_type, isr_withheld, payment_form, payment_status, created_by)
        VALUES ('rnc', '101850043', 'Suplidora Peña SRL', 'B0100000123', '02', ${branch}, '2026-02-05', '2026-02-10',
                '10000.00', '10000.00', '1800.00', '1800.00', '02', '1000.00', '02', 'paid', ${user!.id})`,
    sql`INSERT INTO expense_attachments (expense_id, file_key, file_name, content_type, byte_size, created_by)
        SELECT id, 'expenses/e1/factura.pdf', 'factura ñ.pdf', 'application/pdf', 2048, ${user!.id} FROM expenses WHERE ncf = 'B0100000123'`,
    // A frame model and its variant, the variant's key sorting first: a restore inserts it before its model.
    sql`INSERT INTO products (id, sku, name, category, price, tax_id, frame_shape) VALUES
        ('ffffffff-0000-4000-8000-0000000000b1', 'RB3025', 'Aviador', 'monturas', '8500', ${tax!.id}, 'Aviador')`,
    sql`INSERT INTO products (id, sku, name, category, price, tax_id, parent_id, variant_colour, variant_size, lens_treatments) VALUES
        ('00000000-0000-4000-8000-0000000000b2', 'RB3025-NEG-58', 'Aviador Negro 58', 'monturas', '8500', ${tax!.id},
         'ffffffff-0000-4000-8000-0000000000b1', 'Negro', '58', '["Antirreflejo"]'::jsonb)`,
    sql`INSERT INTO product_barcodes (code, product_id) VALUES ('2000000000015', '00000000-0000-4000-8000-0000000000b2')`,
    sql`INSERT INTO price_updates (id, filter, mode, value, product_count, applied_by)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000f1', ${JSON.stringify({ brand: 'Ray-Ban', rounding: 'five' })}::jsonb, 'percent', '10', 1, ${user!.id})`,
    sql`INSERT INTO price_update_lines (update_id, product_id, old_price, new_price)
        VALUES ('7b0d6c1e-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000b2', '7727.2700', '8500.0000')`,
  ]);
}

async function waitForJob(jobId: string) {
  const { central } = await platform();
  for (let attempt = 0; attempt < 200; attempt++) {
    const [job] = await central.select().from(platformJobs).where(eq(platformJobs.id, jobId));
    if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe('tenant backups', { timeout: 60_000 }, () => {
  it('backs up a tenant with data in every table and restores it as a new tenant, row for row', async () => {
    const shop = await filledShop();
    const before = await counts(shop.sql);
    const empty = Object.entries(before)
      .filter(([, n]) => n === 0)
      .map(([table]) => table);
    expect(empty).toEqual([]);

    const p = await platform();
    const backup = await backupTenant(p, shop.tenant.id);
    expect(backup.key).toMatch(new RegExp(`^backups/${shop.tenant.id}/\\d{8}T\\d{6}Z\\.json\\.gz$`));
    const document = await readBackup(p, backup.key);
    expect(document.header.schemaVersion).toBe(migrations.tenant.length);
    expect(document.header.tables).toEqual(before);
    // The shop's own view of R2 (keys under tenants/<id>/) never reaches its backups.
    expect(await shop.files.list()).not.toContainEqual(
      expect.objectContaining({ key: expect.stringContaining('backups/') }),
    );
    expect(() => shop.files.get(`../../${backup.key}`)).toThrow(/\.\./);

    const copy = newTenantId('copy');
    const result = await restoreBackup(p, { backupKey: backup.key, into: copy });
    expect(result).toMatchObject({ tenantId: copy, mode: 'new', schemaVersion: migrations.tenant.length });
    expect((await getTenantRow(p, copy))?.status).toBe('active');
    expect(await dumpAll(await tenantSql(copy))).toEqual(await dumpAll(shop.sql));
    const sequences = (sql: Sql) =>
      sql`SELECT sequencename, last_value::text FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`;
    expect(await sequences(await tenantSql(copy))).toEqual(await sequences(shop.sql));
    expect((await get(`${copy}.localhost`, '/login')).status).toBe(200);
  });

  it('restores a backup over the same tenant after changes, bringing the rows back', async () => {
    const shop = await filledShop();
    const p = await platform();
    const original = await dumpAll(shop.sql);
    const backup = await backupTenant(p, shop.tenant.id);
    await shop.sql`DELETE FROM share_links`;
    await shop.sql`UPDATE contacts SET name = 'Cambiado'`;
    await shop.sql`INSERT INTO login_attempts (account, ip_address, succeeded) VALUES ('later@x.test', '10.0.0.1', true)`;
    expect(await dumpAll(shop.sql)).not.toEqual(original);

    const result = await restoreBackup(p, { backupKey: backup.key, into: shop.tenant.id });
    expect(result.mode).toBe('same');
    expect(result.safetyBackupKey).toMatch(new RegExp(`^backups/${shop.tenant.id}/`));
    expect(result.safetyBackupKey).not.toBe(backup.key);
    expect(await dumpAll(shop.sql)).toEqual(original);
    // The safety backup holds the replaced data.
    const safety = await readBackup(p, result.safetyBackupKey!);
    expect(safety.data.contacts!.rows.some((row) => row.includes('Cambiado'))).toBe(true);
  });

  it('refuses a corrupted or truncated backup with a clear error and changes nothing', async () => {
    const shop = await filledShop();
    const p = await platform();
    const before = await dumpAll(shop.sql);
    const backup = await backupTenant(p, shop.tenant.id);
    const object = await p.files.get(backup.key);
    const bytes = new Uint8Array(await object!.arrayBuffer());
    const metadata = object!.customMetadata!;

    const flipped = bytes.slice();
    for (let index = 20; index < flipped.length - 20; index += 37) flipped[index] = flipped[index]! ^ 0xff;
    const flippedKey = backupKey(shop.tenant.id, '20200101T000000Z');
    await p.files.put(flippedKey, flipped, { customMetadata: metadata });
    const truncatedKey = backupKey(shop.tenant.id, '20200101T000001Z');
    await p.files.put(truncatedKey, bytes.slice(0, Math.floor(bytes.length / 2)), { customMetadata: metadata });
    const tamperedKey = backupKey(shop.tenant.id, '20200101T000002Z');
    await p.files.put(tamperedKey, bytes, { customMetadata: { ...metadata, sha256: '0'.repeat(64) } });

    for (const key of [flippedKey, truncatedKey, tamperedKey]) {
      for (const into of [newTenantId('bad'), shop.tenant.id]) {
        await expect(restoreBackup(p, { backupKey: key, into })).rejects.toThrow(
          /corrupted or incomplete.*nothing was changed/,
        );
        if (into !== shop.tenant.id) expect(await getTenantRow(p, into)).toBeNull();
      }
    }
    expect(await dumpAll(shop.sql)).toEqual(before);
    // Only the backups written above exist: no safety backup was taken for a refused restore.
    expect((await listBackups(p, shop.tenant.id)).map((b) => b.key).sort()).toEqual(
      [flippedKey, truncatedKey, tamperedKey, backup.key].sort(),
    );
  });

  it('restores a backup taken at an older schema version: migrates up to it, loads, then migrates forward', async () => {
    const p = await platform();
    const source = await createTestTenant({ seed: false });
    const older = migrations.tenant.length - 1;
    const document: BackupDocument = {
      header: {
        format: 'optiflow-tenant-backup',
        version: 1,
        tenantId: source.id,
        tenantName: source.name,
        schemaVersion: older,
        migrations: migrations.tenant.slice(0, older).map((m) => m.tag),
        createdAt: new Date().toISOString(),
        tables: {},
      },
      data: {},
      sequences: {},
    };
    const { body, sha256 } = await encodeBackup(document);
    const key = backupKey(source.id, '20250101T000000Z');
    await p.files.put(key, body, { customMetadata: { sha256 } });
    const steps: Array<[string, string | undefined]> = [];
    const copy = newTenantId('old');
    const result = await restoreBackup(p, {
      backupKey: key,
      into: copy,
      progress: (step, message) => void steps.push([step, message]),
    });
    expect(steps).toContainEqual(['migrate-to-backup', String(older)]);
    expect(result).toMatchObject({ fromSchemaVersion: older, schemaVersion: migrations.tenant.length });
    expect(await appliedVersion(await tenantSql(copy), migrations.tenant)).toBe(migrations.tenant.length);
    expect((await getTenantRow(p, copy))?.status).toBe('active');

    // Over the same tenant, a backup NEWER than the database is refused.
    const newer = {
      ...document,
      header: {
        ...document.header,
        migrations: [...document.header.migrations, 'future_migration'],
        schemaVersion: older + 1,
      },
    };
    const encoded = await encodeBackup(newer);
    const newerKey = backupKey(source.id, '20250101T000001Z');
    await p.files.put(newerKey, encoded.body, { customMetadata: { sha256: encoded.sha256 } });
    await expect(restoreBackup(p, { backupKey: newerKey, into: source.id })).rejects.toThrow(/future_migration/);
  });

  it('keeps backups for BACKUP_RETENTION_DAYS but never deletes the newest one', async () => {
    const p = await platform();
    const tenant = await createTestTenant({ seed: false });
    const now = new Date('2026-06-01T07:00:00Z');
    const stamps = ['20260101T070000Z', '20260420T070000Z', '20260520T070000Z'];
    for (const stamp of stamps) await p.files.put(backupKey(tenant.id, stamp), 'x');
    expect(await pruneBackups(p, tenant.id, 30, now)).toEqual([
      backupKey(tenant.id, '20260420T070000Z'),
      backupKey(tenant.id, '20260101T070000Z'),
    ]);
    expect((await listBackups(p, tenant.id)).map((b) => b.stamp)).toEqual(['20260520T070000Z']);
    // Only old backups left: the newest survives however old it is.
    expect(await pruneBackups(p, tenant.id, 1, new Date('2027-01-01T00:00:00Z'))).toEqual([]);
  });

  it('the daily cron backs up every active tenant and sweeps old backups', { timeout: 120_000 }, async () => {
    const p = await platform();
    const tenant = await createTestTenant({ seed: false });
    await p.files.put(backupKey(tenant.id, '20000101T000000Z'), 'old');
    const time = Date.now() + 3_600_000;
    const summary = await runScheduledBackups(testEnv, time);
    expect(summary.backedUp).toContain(tenant.id);
    expect(summary.deleted).toContain(backupKey(tenant.id, '20000101T000000Z'));
    const backups = await listBackups(p, tenant.id);
    expect(backups.map((b) => b.stamp)).toEqual([backupStamp(new Date(time))]);
    expect((await readBackup(p, backups[0]!.key)).header.tenantId).toBe(tenant.id);
  });
});

describe('backups in the admin panel', { timeout: 60_000 }, () => {
  it('every backups route redirects to the login without a session, and none answers on a shop host', async () => {
    const tenant = await createTestTenant({ seed: false });
    const base = `/admin/tenants/${tenant.id}/backups`;
    for (const path of [base, `${base}/20260101T000000Z/download`, `${base}/20260101T000000Z/restore`]) {
      const response = await adminGet(path, '');
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/admin\/login(\?|$)/);
      expect((await get(`${tenant.id}.localhost`, path, { redirect: 'manual' })).status).toBe(404);
    }
    for (const path of [base, `${base}/20260101T000000Z/restore`]) {
      const response = await adminPost(path, {}, '');
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/admin\/login(\?|$)/);
    }
    expect(await listBackups(await platform(), tenant.id)).toEqual([]);
  });

  it('creates a backup through a job, lists and downloads it, and restores it as a copy', async () => {
    const { admin, cookie } = await adminSignedIn();
    const shop = await filledShop();
    const p = await platform();
    const base = `/admin/tenants/${shop.tenant.id}/backups`;

    const empty = await adminGet(base, cookie);
    expect(empty.status).toBe(200);
    expect(await empty.text()).toContain('Crear copia ahora');

    const created = await adminPost(base, {}, cookie);
    expect(created.status).toBe(303);
    const jobId = created.headers.get('location')!.match(/^\/admin\/jobs\/([0-9a-f-]+)$/)![1]!;
    const job = await waitForJob(jobId);
    expect(job.status, job.error ?? '').toBe('succeeded');
    const key = job.result!.key as string;
    expect(key.startsWith(`backups/${shop.tenant.id}/`)).toBe(true);
    const stamp = key.slice(`backups/${shop.tenant.id}/`.length, -'.json.gz'.length);

    const list = await (await adminGet(base, cookie)).text();
    expect(list).toContain(`${base}/${stamp}/download`);

    const download = await adminGet(`${base}/${stamp}/download`, cookie);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const stored = await p.files.get(key);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(new Uint8Array(await stored!.arrayBuffer()));
    expect((await adminGet(`${base}/20990101T000000Z/download`, cookie)).status).toBe(404);

    expect((await adminGet(`${base}/${stamp}/restore`, cookie)).status).toBe(200);
    // Bad input: 422 with field messages, no job, no tenant.
    const wrongConfirm = await adminPost(`${base}/${stamp}/restore`, { mode: 'same', confirm: 'otra' }, cookie);
    expect(wrongConfirm.status).toBe(422);
    expect(await wrongConfirm.text()).toContain('no coincide');
    const badId = await adminPost(`${base}/${stamp}/restore`, { mode: 'copy', newTenant: 'No Válido' }, cookie);
    expect(badId.status).toBe(422);
    const taken = await adminPost(`${base}/${stamp}/restore`, { mode: 'copy', newTenant: shop.tenant.id }, cookie);
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('Ya existe');

    const copy = newTenantId('pcopy');
    const restored = await adminPost(`${base}/${stamp}/restore`, { mode: 'copy', newTenant: copy }, cookie);
    expect(restored.status).toBe(303);
    const restoreJob = await waitForJob(restored.headers.get('location')!.split('/').pop()!);
    expect(restoreJob.status, restoreJob.error ?? '').toBe('succeeded');
    expect(restoreJob.kind).toBe('tenant.restore');
    expect((await getTenantRow(p, copy))?.status).toBe('active');
    expect(await dumpAll(await tenantSql(copy))).toEqual(await dumpAll(shop.sql));

    const audit = await p.central.select().from(adminAuditLog).where(eq(adminAuditLog.adminId, admin.id));
    expect(audit.map((line) => line.action).sort()).toEqual([
      'tenant.backup',
      'tenant.backup.download',
      'tenant.restore',
    ]);
    expect(audit.find((line) => line.action === 'tenant.restore')?.tenantId).toBe(copy);

    // Over the same shop, after typing its id.
    const original = await dumpAll(shop.sql);
    await shop.sql`UPDATE contacts SET name = 'Cambiado en el panel'`;
    const over = await adminPost(`${base}/${stamp}/restore`, { mode: 'same', confirm: shop.tenant.id }, cookie);
    expect(over.status).toBe(303);
    const overJob = await waitForJob(over.headers.get('location')!.split('/').pop()!);
    expect(overJob.status, overJob.error ?? '').toBe('succeeded');
    expect(overJob.result).toMatchObject({ mode: 'same', tenantId: shop.tenant.id });
    expect(await dumpAll(shop.sql)).toEqual(original);
  });
});
