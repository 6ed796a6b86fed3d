import { can } from '../../auth/permissions';
import { findTaxpayers, type Taxpayer } from '../../dgii/lookup';
import { registrySql } from '../../dgii/registry';
import { shopToday } from '../../domain/dates';
import {
  amountText,
  errorReportCsv,
  fieldsFor,
  guessMapping,
  headerKey,
  ImportFileError,
  importFileKind,
  importMaxBytes,
  inferIdType,
  mappedRow,
  quantityValue,
  readImportTable,
  stockField,
  type ImportEntity,
  type ImportField,
  type ImportPreview,
  type ImportTable,
  type RowIssue,
} from '../../domain/imports';
import { compareDecimals, fromUnits, isDecimalString, normalizeDecimal, toUnits } from '../../domain/money';
import { isNcfType, ncfTypes } from '../../domain/ncf';
import { compactTaxId } from '../../domain/tax-id';
import { AppError } from '../../errors';
import { t, type MessageKey } from '../../i18n/es-DO';
import {
  claimImportRun,
  existingContacts,
  existingNcfs,
  existingPrescriptionKeys,
  existingSkus,
  getImportMapping,
  getImportRun,
  importLookups,
  inImportTransaction,
  insertContactRows,
  insertImportRun,
  insertInvoiceRows,
  insertPrescriptionRows,
  insertProductRows,
  listImportRuns,
  saveImportMapping,
  setImportProgress,
  updateImportRun,
  type ContactRow,
  type ImportLookups,
  type ImportRun,
  type InvoiceRow,
  type PrescriptionRow,
  type ProductRow,
} from '../../queries/imports';
import { taxIdIssue } from '../../schemas/common';
import { contactFields, parseDate } from '../../schemas/contacts';
import { prescriptionFields } from '../../schemas/prescriptions';
import { productCreate } from '../../schemas/products';
import { tenantConnectionString } from '../../tenancy/context';
import { prepareContact } from './contacts';
import type { ShopContext } from './context';

export type { ImportPreview, ImportRun };

/** What an import runs with: the UI's ShopContext, the queue consumer's or the CLI's (no session user there). */
export type ImportContext = Pick<ShopContext, 'db' | 'tenant' | 'env' | 'files' | 'jobs'> & { userId: string | null };

export const importJobs = { run: 'imports.run' } as const;

/** Rows per multi-row INSERT inside the import's one transaction. */
export const importChunkRows = 500;

function requireImports(ctx: ShopContext): ImportContext {
  if (!can(ctx.actor, 'imports.manage')) throw new AppError('forbidden');
  return { ...ctx, userId: ctx.actor.id };
}

const sourceKey = (id: string) => `imports/${id}/source`;
const previewKey = (id: string) => `imports/${id}/preview.json`;
const errorsKey = (id: string) => `imports/${id}/errores.csv`;

interface Checked<T> {
  preview: ImportPreview;
  rows: T[];
}

// ---------------------------------------------------------------------------------------------
// Reading and mapping
// ---------------------------------------------------------------------------------------------

function fileError(error: unknown): never {
  if (error instanceof ImportFileError)
    throw new AppError('validation', t(`imports.file.${error.reason}` as MessageKey), {
      file: t(`imports.file.${error.reason}` as MessageKey),
    });
  throw error;
}

/** Reads an uploaded file (422 with a field message when it is too big, not CSV/.xlsx, empty or unreadable). */
export async function readImportFile(fileName: string, bytes: Uint8Array): Promise<ImportTable> {
  if (bytes.byteLength > importMaxBytes)
    throw new AppError('validation', t('imports.file.tooBig'), { file: t('imports.file.tooBig') });
  const kind = importFileKind(fileName, bytes);
  if (!kind) throw new AppError('validation', t('imports.file.format'), { file: t('imports.file.format') });
  return readImportTable(kind, bytes).catch(fileError);
}

export async function entityFields(ctx: Pick<ImportContext, 'db'>, entity: ImportEntity): Promise<ImportField[]> {
  if (entity !== 'products') return fieldsFor(entity);
  const { branches } = await importLookups(ctx.db);
  return fieldsFor(
    entity,
    branches.map((branch) => branch.code),
  );
}

/**
 * Checks a mapping against the fields and the file's headers: every required field mapped, each
 * to a header of the file; blank choices are dropped. Throws a validation error keyed by field.
 */
export function checkMapping(
  fields: readonly ImportField[],
  headers: readonly string[],
  submitted: Record<string, string | undefined>,
): Record<string, string> {
  const mapping: Record<string, string> = {};
  const errors: Record<string, string> = {};
  for (const target of fields) {
    const header = submitted[target.name]?.trim() ?? '';
    if (header === '') {
      if (target.required) errors[target.name] = t('imports.mapping.required');
      continue;
    }
    if (!headers.includes(header)) errors[target.name] = t('imports.mapping.unknownColumn', { column: header });
    else mapping[target.name] = header;
  }
  if (Object.keys(errors).length) throw new AppError('validation', t('validation.summary'), errors);
  return mapping;
}

// ---------------------------------------------------------------------------------------------
// Checking rows: the same schemas and rules as manual entry, lookups loaded once per file
// ---------------------------------------------------------------------------------------------

class RowCollector {
  readonly issues: RowIssue[] = [];
  readonly skippedRows: Array<{ row: number; key: string }> = [];
  readonly bad = new Set<number>();

  constructor(
    private readonly mapping: Record<string, string>,
    private readonly labels: Record<string, string>,
  ) {}

  fail(row: number, field: string, value: string, message: string): void {
    this.issues.push({ row, column: this.mapping[field] ?? this.labels[field] ?? field, value, message });
    this.bad.add(row);
  }

  /** zod issues, each on the column of its field (the first issue of a field only). */
  zod(
    row: number,
    cells: Record<string, string>,
    error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
    fieldOf: (path: string) => string = (path) => path,
  ): void {
    const seen = new Set<string>();
    for (const issue of error.issues) {
      const field = fieldOf(String(issue.path[0] ?? ''));
      if (seen.has(field)) continue;
      seen.add(field);
      this.fail(row, field, cells[field] ?? '', issue.message);
    }
  }

  /** Duplicate natural keys inside the file: every later row with the same key is an error. */
  unique(row: number, field: string, key: string | null, seen: Map<string, number>): void {
    if (!key) return;
    const first = seen.get(key);
    if (first !== undefined) this.fail(row, field, key, t('imports.error.duplicateInFile', { row: first }));
    else seen.set(key, row);
  }

  preview<T>(total: number, rows: T[]): Checked<T> {
    this.issues.sort((a, b) => a.row - b.row);
    return {
      rows,
      preview: {
        total,
        ready: rows.length,
        skipped: this.skippedRows.length,
        errorRows: this.bad.size,
        issues: this.issues,
        skippedRows: this.skippedRows,
      },
    };
  }
}

const fieldLabels = (entity: ImportEntity, fields: readonly ImportField[]) =>
  Object.fromEntries(fields.map((target) => [target.name, importFieldLabel(entity, target.name)]));

/** The Spanish label of a target field (stock fields: "Existencia <code>"). */
export function importFieldLabel(entity: ImportEntity, name: string): string {
  if (name.startsWith('stock:')) return t('imports.field.stock', { branch: name.slice('stock:'.length) });
  return t(`imports.field.${entity}.${name}` as MessageKey);
}

const contactKindWords: Record<string, 'customer' | 'supplier' | 'optometrist'> = {
  cliente: 'customer',
  paciente: 'customer',
  customer: 'customer',
  proveedor: 'supplier',
  supplier: 'supplier',
  optometra: 'optometrist',
  optometrista: 'optometrist',
  optometrist: 'optometrist',
};
const idTypeWords: Record<string, 'cedula' | 'rnc' | 'pasaporte'> = {
  cedula: 'cedula',
  rnc: 'rnc',
  pasaporte: 'pasaporte',
  passport: 'pasaporte',
};
const genderWords: Record<string, 'F' | 'M' | 'X'> = {
  f: 'F',
  femenino: 'F',
  mujer: 'F',
  m: 'M',
  masculino: 'M',
  hombre: 'M',
  x: 'X',
  otro: 'X',
};

function word<T>(table: Record<string, T>, raw: string): T | string {
  return raw === '' ? '' : (table[headerKey(raw)] ?? raw);
}

async function checkContacts(
  ctx: ImportContext,
  table: ImportTable,
  mapping: Record<string, string>,
  labels: Record<string, string>,
): Promise<Checked<ContactRow & { row: number }>> {
  const out = new RowCollector(mapping, labels);
  const seenKeys = new Map<string, number>();
  const parsed = table.rows.map((cells, index) => {
    const row = index + 2;
    const raw = mappedRow(table.headers, cells, mapping);
    const idNumber = raw.idNumber ?? '';
    const input = {
      kind: word(contactKindWords, raw.kind ?? '') || 'customer',
      idType: word(idTypeWords, raw.idType ?? '') || (idNumber ? inferIdType(idNumber) : ''),
      idNumber,
      name: raw.name ?? '',
      phone: raw.phone ?? '',
      mobile: raw.mobile ?? '',
      email: raw.email ?? '',
      address: raw.address ?? '',
      birthDate: raw.birthDate ?? '',
      gender: word(genderWords, raw.gender ?? ''),
      notes: raw.notes ?? '',
    };
    const result = contactFields.safeParse(input);
    if (!result.success) out.zod(row, raw, result.error);
    out.unique(row, 'importKey', raw.importKey || null, seenKeys);
    return { row, raw, input: result.success ? result.data : null };
  });

  // The DGII registry answers, in one query, for the numbers whose check digit fails or whose name is blank.
  const askRegistry = parsed.flatMap(({ input }) => {
    if (!input?.idNumber || (input.idType !== 'cedula' && input.idType !== 'rnc')) return [];
    const digits = compactTaxId(input.idNumber);
    return taxIdIssue(input.idType, digits, false) !== null || !input.name ? [digits] : [];
  });
  const registry: Map<string, Taxpayer> = askRegistry.length
    ? await findTaxpayers(registrySql(ctx.env), askRegistry)
    : new Map();

  const candidates: Array<ContactRow & { row: number }> = [];
  const seenIds = new Map<string, number>();
  for (const { row, raw, input } of parsed) {
    if (!input) continue;
    let values: Awaited<ReturnType<typeof prepareContact>>['values'];
    try {
      ({ values } = await prepareContact(input, async (taxId) => registry.get(taxId) ?? null));
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      for (const [field, message] of Object.entries(error.fields)) out.fail(row, field, raw[field] ?? '', message);
      continue;
    }
    const importKey = raw.importKey || null;
    if (!importKey && !values.idNumber) {
      out.fail(row, mapping.importKey ? 'importKey' : 'idNumber', '', t('imports.error.contactKey'));
      continue;
    }
    out.unique(row, 'idNumber', values.idNumber ?? null, seenIds);
    if (out.bad.has(row)) continue;
    candidates.push({ ...values, importKey, row });
  }
  const existing = await existingContacts(
    ctx.db,
    candidates.flatMap((row) => (row.importKey ? [row.importKey] : [])),
    candidates.flatMap((row) => (row.idNumber ? [row.idNumber] : [])),
  );
  const takenKeys = new Set(existing.map((contact) => contact.importKey));
  const takenIds = new Set(existing.map((contact) => contact.idNumber));
  const rows = candidates.filter((row) => {
    const taken = (row.importKey && takenKeys.has(row.importKey)) || (row.idNumber && takenIds.has(row.idNumber));
    if (taken) out.skippedRows.push({ row: row.row, key: (row.importKey ?? row.idNumber)! });
    return !taken;
  });
  return out.preview(table.rows.length, rows);
}

const categoryWords: Record<string, string> = {
  monturas: 'monturas',
  montura: 'monturas',
  aros: 'monturas',
  frames: 'monturas',
  lentes: 'lentes',
  lente: 'lentes',
  cristales: 'lentes',
  lenses: 'lentes',
  'lentes de contacto': 'lentes_contacto',
  'lentes contacto': 'lentes_contacto',
  'lente de contacto': 'lentes_contacto',
  'lentes contacto ': 'lentes_contacto',
  'contact lenses': 'lentes_contacto',
  lentes_contacto: 'lentes_contacto',
  accesorios: 'accesorios',
  accesorio: 'accesorios',
  accessories: 'accesorios',
  servicios: 'servicios',
  servicio: 'servicios',
  services: 'servicios',
};
const taxWords: Record<string, string> = {
  '18': 'ITBIS18',
  '18%': 'ITBIS18',
  '16': 'ITBIS16',
  '16%': 'ITBIS16',
  '0': 'ITBIS0',
  '0%': 'ITBIS0',
  exento: 'EXENTO',
  exenta: 'EXENTO',
  e: 'EXENTO',
};

/** Products: an unmapped or blank tax is ITBIS 18% (the shop's usual rate for optical goods). */
export const defaultImportTax = 'ITBIS18';

async function checkProducts(
  ctx: ImportContext,
  table: ImportTable,
  mapping: Record<string, string>,
  labels: Record<string, string>,
  lookups: ImportLookups,
): Promise<Checked<ProductRow & { row: number }>> {
  const out = new RowCollector(mapping, labels);
  const taxByCode = new Map(lookups.taxes.map((tax) => [tax.code.toUpperCase(), tax]));
  const stockFields = lookups.branches
    .map((branch) => ({ field: stockField(branch.code), branchId: branch.id }))
    .filter(({ field }) => mapping[field]);
  const candidates: Array<ProductRow & { row: number }> = [];
  const seen = new Map<string, number>();
  table.rows.forEach((cells, index) => {
    const row = index + 2;
    const raw = mappedRow(table.headers, cells, mapping);
    const category = raw.category
      ? (categoryWords[headerKey(raw.category).replace(/_/g, ' ')] ??
        categoryWords[headerKey(raw.category)] ??
        raw.category)
      : '';
    const taxRaw = raw.taxCode ?? '';
    const taxCode = taxRaw === '' ? defaultImportTax : (taxWords[headerKey(taxRaw)] ?? taxRaw);
    const result = productCreate.safeParse({
      sku: raw.sku ?? '',
      name: raw.name ?? '',
      category,
      brand: raw.brand ?? '',
      price: amountText(raw.price ?? '') ?? raw.price ?? '',
      cost: raw.cost ? (amountText(raw.cost) ?? raw.cost) : null,
      taxCode,
    });
    if (!result.success) out.zod(row, raw, result.error);
    const tax = result.success ? taxByCode.get(result.data.taxCode) : undefined;
    if (result.success && !tax) out.fail(row, 'taxCode', taxRaw, t('products.validation.tax'));
    const stock = stockFields.map(({ field, branchId }) => {
      const value = raw[field] ?? '';
      const quantity = value === '' ? 0 : quantityValue(value);
      if (quantity === null || quantity < 0) out.fail(row, field, value, t('imports.error.stock'));
      return { branchId, quantity: quantity ?? 0 };
    });
    if (result.success) out.unique(row, 'sku', result.data.sku.toLowerCase(), seen);
    if (!result.success || !tax || out.bad.has(row)) return;
    const data = result.data;
    candidates.push({
      row,
      sku: data.sku,
      name: data.name,
      category: data.category,
      brand: data.brand ?? null,
      price: data.price,
      cost: data.cost ?? null,
      taxId: tax.id,
      trackStock: data.trackStock,
      allowNegativeStock: data.allowNegativeStock,
      active: data.active,
      stock,
    });
  });
  const taken = await existingSkus(
    ctx.db,
    candidates.map((row) => row.sku),
  );
  const rows = candidates.filter((row) => {
    if (!taken.has(row.sku.toLowerCase())) return true;
    out.skippedRows.push({ row: row.row, key: row.sku });
    return false;
  });
  return out.preview(table.rows.length, rows);
}

/** Patients and customers named in a file: by old-system key, else by identification digits (one query). */
async function contactFinder(ctx: ImportContext, keys: readonly string[]) {
  const digits = keys.map((key) => key.replace(/[\s-]/g, '')).filter((key) => /^\d{9}$|^\d{11}$/.test(key));
  const found = await existingContacts(ctx.db, keys, digits);
  const byKey = new Map(found.filter((row) => row.importKey).map((row) => [row.importKey!, row]));
  const byId = new Map(found.filter((row) => row.idNumber).map((row) => [row.idNumber!, row]));
  return (key: string) => byKey.get(key) ?? byId.get(key.replace(/[\s-]/g, '')) ?? null;
}

function branchFinder(lookups: ImportLookups) {
  const byCode = new Map(lookups.branches.map((branch) => [branch.code.toLowerCase(), branch.id]));
  const main = lookups.branches[0]?.id ?? null;
  return (code: string) => (code === '' ? main : (byCode.get(code.toLowerCase()) ?? null));
}

const noPatient = '00000000-0000-4000-8000-000000000000';

async function checkPrescriptions(
  ctx: ImportContext,
  table: ImportTable,
  mapping: Record<string, string>,
  labels: Record<string, string>,
  lookups: ImportLookups,
): Promise<Checked<PrescriptionRow & { row: number }>> {
  const out = new RowCollector(mapping, labels);
  const raws = table.rows.map((cells) => mappedRow(table.headers, cells, mapping));
  const findContact = await contactFinder(ctx, raws.map((raw) => raw.patientKey ?? '').filter(Boolean));
  const findBranch = branchFinder(lookups);
  const candidates: Array<PrescriptionRow & { row: number }> = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    const row = index + 2;
    const importKey = raw.importKey ?? '';
    if (!importKey) out.fail(row, 'importKey', '', t('validation.required'));
    out.unique(row, 'importKey', importKey || null, seen);
    const patient = raw.patientKey ? findContact(raw.patientKey) : null;
    if (!patient) out.fail(row, 'patientKey', raw.patientKey ?? '', t('imports.error.patientNotFound'));
    const branchId = findBranch(raw.branchCode ?? '');
    if (!branchId) out.fail(row, 'branchCode', raw.branchCode ?? '', t('imports.error.branch'));
    if (!raw.examinedOn) out.fail(row, 'examinedOn', '', t('validation.required'));
    const { importKey: _key, patientKey: _patient, branchCode: _branch, optometristName, ...rest } = raw;
    const result = prescriptionFields.safeParse({
      ...rest,
      patientId: patient?.id ?? noPatient,
      branchId,
      optometristName: optometristName || t('imports.optometristUnknown'),
    });
    if (!result.success) {
      out.zod(row, raw, result.error, (path) => (path === 'patientId' ? 'patientKey' : path));
      return;
    }
    if (out.bad.has(row)) return;
    const { patientId, branchId: _b, optometristId: _o, ...values } = result.data;
    candidates.push({
      ...values,
      row,
      patientId,
      branchId: branchId!,
      importKey,
      createdBy: ctx.userId,
    });
  });
  const taken = await existingPrescriptionKeys(
    ctx.db,
    candidates.map((row) => row.importKey!),
  );
  const rows = candidates.filter((row) => {
    if (!taken.has(row.importKey!)) return true;
    out.skippedRows.push({ row: row.row, key: row.importKey! });
    return false;
  });
  return out.preview(table.rows.length, rows);
}

const ncfPattern = /^(B\d{2}\d{8}|E\d{2}\d{10})$/;

function money(raw: string): string | null {
  const text = amountText(raw);
  return text !== null && isDecimalString(text, { scale: 2, maxIntegerDigits: 12 }) ? normalizeDecimal(text, 2) : null;
}

async function checkInvoices(
  ctx: ImportContext,
  table: ImportTable,
  mapping: Record<string, string>,
  labels: Record<string, string>,
  lookups: ImportLookups,
): Promise<Checked<InvoiceRow & { row: number }>> {
  const out = new RowCollector(mapping, labels);
  const raws = table.rows.map((cells) => mappedRow(table.headers, cells, mapping));
  const findContact = await contactFinder(ctx, raws.map((raw) => raw.customerKey ?? '').filter(Boolean));
  const findBranch = branchFinder(lookups);
  const today = shopToday();
  const importedAt = new Date();
  const candidates: Array<InvoiceRow & { row: number }> = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, index) => {
    const row = index + 2;
    const ncf = (raw.ncf ?? '').replace(/[\s-]/g, '').toUpperCase();
    const type = ncf.slice(0, 3);
    const ncfOk = ncfPattern.test(ncf) && isNcfType(type) && ncfTypes[type].use === 'invoice';
    if (!ncfOk) out.fail(row, 'ncf', raw.ncf ?? '', t('imports.error.ncf'));
    out.unique(row, 'ncf', ncfOk ? ncf : null, seen);
    const customer = raw.customerKey ? findContact(raw.customerKey) : null;
    if (!customer) out.fail(row, 'customerKey', raw.customerKey ?? '', t('imports.error.customerNotFound'));
    const issuedOn = raw.issuedOn ? parseDate(raw.issuedOn) : null;
    if (!issuedOn || issuedOn > today) out.fail(row, 'issuedOn', raw.issuedOn ?? '', t('imports.error.date'));
    const dueOn = raw.dueOn ? parseDate(raw.dueOn) : null;
    if (raw.dueOn && (!dueOn || (issuedOn && dueOn < issuedOn)))
      out.fail(row, 'dueOn', raw.dueOn, t('imports.error.dueDate'));
    const total = money(raw.total ?? '');
    const itbis = raw.itbis ? money(raw.itbis) : '0.00';
    const balance = money(raw.balance ?? '');
    if (!total || compareDecimals(total, '0') <= 0) out.fail(row, 'total', raw.total ?? '', t('imports.error.amount'));
    if (!itbis || (total && compareDecimals(itbis, total) > 0))
      out.fail(row, 'itbis', raw.itbis ?? '', t('imports.error.itbis'));
    if (!balance || compareDecimals(balance, '0') <= 0)
      out.fail(row, 'balance', raw.balance ?? '', t('imports.error.balance'));
    else if (total && compareDecimals(balance, total) > 0)
      out.fail(row, 'balance', raw.balance ?? '', t('imports.error.balanceOverTotal'));
    if (ncfOk && customer && isNcfType(type) && ncfTypes[type].requiresBuyerId && !customer.idNumber)
      out.fail(row, 'customerKey', raw.customerKey ?? '', t('imports.error.buyerId', { type }));
    const branchId = findBranch(raw.branchCode ?? '');
    if (!branchId) out.fail(row, 'branchCode', raw.branchCode ?? '', t('imports.error.branch'));
    if (out.bad.has(row) || !customer || !total || !itbis || !balance || !issuedOn || !branchId) return;
    const base = fromUnits(toUnits(total, 2) - toUnits(itbis, 2), 2);
    const baseCents = toUnits(base, 2);
    // The rate the old system charged, from its own figures (2 decimals, half-up); 0 when it charged none.
    const rate = baseCents > 0n ? fromUnits((toUnits(itbis, 2) * 20000n + baseCents) / (2n * baseCents), 2) : '0.00';
    const taxed = compareDecimals(itbis, '0') > 0;
    const details = contactDetails(customer);
    candidates.push({
      row,
      kind: 'invoice',
      status: compareDecimals(balance, total) === 0 ? 'issued' : 'partially_paid',
      ncfType: type,
      ncf,
      issuedOn,
      dueOn,
      customerId: customer.id,
      buyerName: details.name,
      buyerIdType: details.idType,
      buyerIdNumber: details.idNumber,
      branchId,
      currencyCode: 'DOP',
      exchangeRate: '1',
      grossTotal: base,
      taxableTotal: taxed ? base : '0.00',
      exemptTotal: taxed ? '0.00' : base,
      itbisTotal: itbis,
      total,
      taxBreakdown: taxed ? [{ rate, taxable: base, itbis }] : [],
      taxableTotalDop: taxed ? base : '0.00',
      exemptTotalDop: taxed ? '0.00' : base,
      itbisTotalDop: itbis,
      totalDop: total,
      paidTotal: fromUnits(toUnits(total, 2) - toUnits(balance, 2), 2),
      notes: raw.notes || null,
      importedAt,
      createdBy: ctx.userId,
      line: {
        position: 1,
        description: t('imports.invoiceLine', { ncf }),
        quantity: '1',
        unitPrice: base,
        taxRate: rate,
        exempt: !taxed,
        amount: base,
      },
    });
  });
  const taken = await existingNcfs(
    ctx.db,
    candidates.map((row) => row.ncf!),
  );
  const rows = candidates.filter((row) => {
    if (!taken.has(row.ncf!)) return true;
    out.skippedRows.push({ row: row.row, key: row.ncf! });
    return false;
  });
  return out.preview(table.rows.length, rows);
}

function contactDetails(contact: { idType?: string | null; idNumber: string | null; name: string }) {
  const idType = (contact.idType ?? (contact.idNumber ? inferIdType(contact.idNumber) : null)) as
    | 'cedula'
    | 'rnc'
    | 'pasaporte'
    | null;
  return { name: contact.name, idType: contact.idNumber ? idType : null, idNumber: contact.idNumber };
}

type AnyChecked =
  | { entity: 'contacts'; checked: Checked<ContactRow & { row: number }> }
  | { entity: 'products'; checked: Checked<ProductRow & { row: number }> }
  | { entity: 'prescriptions'; checked: Checked<PrescriptionRow & { row: number }> }
  | { entity: 'invoices'; checked: Checked<InvoiceRow & { row: number }> };

/** Checks every row of a file under a mapping; reads the shop (a few batched queries), writes nothing. */
export async function checkImport(
  ctx: ImportContext,
  entity: ImportEntity,
  table: ImportTable,
  mapping: Record<string, string>,
): Promise<AnyChecked> {
  const lookups = await importLookups(ctx.db);
  const fields = fieldsFor(
    entity,
    lookups.branches.map((branch) => branch.code),
  );
  const labels = fieldLabels(entity, fields);
  switch (entity) {
    case 'contacts':
      return { entity, checked: await checkContacts(ctx, table, mapping, labels) };
    case 'products':
      return { entity, checked: await checkProducts(ctx, table, mapping, labels, lookups) };
    case 'prescriptions':
      return { entity, checked: await checkPrescriptions(ctx, table, mapping, labels, lookups) };
    case 'invoices':
      return { entity, checked: await checkInvoices(ctx, table, mapping, labels, lookups) };
  }
}

// ---------------------------------------------------------------------------------------------
// Use cases: upload, preview, start, the job, the error report
// ---------------------------------------------------------------------------------------------

/** Stores the file under the shop's prefix and records the run; the file is read first (422 when it cannot be). */
export async function recordImportUpload(
  ctx: ImportContext,
  entity: ImportEntity,
  fileName: string,
  bytes: Uint8Array,
): Promise<ImportRun> {
  const table = await readImportFile(fileName, bytes);
  const id = crypto.randomUUID();
  const fileKey = sourceKey(id);
  await ctx.files.put(fileKey, bytes, { customMetadata: { fileName: encodeURIComponent(fileName) } });
  return insertImportRun(ctx.db, {
    id,
    entity,
    fileKey,
    fileName: fileName.slice(0, 200),
    totalRows: table.rows.length,
    createdBy: ctx.userId,
  });
}

export async function uploadImport(
  ctx: ShopContext,
  entity: ImportEntity,
  fileName: string,
  bytes: Uint8Array,
): Promise<ImportRun> {
  return recordImportUpload(requireImports(ctx), entity, fileName, bytes);
}

export async function listImports(ctx: ShopContext, before: { createdAt: string; id: string } | null, limit: number) {
  requireImports(ctx);
  return listImportRuns(ctx.db, { before, limit });
}

async function loadRun(ctx: Pick<ImportContext, 'db'>, id: string): Promise<ImportRun> {
  const run = await getImportRun(ctx.db, id);
  if (!run) throw new AppError('not_found');
  return run;
}

async function loadTable(ctx: Pick<ImportContext, 'files'>, run: ImportRun): Promise<ImportTable> {
  const object = await ctx.files.get(run.fileKey);
  if (!object) throw new AppError('not_found');
  const bytes = new Uint8Array(await object.arrayBuffer());
  return readImportFile(run.fileName, bytes);
}

export interface ImportMappingForm {
  run: ImportRun;
  headers: string[];
  fields: ImportField[];
  mapping: Record<string, string>;
  preview: ImportPreview | null;
}

/** The mapping step: the file's headers, the fields, and the mapping to offer (the run's, the shop's last, or guesses). */
export async function importMappingForm(ctx: ShopContext, id: string): Promise<ImportMappingForm> {
  const scoped = requireImports(ctx);
  const run = await loadRun(scoped, id);
  const [table, fields, remembered] = await Promise.all([
    loadTable(scoped, run),
    entityFields(scoped, run.entity),
    run.mapping ? Promise.resolve(null) : getImportMapping(ctx.db, run.entity),
  ]);
  const mapping = run.mapping ?? guessMapping(fields, table.headers, remembered);
  const preview = run.status === 'validated' ? await readPreview(scoped, run.id) : null;
  return { run, headers: table.headers, fields, mapping, preview };
}

async function readPreview(ctx: Pick<ImportContext, 'files'>, id: string): Promise<ImportPreview | null> {
  const object = await ctx.files.get(previewKey(id));
  return object ? ((await object.json()) as ImportPreview) : null;
}

async function storeIssues(
  ctx: Pick<ImportContext, 'files'>,
  id: string,
  preview: ImportPreview,
): Promise<string | null> {
  await ctx.files.put(previewKey(id), JSON.stringify(preview), { httpMetadata: { contentType: 'application/json' } });
  if (preview.issues.length === 0) return null;
  const csv = errorReportCsv(preview.issues, [
    t('imports.report.row'),
    t('imports.report.column'),
    t('imports.report.value'),
    t('imports.report.message'),
  ]);
  await ctx.files.put(errorsKey(id), csv, { httpMetadata: { contentType: 'text/csv; charset=utf-8' } });
  return errorsKey(id);
}

/** Checks every row under the submitted mapping, keeps the result (and the error report) for the run. */
export async function previewImport(
  ctx: ShopContext,
  id: string,
  submitted: Record<string, string | undefined>,
): Promise<{ run: ImportRun; preview: ImportPreview }> {
  const scoped = requireImports(ctx);
  const run = await loadRun(scoped, id);
  if (run.status !== 'uploaded' && run.status !== 'validated')
    throw new AppError('conflict', t('imports.alreadyStarted'));
  const table = await loadTable(scoped, run);
  const mapping = checkMapping(await entityFields(scoped, run.entity), table.headers, submitted);
  const { checked } = await checkImport(scoped, run.entity, table, mapping);
  const errorReportKey = await storeIssues(scoped, run.id, checked.preview);
  const updated = await updateImportRun(ctx.db, run.id, ['uploaded', 'validated'], {
    status: 'validated',
    mapping,
    totalRows: checked.preview.total,
    errorRows: checked.preview.errorRows,
    errorReportKey,
  });
  if (!updated) throw new AppError('conflict', t('imports.alreadyStarted'));
  return { run: updated, preview: checked.preview };
}

/** The preview kept for a validated run (the page shows it again, a page of rows at a time). */
export async function importPreview(
  ctx: ShopContext,
  id: string,
): Promise<{ run: ImportRun; preview: ImportPreview | null }> {
  const scoped = requireImports(ctx);
  const run = await loadRun(scoped, id);
  return { run, preview: await readPreview(scoped, run.id) };
}

/** Queues the write of a validated file without errors; the mapping becomes the shop's default for the entity. */
export async function startImport(ctx: ShopContext, id: string): Promise<ImportRun> {
  const scoped = requireImports(ctx);
  const run = await loadRun(scoped, id);
  if (run.status !== 'validated') throw new AppError('conflict', t('imports.notValidated'));
  if ((run.errorRows ?? 0) > 0) throw new AppError('conflict', t('imports.hasErrors'));
  const queued = await updateImportRun(ctx.db, run.id, ['validated'], { status: 'queued' });
  if (!queued) throw new AppError('conflict', t('imports.alreadyStarted'));
  await saveImportMapping(ctx.db, run.entity, run.mapping ?? {}, ctx.actor.id);
  await ctx.jobs.send(importJobs.run, { id: run.id });
  return queued;
}

export async function getImport(ctx: ShopContext, id: string): Promise<ImportRun> {
  return loadRun(requireImports(ctx), id);
}

/** The error report (CSV) of a run, when it has one. */
export async function importErrorReport(
  ctx: ShopContext,
  id: string,
): Promise<{ body: ReadableStream; fileName: string }> {
  const scoped = requireImports(ctx);
  const run = await loadRun(scoped, id);
  const object = run.errorReportKey ? await scoped.files.get(run.errorReportKey) : null;
  if (!object) throw new AppError('not_found');
  return { body: object.body, fileName: `errores-${run.entity}-${run.id.slice(0, 8)}.csv` };
}

async function writeChunks<T extends { row: number }>(
  rows: T[],
  onProgress: (done: number) => Promise<void>,
  write: (chunk: Array<Omit<T, 'row'>>) => Promise<number>,
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += importChunkRows) {
    const chunk = rows.slice(start, start + importChunkRows).map(({ row: _row, ...values }) => values);
    inserted += await write(chunk);
    await onProgress(Math.min(start + importChunkRows, rows.length));
  }
  return inserted;
}

/**
 * Writes a checked file in ONE transaction, `importChunkRows` rows per INSERT ... ON CONFLICT DO
 * NOTHING on the natural key (a row that appeared since the check is skipped, not duplicated).
 * Progress is recorded outside the transaction so the page can show it while the write runs.
 */
async function writeImport(
  ctx: ImportContext,
  checked: AnyChecked,
  onProgress: (done: number) => Promise<void>,
): Promise<number> {
  const connection = await tenantConnectionString(ctx.env, ctx.tenant);
  return inImportTransaction(connection, async (tx) => {
    switch (checked.entity) {
      case 'contacts':
        return writeChunks(checked.checked.rows, onProgress, (chunk) => insertContactRows(tx, chunk));
      case 'products':
        return writeChunks(checked.checked.rows, onProgress, (chunk) => insertProductRows(tx, chunk, ctx.userId));
      case 'prescriptions':
        return writeChunks(checked.checked.rows, onProgress, (chunk) => insertPrescriptionRows(tx, chunk));
      case 'invoices':
        return writeChunks(checked.checked.rows, onProgress, (chunk) => insertInvoiceRows(tx, chunk));
    }
  });
}

/**
 * The `imports.run` job: claims the queued run (a repeated message finds it claimed and does
 * nothing; a run whose worker died is taken again after 15 minutes), checks the file again (the shop may have changed since the preview) and writes it all
 * or nothing. A file that now has errors fails with its error report; nothing is written.
 */
export async function runImport(jobCtx: ImportContext, id: string): Promise<ImportRun | null> {
  const run = await claimImportRun(jobCtx.db, id);
  if (!run) return null;
  // The rows are written in the name of whoever uploaded the file.
  const ctx = { ...jobCtx, userId: jobCtx.userId ?? run.createdBy };
  try {
    const table = await loadTable(ctx, run);
    const checked = await checkImport(ctx, run.entity, table, run.mapping ?? {});
    const { preview } = checked.checked;
    if (preview.errorRows > 0) {
      const errorReportKey = await storeIssues(ctx, run.id, preview);
      return updateImportRun(ctx.db, run.id, ['running'], {
        status: 'failed',
        errorRows: preview.errorRows,
        errorReportKey,
        error: t('imports.hasErrors'),
        finishedAt: new Date(),
      });
    }
    const inserted = await writeImport(ctx, checked, (done) => setImportProgress(ctx.db, run.id, done));
    return updateImportRun(ctx.db, run.id, ['running'], {
      status: 'done',
      processedRows: preview.total,
      inserted,
      skipped: preview.total - inserted,
      finishedAt: new Date(),
    });
  } catch (error) {
    const message = error instanceof AppError ? error.message : t('imports.failed');
    if (!(error instanceof AppError)) console.error('import failed', run.id, error);
    return updateImportRun(ctx.db, run.id, ['running'], {
      status: 'failed',
      processedRows: 0,
      error: message,
      finishedAt: new Date(),
    });
  }
}

/**
 * The operator's import (CLI): reads and checks the file under a mapping (guessed, the shop's last,
 * then the operator's overrides); with errors nothing is recorded. Otherwise the run is recorded and
 * written in-process (the CLI waits for the result; no queue consumer is needed).
 */
export async function importFileNow(
  ctx: ImportContext,
  input: {
    entity: ImportEntity;
    fileName: string;
    bytes: Uint8Array;
    overrides: Record<string, string>;
    dryRun: boolean;
  },
): Promise<{ preview: ImportPreview; mapping: Record<string, string>; run: ImportRun | null }> {
  const table = await readImportFile(input.fileName, input.bytes);
  const fields = await entityFields(ctx, input.entity);
  const remembered = await getImportMapping(ctx.db, input.entity);
  const mapping = checkMapping(fields, table.headers, {
    ...guessMapping(fields, table.headers, remembered),
    ...input.overrides,
  });
  const { checked } = await checkImport(ctx, input.entity, table, mapping);
  if (checked.preview.errorRows > 0 || input.dryRun) return { preview: checked.preview, mapping, run: null };
  const run = await recordImportUpload(ctx, input.entity, input.fileName, input.bytes);
  await updateImportRun(ctx.db, run.id, ['uploaded'], {
    status: 'queued',
    mapping,
    totalRows: checked.preview.total,
    errorRows: 0,
  });
  await saveImportMapping(ctx.db, input.entity, mapping, ctx.userId);
  return { preview: checked.preview, mapping, run: await runImport(ctx, run.id) };
}
