import { Client } from '@neondatabase/serverless';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { TenantDb } from '../db/client';
import * as schema from '../db/tenant-schema';
import {
  branches,
  contacts,
  importMappings,
  importRuns,
  invoiceLines,
  invoices,
  prescriptions,
  products,
  taxes,
} from '../db/tenant-schema';
import type { ImportEntity } from '../domain/imports';

export type ImportRun = typeof importRuns.$inferSelect;

/**
 * A Postgres array literal (`{"a","b"}`) sent as ONE parameter: drizzle would spread a JS array into
 * one parameter per element (a 50,000-row file would pass the protocol's 65,535 limit).
 */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((value) => `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const textArray = (values: readonly string[]) => sql`${arrayLiteral(values)}::text[]`;

export async function insertImportRun(db: TenantDb, values: typeof importRuns.$inferInsert): Promise<ImportRun> {
  const [row] = await db.insert(importRuns).values(values).returning();
  return row!;
}

export async function getImportRun(db: TenantDb, id: string): Promise<ImportRun | null> {
  const [row] = await db.select().from(importRuns).where(eq(importRuns.id, id));
  return row ?? null;
}

/** The newest runs first, a page at a time (keyset on created_at, id). */
export async function listImportRuns(
  db: TenantDb,
  options: { limit: number; before?: { createdAt: string; id: string } | null },
): Promise<ImportRun[]> {
  const before = options.before;
  return db
    .select()
    .from(importRuns)
    .where(
      before
        ? or(
            lt(importRuns.createdAt, new Date(before.createdAt)),
            and(eq(importRuns.createdAt, new Date(before.createdAt)), lt(importRuns.id, before.id)),
          )
        : undefined,
    )
    .orderBy(desc(importRuns.createdAt), desc(importRuns.id))
    .limit(options.limit);
}

/** Changes a run only while it is in one of `from` (so a finished or claimed run is never walked back). */
export async function updateImportRun(
  db: TenantDb,
  id: string,
  from: readonly ImportRun['status'][],
  values: Partial<typeof importRuns.$inferInsert>,
): Promise<ImportRun | null> {
  const [row] = await db
    .update(importRuns)
    .set(values)
    .where(and(eq(importRuns.id, id), sql`${importRuns.status} = any(${textArray(from)})`))
    .returning();
  return row ?? null;
}

/**
 * Claims a run for the job in one UPDATE: a queued run, or one left running for 15 minutes (its
 * worker died; its transaction rolled back with the connection). A repeated message claims nothing.
 */
export async function claimImportRun(db: TenantDb, id: string): Promise<ImportRun | null> {
  const [row] = await db
    .update(importRuns)
    .set({ status: 'running', startedAt: sql`now()`, processedRows: 0 })
    .where(
      and(
        eq(importRuns.id, id),
        sql`(${importRuns.status} = 'queued' or (${importRuns.status} = 'running' and ${importRuns.startedAt} < now() - interval '15 minutes'))`,
      ),
    )
    .returning();
  return row ?? null;
}

export async function setImportProgress(db: TenantDb, id: string, processedRows: number): Promise<void> {
  await db.update(importRuns).set({ processedRows }).where(eq(importRuns.id, id));
}

export async function getImportMapping(db: TenantDb, entity: ImportEntity): Promise<Record<string, string> | null> {
  const [row] = await db
    .select({ mapping: importMappings.mapping })
    .from(importMappings)
    .where(eq(importMappings.entity, entity));
  return row?.mapping ?? null;
}

export async function saveImportMapping(
  db: TenantDb,
  entity: ImportEntity,
  mapping: Record<string, string>,
  userId: string | null,
): Promise<void> {
  await db
    .insert(importMappings)
    .values({ entity, mapping, updatedBy: userId })
    .onConflictDoUpdate({
      target: importMappings.entity,
      set: { mapping, updatedBy: userId, updatedAt: sql`now()` },
    });
}

export interface ImportLookups {
  branches: Array<{ id: string; code: string }>;
  taxes: Array<{ id: number; code: string; rate: string; exempt: boolean }>;
}

export async function importLookups(db: TenantDb): Promise<ImportLookups> {
  const [branchRows, taxRows] = await db.batch([
    db
      .select({ id: branches.id, code: branches.code })
      .from(branches)
      .where(eq(branches.active, true))
      .orderBy(branches.createdAt, branches.code),
    db
      .select({ id: taxes.id, code: taxes.code, rate: taxes.rate, exempt: taxes.exempt })
      .from(taxes)
      .where(eq(taxes.active, true)),
  ]);
  return { branches: branchRows, taxes: taxRows };
}

/** Contacts already in the shop with one of these old-system keys or identification numbers (one query). */
export async function existingContacts(
  db: TenantDb,
  keys: readonly string[],
  idNumbers: readonly string[],
): Promise<
  Array<{ id: string; importKey: string | null; idType: string | null; idNumber: string | null; name: string }>
> {
  if (keys.length === 0 && idNumbers.length === 0) return [];
  return db
    .select({
      id: contacts.id,
      importKey: contacts.importKey,
      idType: contacts.idType,
      idNumber: contacts.idNumber,
      name: contacts.name,
    })
    .from(contacts)
    .where(
      or(
        sql`${contacts.importKey} = any(${textArray(keys)})`,
        sql`${contacts.idNumber} = any(${textArray(idNumbers)})`,
      ),
    );
}

/** SKUs (lower-case) of these that the shop already has. */
export async function existingSkus(db: TenantDb, skus: readonly string[]): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const rows = await db
    .select({ sku: sql<string>`lower(${products.sku})` })
    .from(products)
    .where(sql`lower(${products.sku}) = any(${textArray(skus.map((sku) => sku.toLowerCase()))})`);
  return new Set(rows.map((row) => row.sku));
}

export async function existingPrescriptionKeys(db: TenantDb, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .select({ key: prescriptions.importKey })
    .from(prescriptions)
    .where(sql`${prescriptions.importKey} = any(${textArray(keys)})`);
  return new Set(rows.map((row) => row.key!));
}

export async function existingNcfs(db: TenantDb, ncfs: readonly string[]): Promise<Set<string>> {
  if (ncfs.length === 0) return new Set();
  const rows = await db
    .select({ ncf: invoices.ncf })
    .from(invoices)
    .where(sql`${invoices.ncf} = any(${textArray(ncfs)})`);
  return new Set(rows.map((row) => row.ncf!));
}

// ---------------------------------------------------------------------------------------------
// The write: one transaction on a WebSocket session, multi-row inserts in chunks
// ---------------------------------------------------------------------------------------------

function sessionDb(client: Client) {
  return drizzle({ client, schema, casing: 'snake_case' });
}

export type ImportTx = Parameters<Parameters<ReturnType<typeof sessionDb>['transaction']>[0]>[0];

/**
 * Runs `work` in ONE transaction on its own WebSocket session (the HTTP driver cannot hold a
 * transaction open across statements): every chunk commits together or none does.
 */
export async function inImportTransaction<T>(connectionString: string, work: (tx: ImportTx) => Promise<T>): Promise<T> {
  const client = new Client(connectionString);
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await sessionDb(client).transaction(work);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type ContactRow = typeof contacts.$inferInsert;

/** Inserts a chunk; rows whose old key or identification already exists are left alone. Returns how many went in. */
export async function insertContactRows(tx: ImportTx, rows: ContactRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx.insert(contacts).values(rows).onConflictDoNothing().returning({ id: contacts.id });
  return inserted.length;
}

export type ProductRow = typeof products.$inferInsert & { stock: Array<{ branchId: string; quantity: number }> };

/**
 * Inserts a chunk of products (an existing SKU is left alone) and, for the ones inserted, their
 * opening stock through record_stock_movement (kind `initial`), all in one statement each.
 */
export async function insertProductRows(tx: ImportTx, rows: ProductRow[], userId: string | null): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(products)
    .values(rows.map(({ stock: _stock, ...values }) => values))
    .onConflictDoNothing()
    .returning({ id: products.id, sku: products.sku });
  const bySku = new Map(inserted.map((row) => [row.sku.toLowerCase(), row.id]));
  const productIds: string[] = [];
  const branchIds: string[] = [];
  const quantities: number[] = [];
  for (const row of rows) {
    const id = bySku.get(row.sku.toLowerCase());
    if (!id) continue;
    for (const entry of row.stock) {
      if (entry.quantity === 0) continue;
      productIds.push(id);
      branchIds.push(entry.branchId);
      quantities.push(entry.quantity);
    }
  }
  if (productIds.length > 0)
    await tx.execute(sql`
      SELECT count(record_stock_movement(m.product_id, m.branch_id, 'initial', m.quantity, 'Importación', NULL, ${userId}::uuid))
      FROM unnest(${arrayLiteral(productIds)}::uuid[], ${arrayLiteral(branchIds)}::uuid[], ${arrayLiteral(quantities)}::int[]) WITH ORDINALITY AS m(product_id, branch_id, quantity, n)`);
  return inserted.length;
}

export type PrescriptionRow = typeof prescriptions.$inferInsert;

export async function insertPrescriptionRows(tx: ImportTx, rows: PrescriptionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(prescriptions)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: prescriptions.id });
  return inserted.length;
}

export type InvoiceRow = typeof invoices.$inferInsert & { line: Omit<typeof invoiceLines.$inferInsert, 'invoiceId'> };

/** Inserts a chunk of imported invoices (an NCF already present is left alone) and their one summary line. */
export async function insertInvoiceRows(tx: ImportTx, rows: InvoiceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx
    .insert(invoices)
    .values(rows.map(({ line: _line, ...values }) => values))
    .onConflictDoNothing()
    .returning({ id: invoices.id, ncf: invoices.ncf });
  const byNcf = new Map(inserted.map((row) => [row.ncf!, row.id]));
  const lines = rows.flatMap((row) => {
    const invoiceId = byNcf.get(row.ncf!);
    return invoiceId ? [{ ...row.line, invoiceId }] : [];
  });
  if (lines.length > 0) await tx.insert(invoiceLines).values(lines);
  return inserted.length;
}
