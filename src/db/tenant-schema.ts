import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  time,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

/** The shop's own company data: exactly one row. */
export const company = pgTable(
  'company',
  {
    id: integer().primaryKey().default(1),
    name: text().notNull(),
    rnc: text(),
    address: text(),
    phones: text(),
    email: text(),
    /** R2 key under the tenant's prefix (c.var.files). */
    logoKey: text(),
    invoiceFooter: text(),
    defaultCurrency: text().notNull().default('DOP'),
    /** When the owner hid the home page's setup checklist before finishing it. */
    setupDismissedAt: timestamp({ withTimezone: true }),
    /** Messages to customers wait outside these shop-local hours (both null: no quiet hours). */
    quietHoursStart: time(),
    quietHoursEnd: time(),
    ...timestamps,
  },
  (table) => [check('company_single_row', sql`${table.id} = 1`)],
);

/** What happened in the shop, readable by its owner (jobs, support access, settings changes). */
export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  action: text().notNull(),
  actor: text(),
  details: jsonb().$type<Record<string, unknown>>(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const roles = ['owner', 'admin', 'ventas', 'optometrista', 'caja'] as const;
export type Role = (typeof roles)[number];

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: text().$type<Role>().notNull(),
    /** A shop-built role: when set, its permissions replace those of \`role\` (which stays one of the five defaults). */
    customRoleId: uuid().references((): AnyPgColumn => customRoles.id),
    /** PBKDF2 hash (see src/auth/password.ts); null until the user sets a password. */
    passwordHash: text(),
    /** invited: has not set a password yet; disabled: cannot sign in, sessions revoked. */
    status: text().$type<'invited' | 'active' | 'disabled'>().notNull().default('invited'),
    lastLoginAt: timestamp({ withTimezone: true }),
    passwordChangedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('users_email_key').on(table.email),
    check('users_email_lower', sql`${table.email} = lower(${table.email})`),
    check('users_role_valid', sql`${table.role} in ('owner', 'admin', 'ventas', 'optometrista', 'caja')`),
    check('users_status_valid', sql`${table.status} in ('invited', 'active', 'disabled')`),
  ],
);

/** One-time links: set the first password, accept an invitation, reset a password. Only hashes are stored. */
export const userTokens = pgTable(
  'user_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    purpose: text().$type<'set_password' | 'invitation'>().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('user_tokens_hash_key').on(table.tokenHash), index('user_tokens_user_idx').on(table.userId)],
);

export const branches = pgTable(
  'branches',
  {
    id: uuid().primaryKey().defaultRandom(),
    code: text().notNull(),
    name: text().notNull(),
    address: text(),
    phone: text(),
    active: boolean().notNull().default(true),
    ...timestamps,
  },
  (table) => [uniqueIndex('branches_code_key').on(table.code)],
);

export const userBranches = pgTable(
  'user_branches',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    branchId: uuid()
      .notNull()
      .references(() => branches.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.branchId] }),
    index('user_branches_branch_idx').on(table.branchId),
  ],
);

/** Sessions live in the shop's own database; the cookie holds the id, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    branchId: uuid().references(() => branches.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    userAgent: text(),
    ipAddress: text(),
    /** Set when OptiFlow support opened the shop as this user (impersonation). */
    impersonatedBy: text(),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    account: text().notNull(),
    ipAddress: text().notNull(),
    succeeded: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('login_attempts_account_idx').on(table.account, table.ipAddress, table.createdAt),
    index('login_attempts_address_idx').on(table.ipAddress, table.createdAt),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** The first characters of the token, shown in lists so a user can tell tokens apart. */
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    scope: text().$type<'read' | 'read_write'>().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('api_tokens_hash_key').on(table.tokenHash),
    check('api_tokens_scope_valid', sql`${table.scope} in ('read', 'read_write')`),
  ],
);

export const taxes = pgTable(
  'taxes',
  {
    id: serial().primaryKey(),
    code: text().notNull(),
    name: text().notNull(),
    /** Percent with 2 decimals: 18.00, 16.00, 0.00. Exempt taxes have rate 0 and `exempt` set. */
    rate: numeric({ precision: 5, scale: 2 }).notNull(),
    exempt: boolean().notNull().default(false),
    active: boolean().notNull().default(true),
  },
  (table) => [uniqueIndex('taxes_code_key').on(table.code)],
);

export const currencies = pgTable('currencies', {
  code: text().primaryKey(),
  name: text().notNull(),
  symbol: text().notNull(),
  isBase: boolean().notNull().default(false),
  active: boolean().notNull().default(true),
});

/** DOP per one unit of the currency, valid from `validOn` until the next rate. */
export const exchangeRates = pgTable(
  'exchange_rates',
  {
    id: serial().primaryKey(),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    rate: numeric({ precision: 14, scale: 4 }).notNull(),
    validOn: date().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('exchange_rates_currency_day_key').on(table.currencyCode, table.validOn),
    check('exchange_rates_positive', sql`${table.rate} > 0`),
  ],
);

export const contactKinds = ['customer', 'supplier', 'optometrist'] as const;
export const idTypes = ['cedula', 'rnc', 'pasaporte'] as const;

export const contacts = pgTable(
  'contacts',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().$type<(typeof contactKinds)[number]>().notNull().default('customer'),
    idType: text().$type<(typeof idTypes)[number]>(),
    /** Digits only for cédula and RNC; as typed (upper-case) for passports. */
    idNumber: text(),
    name: text().notNull(),
    phone: text(),
    mobile: text(),
    email: text(),
    address: text(),
    birthDate: date(),
    gender: text().$type<'F' | 'M' | 'X'>(),
    notes: text(),
    /** The customer agreed to be written to on each channel; an opt-out stops every automated message. */
    whatsappConsent: boolean().notNull().default(false),
    emailConsent: boolean().notNull().default(false),
    optedOutAt: timestamp({ withTimezone: true }),
    archivedAt: timestamp({ withTimezone: true }),
    /** The contact's key in the shop's old system, set by an import: a re-run finds it and adds nothing. */
    importKey: text(),
    ...timestamps,
    /**
     * search_fold(name) (drizzle/tenant/functions/search_fold.sql: lower-case, accents removed), kept by
     * the database: a search's recheck reads it instead of running unaccent on every candidate row.
     * Internal: never selected into a Contact.
     */
    nameFold: text().notNull().generatedAlwaysAs(sql`search_fold(name)`),
  },
  (table) => [
    uniqueIndex('contacts_id_number_key').on(table.idNumber).where(sql`${table.idNumber} is not null`),
    uniqueIndex('contacts_import_key').on(table.importKey).where(sql`${table.importKey} is not null`),
    // The lists' order: the folded name (Ángel files under A, not after Z) then id, a stored column
    // the sort reads instead of computing lower(name) for every match of a search.
    index('contacts_name_fold_order_idx').on(table.nameFold, table.id),
    // search_fold (drizzle/tenant/functions/search_fold.sql) for the searches that gather every match
    // (documents by customer, pickers): the planner prices the stored column's LIKE too cheap and
    // scans the table for them; name_fold's index serves the contacts list.
    index('contacts_name_search_idx').using('gin', sql`search_fold(${table.name}) gin_trgm_ops`),
    index('contacts_name_fold_idx').using('gin', sql`${table.nameFold} gin_trgm_ops`),
    index('contacts_phone_idx').on(table.phone),
    index('contacts_mobile_idx').on(table.mobile),
    check('contacts_kind_valid', sql`${table.kind} in ('customer', 'supplier', 'optometrist')`),
    check('contacts_id_type_valid', sql`${table.idType} is null or ${table.idType} in ('cedula', 'rnc', 'pasaporte')`),
  ],
);

export const productCategories = ['monturas', 'lentes', 'lentes_contacto', 'accesorios', 'servicios'] as const;

export const products = pgTable(
  'products',
  {
    id: uuid().primaryKey().defaultRandom(),
    sku: text().notNull(),
    name: text().notNull(),
    category: text().$type<(typeof productCategories)[number]>().notNull(),
    brand: text(),
    /** Variants (a frame in each colour and size) are products of their own under one parent model. */
    /** No foreign key: backups restore a table in key order, so a variant may come before its model. */
    parentId: uuid(),
    variantColour: text(),
    variantSize: text(),
    /** Values from the shop's catalogue lists (catalog_values), copied as text. */
    frameShape: text(),
    lensType: text(),
    lensMaterial: text(),
    lensIndex: text(),
    lensTreatments: jsonb().$type<string[]>().notNull().default([]),
    /** Lens products: the powers they are made in (diopters, 0.25 steps). */
    sphereMin: numeric({ precision: 5, scale: 2 }),
    sphereMax: numeric({ precision: 5, scale: 2 }),
    cylinderMin: numeric({ precision: 5, scale: 2 }),
    cylinderMax: numeric({ precision: 5, scale: 2 }),
    addMin: numeric({ precision: 5, scale: 2 }),
    addMax: numeric({ precision: 5, scale: 2 }),
    /** Unit price with 4 decimals, in the company's default currency. */
    price: numeric({ precision: 14, scale: 4 }).notNull(),
    cost: numeric({ precision: 14, scale: 4 }),
    taxId: integer()
      .notNull()
      .references(() => taxes.id),
    trackStock: boolean().notNull().default(true),
    allowNegativeStock: boolean().notNull().default(false),
    active: boolean().notNull().default(true),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('products_sku_key').on(sql`lower(${table.sku})`),
    index('products_name_idx').on(sql`lower(${table.name})`, table.id),
    index('products_name_search_idx').using('gin', sql`search_fold(${table.name}) gin_trgm_ops`),
    index('products_brand_search_idx').using('gin', sql`search_fold(${table.brand}) gin_trgm_ops`),
    check('products_price_positive', sql`${table.price} >= 0`),
    index('products_parent_idx').on(table.parentId).where(sql`${table.parentId} is not null`),
  ],
);

/** On-hand quantity of a product in a branch; changed only through the stock ledger (src/domain/stock). */
export const stock = pgTable(
  'stock',
  {
    productId: uuid()
      .notNull()
      .references(() => products.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    quantity: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.productId, table.branchId] })],
);

export const stockMovementKinds = ['initial', 'adjustment', 'transfer_in', 'transfer_out', 'sale', 'return'] as const;

export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    productId: uuid()
      .notNull()
      .references(() => products.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    kind: text().$type<(typeof stockMovementKinds)[number]>().notNull(),
    /** Signed: positive adds to stock. */
    quantity: integer().notNull(),
    balanceAfter: integer().notNull(),
    reason: text(),
    /** Groups the two sides of a transfer; the document for sales and returns. */
    reference: text(),
    userId: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('stock_movements_product_idx').on(table.productId, table.branchId, table.id),
    check('stock_movements_nonzero', sql`${table.quantity} <> 0`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Clinical records: prescriptions (recetas / exámenes visuales)
// ---------------------------------------------------------------------------------------------

export const prismBases = ['up', 'down', 'in', 'out'] as const;

/** The measurements of one eye; the table has one set prefixed `od` (right) and one `oi` (left). */
function eyeColumns<P extends 'od' | 'oi'>(prefix: P) {
  return {
    [`${prefix}Sphere`]: numeric({ precision: 5, scale: 2 }),
    [`${prefix}Cylinder`]: numeric({ precision: 5, scale: 2 }),
    [`${prefix}Axis`]: integer(),
    [`${prefix}Add`]: numeric({ precision: 4, scale: 2 }),
    [`${prefix}Prism`]: numeric({ precision: 4, scale: 2 }),
    [`${prefix}PrismBase`]: text().$type<(typeof prismBases)[number]>(),
    /** Monocular pupillary distance, mm. */
    [`${prefix}Pd`]: numeric({ precision: 4, scale: 1 }),
    /** Fitting / segment height, mm. */
    [`${prefix}Height`]: numeric({ precision: 4, scale: 1 }),
    /** Visual acuity without correction (sc) and with it (cc), written 20/x. */
    [`${prefix}VaSc`]: text(),
    [`${prefix}VaCc`]: text(),
    /** Contact lens: base curve and diameter, mm. */
    [`${prefix}BaseCurve`]: numeric({ precision: 4, scale: 2 }),
    [`${prefix}Diameter`]: numeric({ precision: 4, scale: 2 }),
    [`${prefix}Keratometry`]: text(),
    /** Intraocular pressure, mmHg. */
    [`${prefix}Iop`]: numeric({ precision: 4, scale: 1 }),
  } as {
    [K in `${P}Sphere` | `${P}Cylinder` | `${P}Add` | `${P}Prism` | `${P}BaseCurve` | `${P}Diameter`]: ReturnType<
      typeof numeric
    >;
  } & { [K in `${P}Axis`]: ReturnType<typeof integer> } & {
    [K in `${P}Pd` | `${P}Height` | `${P}Iop`]: ReturnType<typeof numeric>;
  } & {
    [K in `${P}VaSc` | `${P}VaCc` | `${P}Keratometry`]: ReturnType<typeof text>;
  } & { [K in `${P}PrismBase`]: ReturnType<typeof text> };
}

export const prescriptions = pgTable(
  'prescriptions',
  {
    id: uuid().primaryKey().defaultRandom(),
    patientId: uuid()
      .notNull()
      .references(() => contacts.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    /** The optometrist who examined: a user of the shop, or a name typed for an outside one. */
    optometristId: uuid().references(() => users.id),
    optometristName: text(),
    examinedOn: date().notNull(),
    ...eyeColumns('od'),
    ...eyeColumns('oi'),
    /** Binocular pupillary distance, mm. */
    pd: numeric({ precision: 4, scale: 1 }),
    contactLensBrand: text(),
    biomicroscopy: text(),
    fundus: text(),
    diagnosis: text(),
    /** ICD-10 codes, e.g. H52.1 (myopia). */
    icd10Codes: text().array().notNull().default(sql`'{}'::text[]`),
    recommendations: text(),
    nextVisitOn: date(),
    notes: text(),
    /** The prescription's key in the shop's old system, set by an import. */
    importKey: text(),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    index('prescriptions_patient_idx').on(table.patientId, table.examinedOn, table.id),
    uniqueIndex('prescriptions_import_key').on(table.importKey).where(sql`${table.importKey} is not null`),
    index('prescriptions_optometrist_idx').on(table.optometristId, table.examinedOn),
  ],
);

// ---------------------------------------------------------------------------------------------
// Sales documents: fiscal sequences, quotations, invoices and credit notes, payments
// ---------------------------------------------------------------------------------------------

/**
 * A numbering series: an NCF range authorised by the DGII (B01, E31, ...), the quotation series
 * (`COT`) or the payment receipts series (`REC`). Numbers are taken only by the SQL function
 * `allocate_document_number` (migration 0004), in the same transaction as the document.
 */
export const fiscalSequences = pgTable(
  'fiscal_sequences',
  {
    id: uuid().primaryKey().defaultRandom(),
    docType: text().notNull(),
    /** What is printed before the zero-padded number: `B01`, `E31`, `COT-`, `REC-`. */
    prefix: text().notNull(),
    description: text(),
    rangeStart: bigint({ mode: 'number' }).notNull(),
    rangeEnd: bigint({ mode: 'number' }).notNull(),
    nextNumber: bigint({ mode: 'number' }).notNull(),
    /** DGII authorisation expiry; null only for the non-fiscal COT and REC series. */
    validUntil: date(),
    /** When the DGII authorised the range (null: taken as the day it was entered); bounds validUntil. */
    authorizedOn: date(),
    active: boolean().notNull().default(true),
    /** The type's default sequence when the branch has no preferred one of its own. */
    isDefault: boolean().notNull().default(false),
    /** Set when this sequence is the one a branch prefers for its type. */
    branchId: uuid().references(() => branches.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('fiscal_sequences_default_key').on(table.docType).where(sql`${table.isDefault} and ${table.active}`),
    uniqueIndex('fiscal_sequences_branch_key')
      .on(table.docType, table.branchId)
      .where(sql`${table.branchId} is not null and ${table.active}`),
    check('fiscal_sequences_range', sql`${table.rangeStart} >= 1 and ${table.rangeEnd} >= ${table.rangeStart}`),
    check('fiscal_sequences_next', sql`${table.nextNumber} between ${table.rangeStart} and ${table.rangeEnd} + 1`),
  ],
);

export const quotationStatuses = ['draft', 'sent', 'converted', 'cancelled'] as const;
export const invoiceStatuses = ['draft', 'issued', 'partially_paid', 'paid', 'voided'] as const;
export const documentKinds = ['invoice', 'credit_note'] as const;

/** Totals shared by quotations and invoices, in the document's currency (2 decimals). */
const documentTotals = {
  /** Sum of quantity x unit price before discounts. */
  grossTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  discountTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  taxableTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  exemptTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  itbisTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  total: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  /** `[{ rate: '18.00', taxable: '100.00', itbis: '18.00' }, ...]`, one entry per ITBIS rate. */
  taxBreakdown: jsonb()
    .$type<Array<{ rate: string; taxable: string; itbis: string }>>()
    .notNull()
    .default(sql`'[]'::jsonb`),
};

/** Line columns shared by quotation and invoice lines. */
const documentLine = {
  id: uuid().primaryKey().defaultRandom(),
  position: integer().notNull(),
  productId: uuid().references(() => products.id),
  description: text().notNull(),
  quantity: numeric({ precision: 12, scale: 2 }).notNull(),
  unitPrice: numeric({ precision: 14, scale: 4 }).notNull(),
  /** Discount amount for the whole line. */
  discount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
  taxId: integer().references(() => taxes.id),
  taxRate: numeric({ precision: 5, scale: 2 }).notNull(),
  exempt: boolean().notNull().default(false),
  /** quantity x unit price - discount, half-up to cents. */
  amount: numeric({ precision: 14, scale: 2 }).notNull(),
};

export const quotations = pgTable(
  'quotations',
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull(),
    sequenceId: uuid()
      .notNull()
      .references(() => fiscalSequences.id),
    customerId: uuid().references(() => contacts.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    prescriptionId: uuid().references(() => prescriptions.id),
    status: text().$type<(typeof quotationStatuses)[number]>().notNull().default('draft'),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    quotedOn: date().notNull(),
    validUntil: date(),
    notes: text(),
    ...documentTotals,
    convertedInvoiceId: uuid(),
    /** Who sold: the user who created it unless someone with sellers.change picks another. */
    sellerId: uuid().references(() => users.id),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('quotations_number_key').on(table.number),
    index('quotations_list_idx').on(table.createdAt, table.id),
    index('quotations_customer_idx').on(table.customerId),
    index('quotations_number_search_idx').using('gin', sql`lower(${table.number}) gin_trgm_ops`),
    check('quotations_status_valid', sql`${table.status} in ('draft', 'sent', 'converted', 'cancelled')`),
  ],
);

export const quotationLines = pgTable(
  'quotation_lines',
  {
    ...documentLine,
    quotationId: uuid()
      .notNull()
      .references(() => quotations.id, { onDelete: 'cascade' }),
  },
  (table) => [index('quotation_lines_doc_idx').on(table.quotationId, table.position)],
);

/**
 * Fiscal documents: invoices and credit notes (kind). Never deleted once issued: an issued
 * invoice changes only through payments, credit notes or voiding (report 608).
 */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().$type<(typeof documentKinds)[number]>().notNull().default('invoice'),
    status: text().$type<(typeof invoiceStatuses)[number]>().notNull().default('draft'),
    /** NCF type chosen for the document (B01, B02, E31, B04, ...). */
    ncfType: text().notNull(),
    /** The sequence the user chose; null: the branch's preferred or the type's default at issue. */
    sequenceId: uuid().references(() => fiscalSequences.id),
    /** Allocated at issue, never before. */
    ncf: text(),
    ncfValidUntil: date(),
    issuedOn: date(),
    dueOn: date(),
    customerId: uuid().references(() => contacts.id),
    /** The buyer as printed, copied from the contact when the document is issued. */
    buyerName: text(),
    buyerIdType: text().$type<(typeof idTypes)[number]>(),
    buyerIdNumber: text(),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    prescriptionId: uuid().references(() => prescriptions.id),
    quotationId: uuid().references(() => quotations.id),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    /** DOP per unit of the currency on the issue date (1 for DOP). */
    exchangeRate: numeric({ precision: 14, scale: 4 }).notNull().default('1'),
    ...documentTotals,
    /** The same totals in DOP (each figure converted and rounded half-up; total = their sum). */
    taxableTotalDop: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    exemptTotalDop: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisTotalDop: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    totalDop: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    /**
     * Sum of active payments, and of issued credit notes against this invoice. Balance due =
     * total - paid - credited; below zero it is money owed back to the buyer (a credit note on a paid invoice).
     */
    paidTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    creditedTotal: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    /** Credit notes: the invoice they modify, its NCF, and whether ITBIS is refunded (<= 30 days). */
    referenceInvoiceId: uuid(),
    modifiedNcf: text(),
    refundsItbis: boolean(),
    creditReason: text(),
    /** Idempotency-Key of the issue request, so a repeated request answers the same invoice. */
    issueKey: text(),
    voidedAt: timestamp({ withTimezone: true }),
    /** DGII 608 reason code 01-10. */
    voidReason: text(),
    voidNote: text(),
    /** R2 key (under the tenant prefix) of the archived PDF, written once after issue. */
    pdfKey: text(),
    /**
     * The issuer as printed (company name, RNC, address, phones, e-mail, logo key, footer and the
     * branch), copied when the number is assigned, so print, PDF and API keep showing it after the
     * company settings change. Null on drafts.
     */
    issuer: jsonb().$type<Record<string, unknown>>(),
    notes: text(),
    /** Who sold: the user who created it unless someone with sellers.change picks another. */
    sellerId: uuid().references(() => users.id),
    /** Set on invoices brought from the shop's old system (history with their NCF and balance, never issued here). */
    importedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id),
    issuedBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('invoices_ncf_key').on(table.ncf).where(sql`${table.ncf} is not null`),
    index('invoices_list_idx').on(table.createdAt, table.id),
    index('invoices_issued_idx').on(table.issuedOn, table.kind),
    index('invoices_customer_idx').on(table.customerId),
    index('invoices_ncf_search_idx').using('gin', sql`${table.ncf} gin_trgm_ops`),
    index('invoices_buyer_name_search_idx').using('gin', sql`search_fold(${table.buyerName}) gin_trgm_ops`),
    index('invoices_buyer_id_number_idx').on(table.buyerIdNumber),
    index('invoices_reference_idx').on(table.referenceInvoiceId),
    index('invoices_seller_idx').on(table.sellerId, table.issuedOn),
    // The DGII 607 read in keyset pages in file order (date, NCF in byte order), and the 608 by void time.
    index('invoices_sales_idx')
      .on(table.issuedOn, sql`${table.ncf} COLLATE "C"`)
      .where(sql`${table.status} not in ('draft', 'voided') and ${table.ncf} is not null`),
    index('invoices_voided_idx').on(table.voidedAt).where(sql`${table.status} = 'voided' and ${table.ncf} is not null`),
    // Receivables and credit balances: the few issued invoices not exactly settled, by customer.
    index('invoices_unsettled_idx')
      .on(table.customerId)
      .where(
        sql`${table.kind} = 'invoice' and ${table.status} in ('issued', 'partially_paid', 'paid') and ${table.paidTotal} + ${table.creditedTotal} <> ${table.total}`,
      ),
    // receivables_refresh_day: the invoices with something still to pay, by branch and due (or issue) day. Its
    // predicate is narrower than invoices_unsettled_idx's so a lookup by customer never walks it whole.
    index('invoices_open_due_idx')
      .on(table.branchId, sql`coalesce(${table.dueOn}, ${table.issuedOn})`)
      .where(
        sql`${table.kind} = 'invoice' and ${table.status} in ('issued', 'partially_paid', 'paid') and ${table.paidTotal} + ${table.creditedTotal} <> ${table.total} and ${table.total} - ${table.paidTotal} - ${table.creditedTotal} > 0`,
      ),
    check('invoices_kind_valid', sql`${table.kind} in ('invoice', 'credit_note')`),
    check('invoices_status_valid', sql`${table.status} in ('draft', 'issued', 'partially_paid', 'paid', 'voided')`),
    check('invoices_issued_has_ncf', sql`${table.status} = 'draft' or ${table.ncf} is not null`),
    check(
      'invoices_void_reason',
      sql`${table.voidReason} is null or ${table.voidReason} in ('01','02','03','04','05','06','07','08','09','10')`,
    ),
    check(
      'invoices_amounts_within_total',
      sql`${table.paidTotal} between 0 and ${table.total} and ${table.creditedTotal} between 0 and ${table.total}`,
    ),
  ],
);

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    ...documentLine,
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    /** Credit notes: the line of the original invoice this one returns or refunds. */
    sourceLineId: uuid(),
    /** Credit notes: the returned product goes back to stock. */
    returnToStock: boolean().notNull().default(false),
  },
  (table) => [index('invoice_lines_doc_idx').on(table.invoiceId, table.position)],
);

/** e-CF payment-form codes: 1 efectivo, 2 cheque/transferencia/depósito, 3 tarjeta, 4 crédito, 5 bonos, 6 permuta, 7 nota de crédito, 8 otras. */
export const paymentMethods = ['1', '2', '3', '4', '5', '6', '7', '8'] as const;

export const payments = pgTable(
  'payments',
  {
    id: uuid().primaryKey().defaultRandom(),
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    /** Receipt number from the REC series. */
    number: text().notNull(),
    sequenceId: uuid()
      .notNull()
      .references(() => fiscalSequences.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    receivedOn: date().notNull(),
    method: text().$type<(typeof paymentMethods)[number]>().notNull(),
    /** In the invoice's currency. */
    amount: numeric({ precision: 14, scale: 2 }).notNull(),
    /** Card authorisation, cheque or transfer number. */
    reference: text(),
    notes: text(),
    status: text().$type<'active' | 'voided'>().notNull().default('active'),
    voidedAt: timestamp({ withTimezone: true }),
    voidReason: text(),
    createdBy: uuid().references(() => users.id),
    /** The cash close that counted this receipt (set once, by close_cash). */
    cashCloseId: uuid().references((): AnyPgColumn => cashCloses.id),
    /** The cash close that counted this receipt's void (a receipt voided after its close). */
    voidCashCloseId: uuid().references((): AnyPgColumn => cashCloses.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('payments_number_key').on(table.number),
    index('payments_unclosed_idx')
      .on(table.branchId, table.createdBy)
      .where(sql`${table.cashCloseId} is null and ${table.status} = 'active'`),
    index('payments_unclosed_void_idx')
      .on(table.branchId, table.createdBy)
      .where(sql`${table.cashCloseId} is not null and ${table.voidCashCloseId} is null and ${table.status} = 'voided'`),
    index('payments_invoice_idx').on(table.invoiceId, table.createdAt),
    // The dashboard's collections of the month (and any receipt-date range) without scanning every payment.
    index('payments_received_idx').on(table.receivedOn),
    index('payments_list_idx').on(table.createdAt, table.id),
    index('payments_number_search_idx').using('gin', sql`lower(${table.number}) gin_trgm_ops`),
    check('payments_amount_positive', sql`${table.amount} > 0`),
    check('payments_method_valid', sql`${table.method} in ('1','2','3','4','5','6','7','8')`),
    check('payments_status_valid', sql`${table.status} in ('active', 'voided')`),
  ],
);

/**
 * Signed, expiring, revocable links that open one document without an account: an invoice's PDF, a
 * quotation, a prescription, a payment receipt or a lab order's status page. Only hashes are stored.
 */
export const shareLinks = pgTable(
  'share_links',
  {
    id: uuid().primaryKey().defaultRandom(),
    invoiceId: uuid().references(() => invoices.id),
    quotationId: uuid().references(() => quotations.id),
    prescriptionId: uuid().references(() => prescriptions.id),
    paymentId: uuid().references(() => payments.id),
    labOrderId: uuid().references((): AnyPgColumn => labOrders.id),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
    lastOpenedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('share_links_hash_key').on(table.tokenHash),
    index('share_links_invoice_idx').on(table.invoiceId),
    index('share_links_quotation_idx').on(table.quotationId),
    index('share_links_prescription_idx').on(table.prescriptionId),
    index('share_links_payment_idx').on(table.paymentId),
    index('share_links_lab_order_idx').on(table.labOrderId),
    check(
      'share_links_one_subject',
      sql`num_nonnulls(${table.invoiceId}, ${table.quotationId}, ${table.prescriptionId}, ${table.paymentId}, ${table.labOrderId}) = 1`,
    ),
  ],
);

export const ecfEnvironments = ['TesteCF', 'CerteCF', 'eCF'] as const;
export type EcfEnvironment = (typeof ecfEnvironments)[number];

/**
 * The shop's e-CF settings, one row once the owner uploads a certificate: the DGII environment and
 * the signing key with its certificate, sealed with the platform key bound to the tenant (the .p12
 * password is never kept). What the settings page shows of the certificate is in plain columns.
 */
export const ecfSettings = pgTable(
  'ecf_settings',
  {
    id: integer().primaryKey().default(1),
    environment: text().$type<EcfEnvironment>().notNull().default('TesteCF'),
    /** AES-GCM (src/tenancy/crypto.ts) of the key (PKCS#8) and certificate (DER). */
    sealedCredentials: text().notNull(),
    subject: text().notNull(),
    commonName: text(),
    taxId: text().notNull(),
    issuer: text().notNull(),
    serialNumber: text().notNull(),
    notBefore: timestamp({ withTimezone: true }).notNull(),
    notAfter: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid().references(() => users.id),
  },
  (table) => [
    check('ecf_settings_single_row', sql`${table.id} = 1`),
    check('ecf_settings_environment_valid', sql`${table.environment} in ('TesteCF', 'CerteCF', 'eCF')`),
  ],
);

export const ecfDeliveryStates = ['pending', 'sending', 'delivered', 'not_received', 'not_receiver', 'failed'] as const;
export type EcfDeliveryState = (typeof ecfDeliveryStates)[number];

export const ecfStates = [
  'pending',
  'sending',
  'sent',
  'accepted',
  'accepted_conditional',
  'rejected',
  'contingency',
] as const;
export type EcfState = (typeof ecfStates)[number];

/** One stored exchange with DGII: R2 keys (under the tenant prefix) of what was sent and what came back. */
export interface EcfExchange {
  at: string;
  service: 'recepcion' | 'recepcionfc' | 'consultaresultado' | 'consultatrackids' | 'consultarfce';
  /** Absent for GET requests (nothing was sent but the query string). */
  requestKey?: string;
  responseKey?: string;
  /** HTTP status, or null when DGII could not be reached. */
  status: number | null;
}

/**
 * The e-CF of an issued E-series invoice or credit note after it was signed: one row per document,
 * moving pending -> sending -> sent -> accepted / accepted_conditional / rejected, or to contingency
 * while DGII cannot be reached. A queue message may only send after claiming the row (state
 * pending or contingency -> sending in one UPDATE), so redelivered messages never send twice.
 */
export const ecfDocuments = pgTable(
  'ecf_documents',
  {
    id: uuid().primaryKey().defaultRandom(),
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    encf: text().notNull(),
    /** TipoeCF, e.g. '31'. */
    ecfType: text().notNull(),
    /** TesteCF, CerteCF or eCF: where the shop's settings sent it. */
    environment: text().notNull(),
    /** 'ecf': the whole document to Recepción; 'rfce': a consumer invoice under RD$250,000 summarised to the fc service. */
    channel: text().$type<'ecf' | 'rfce'>().notNull(),
    state: text().$type<EcfState>().notNull().default('pending'),
    securityCode: text().notNull(),
    signedAt: timestamp({ withTimezone: true }).notNull(),
    totalDop: numeric({ precision: 14, scale: 2 }).notNull(),
    signedXmlKey: text().notNull(),
    /** The signed RFCE (channel rfce), built from the signed e-CF and its security code. */
    rfceXmlKey: text(),
    trackId: text(),
    /** DGII's estado as it answered it, e.g. 'Aceptado Condicional'. */
    dgiiStatus: text(),
    messages: jsonb().$type<Array<{ valor: string; codigo: number | string }>>().notNull().default([]),
    /** DGII's secuenciaUtilizada on the final answer: true when the e-NCF is consumed (even if rejected). */
    sequenceUsed: boolean(),
    attempts: integer().notNull().default(0),
    polls: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    exchanges: jsonb().$type<EcfExchange[]>().notNull().default([]),
    sentAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    /** What the buyer answered through aprobacioncomercial (an ACECF); null until it does. */
    buyerApproval: text().$type<'approved' | 'rejected'>(),
    buyerApprovalReason: text(),
    buyerApprovalAt: timestamp({ withTimezone: true }),
    buyerAcecfKey: text(),
    /**
     * Sending the e-CF to its buyer once DGII accepted it (types 31, 33, 34, 44 with a buyer RNC):
     * pending -> sending -> delivered (ARECF Estado 0) / not_received (Estado 1) / not_receiver
     * (the buyer is not in DGII's directory: a printed copy instead) / failed (gave up retrying).
     */
    deliveryState: text().$type<EcfDeliveryState>(),
    deliveryAttempts: integer().notNull().default(0),
    deliveryNextAt: timestamp({ withTimezone: true }),
    deliveryClaimedAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    deliveryError: text(),
    /** The buyer's signed acknowledgement (ARECF) as it answered. */
    arecfXmlKey: text(),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('ecf_documents_invoice_key').on(table.invoiceId),
    uniqueIndex('ecf_documents_encf_key').on(table.encf),
    index('ecf_documents_due_idx').on(table.state, table.nextAttemptAt),
    check(
      'ecf_documents_state_valid',
      sql`${table.state} in ('pending','sending','sent','accepted','accepted_conditional','rejected','contingency')`,
    ),
    check('ecf_documents_channel_valid', sql`${table.channel} in ('ecf','rfce')`),
    check('ecf_documents_buyer_approval_valid', sql`${table.buyerApproval} in ('approved','rejected')`),
    check(
      'ecf_documents_delivery_state_valid',
      sql`${table.deliveryState} in ('pending','sending','delivered','not_received','not_receiver','failed')`,
    ),
    index('ecf_documents_delivery_due_idx').on(table.deliveryState, table.deliveryNextAt),
  ],
);

export type ApprovalSendState = 'pending' | 'sending' | 'sent' | 'failed';

export const receivedEcfApprovals = ['pending', 'approved', 'rejected'] as const;
export type ReceivedEcfApproval = (typeof receivedEcfApprovals)[number];

/** One exchange with the issuer's aprobacioncomercial endpoint: R2 keys of the ACECF sent and the answer. */
export interface ReceivedEcfExchange {
  at: string;
  url?: string;
  requestKey?: string;
  responseKey?: string;
  /** HTTP status, or null when the issuer could not be reached. */
  status: number | null;
}

/**
 * An e-CF a supplier sent to this shop's /fe/recepcion endpoint: what the inbox lists, the signed XML
 * and the ARECF we answered in R2, and the shop's commercial approval (ACECF) once it gives one.
 */
export const receivedEcf = pgTable(
  'received_ecf',
  {
    id: uuid().primaryKey().defaultRandom(),
    issuerRnc: text().notNull(),
    issuerName: text().notNull(),
    encf: text().notNull(),
    ecfType: text().notNull(),
    buyerRnc: text(),
    issuedOn: date().notNull(),
    total: numeric({ precision: 14, scale: 2 }).notNull(),
    itbisTotal: numeric({ precision: 14, scale: 2 }),
    currency: text().notNull().default('DOP'),
    securityCode: text().notNull(),
    signedAt: timestamp({ withTimezone: true }).notNull(),
    xmlKey: text().notNull(),
    arecfXmlKey: text(),
    approval: text().$type<ReceivedEcfApproval>().notNull().default('pending'),
    approvalReason: text(),
    approvedAt: timestamp({ withTimezone: true }),
    approvedBy: uuid().references(() => users.id),
    acecfXmlKey: text(),
    approvalExchanges: jsonb().$type<ReceivedEcfExchange[]>().notNull().default([]),
    /** Sending the ACECF, once to DGII and once to the issuer: pending -> sending -> sent, or failed. */
    approvalDgiiState: text().$type<ApprovalSendState>(),
    approvalIssuerState: text().$type<ApprovalSendState>(),
    approvalAttempts: integer().notNull().default(0),
    approvalNextAt: timestamp({ withTimezone: true }),
    approvalClaimedAt: timestamp({ withTimezone: true }),
    approvalError: text(),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('received_ecf_issuer_encf_key').on(table.issuerRnc, table.encf),
    index('received_ecf_created_idx').on(table.createdAt, table.id),
    check('received_ecf_approval_valid', sql`${table.approval} in ('pending','approved','rejected')`),
    check(
      'received_ecf_approval_send_valid',
      sql`${table.approvalDgiiState} in ('pending','sending','sent','failed') and ${table.approvalIssuerState} in ('pending','sending','sent','failed')`,
    ),
  ],
);

/**
 * Seeds of the /fe/ receiver endpoints already exchanged for a token (by their SHA-256): the seed
 * itself is signed, not stored, and inserting its hash here is what makes it single-use.
 */
export const receiverSeedClaims = pgTable(
  'receiver_seed_claims',
  {
    seedHash: text().primaryKey(),
    claimedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('receiver_seed_claims_claimed_idx').on(table.claimedAt)],
);

/** Requests per sender (certificate identity or address) and minute on the /fe/ endpoints. */
export const receiverRateWindows = pgTable(
  'receiver_rate_windows',
  {
    sender: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    hits: integer().notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.sender, table.windowStart] })],
);

export const ecfCancellationStates = ['sending', 'accepted', 'unconfirmed'] as const;
export type EcfCancellationState = (typeof ecfCancellationStates)[number];

/**
 * Unused e-NCF ranges cancelled with a signed ANECF (anulacionrangos). The row is written under the
 * sequence's row lock before the ANECF is sent, and allocate_document_number skips every range here,
 * so a cancelled number is never issued: 'sending' while DGII is asked, 'accepted' once it answered,
 * 'unconfirmed' when it could not be reached (the numbers stay blocked: DGII may have cancelled them).
 * A range DGII refused is deleted, and its numbers are free again.
 */
export const ecfCancellations = pgTable(
  'ecf_cancellations',
  {
    id: uuid().primaryKey().defaultRandom(),
    sequenceId: uuid()
      .notNull()
      .references(() => fiscalSequences.id),
    docType: text().notNull(),
    fromNumber: bigint({ mode: 'number' }).notNull(),
    toNumber: bigint({ mode: 'number' }).notNull(),
    firstEncf: text().notNull(),
    lastEncf: text().notNull(),
    state: text().$type<EcfCancellationState>().notNull().default('sending'),
    environment: text(),
    anecfXmlKey: text(),
    responseKey: text(),
    dgiiCode: text(),
    dgiiMessages: jsonb().$type<string[]>().notNull().default([]),
    lastError: text(),
    requestedBy: text().notNull(),
    ...timestamps,
  },
  (table) => [
    index('ecf_cancellations_sequence_idx').on(table.sequenceId, table.fromNumber),
    check('ecf_cancellations_range', sql`${table.fromNumber} >= 1 and ${table.toNumber} >= ${table.fromNumber}`),
    check('ecf_cancellations_state_valid', sql`${table.state} in ('sending','accepted','unconfirmed')`),
  ],
);

/**
 * Periods of DGII's "incapacidad técnica": the shop cannot emit e-CF at all and issues B-series NCF
 * instead (E31 -> B01, E32 -> B02, ...). At most one period is open (ended_at null). Each document
 * issued meanwhile is listed in ecf_fallback_documents until its replacing e-CF (CodigoModificacion 4) exists.
 */
export const ecfFallbacks = pgTable(
  'ecf_fallbacks',
  {
    id: uuid().primaryKey().defaultRandom(),
    reason: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedBy: text().notNull(),
    endedAt: timestamp({ withTimezone: true }),
    endedBy: text(),
  },
  (table) => [
    uniqueIndex('ecf_fallbacks_open_key').on(sql`(${table.endedAt} is null)`).where(sql`${table.endedAt} is null`),
  ],
);

/** A B-series document issued during a fallback, and the e-CF type that replaces it afterwards. */
export const ecfFallbackDocuments = pgTable('ecf_fallback_documents', {
  invoiceId: uuid()
    .primaryKey()
    .references(() => invoices.id),
  fallbackId: uuid()
    .notNull()
    .references(() => ecfFallbacks.id),
  /** The e-CF type that replaces it, e.g. 'E31' for a B01. */
  ecfType: text().notNull(),
  /** The e-NCF taken for the replacing e-CF (in the same statement that claims the row), kept for a retry. */
  replacementEncf: text(),
  replacementValidUntil: date(),
  replacedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Money paid back to a customer out of a credit balance (saldo a favor): the credit left on an
 * invoice whose payments and credit notes exceed its total. Taken under the invoice's row lock by
 * `refund_credit`; a voided refund returns the credit. Cash closes count active refunds as money out.
 */
export const refunds = pgTable(
  'refunds',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The invoice's customer; null for a sale to an unnamed consumer. */
    contactId: uuid().references(() => contacts.id),
    /** The invoice whose credit is refunded. */
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    method: text().$type<(typeof paymentMethods)[number]>().notNull(),
    /** In the invoice's currency. */
    amount: numeric({ precision: 14, scale: 2 }).notNull(),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    refundedOn: date().notNull(),
    reference: text(),
    notes: text(),
    status: text().$type<'active' | 'voided'>().notNull().default('active'),
    voidedAt: timestamp({ withTimezone: true }),
    voidReason: text(),
    /** The cash close that counted this refund (no FK here: cash closes own that link). */
    cashCloseId: uuid(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('refunds_invoice_idx').on(table.invoiceId),
    index('refunds_contact_idx').on(table.contactId, table.refundedOn),
    index('refunds_branch_idx').on(table.branchId, table.refundedOn),
    check('refunds_amount_positive', sql`${table.amount} > 0`),
    check('refunds_method_valid', sql`${table.method} in ('1','2','3','4','5','6','7','8')`),
    check('refunds_status_valid', sql`${table.status} in ('active', 'voided')`),
  ],
);

/**
 * Credit balance of one invoice (source) applied to another open invoice of the same customer and
 * currency (target). The application is a receipt on the target (method '7', nota de crédito,
 * referencing the source's NCF), so the target's paid_total, status and receipt stay the usual ones;
 * the application counts against the source's credit while that receipt is active.
 */
export const creditApplications = pgTable(
  'credit_applications',
  {
    id: uuid().primaryKey().defaultRandom(),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id),
    sourceInvoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    targetInvoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    amount: numeric({ precision: 14, scale: 2 }).notNull(),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    appliedOn: date().notNull(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('credit_applications_source_idx').on(table.sourceInvoiceId),
    index('credit_applications_target_idx').on(table.targetInvoiceId),
    uniqueIndex('credit_applications_payment_key').on(table.paymentId),
    check('credit_applications_amount_positive', sql`${table.amount} > 0`),
    check('credit_applications_distinct', sql`${table.sourceInvoiceId} <> ${table.targetInvoiceId}`),
  ],
);

export const cashCloseKinds = ['cashier', 'branch'] as const;

/**
 * A cash close (cuadre de caja): a cashier's count of the money taken in a branch since their last
 * close, or a branch's day summing its cashier closes. Written once by close_cash / close_cash_branch
 * and never changed (a trigger refuses updates and deletes); numbered CC-000001 by cash_close_number.
 */
export const cashCloses = pgTable(
  'cash_closes',
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull(),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    kind: text().$type<(typeof cashCloseKinds)[number]>().notNull(),
    /** The cashier whose movements were counted; null for a branch close. */
    cashierId: uuid().references(() => users.id),
    /** The shop's day (America/Santo_Domingo) the close belongs to. */
    businessDate: date().notNull(),
    closedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedBy: uuid()
      .notNull()
      .references(() => users.id),
    note: text(),
  },
  (table) => [
    uniqueIndex('cash_closes_number_key').on(table.number),
    index('cash_closes_list_idx').on(table.closedAt, table.id),
    index('cash_closes_branch_day_idx').on(table.branchId, table.businessDate),
    index('cash_closes_cashier_idx').on(table.cashierId, table.closedAt),
    check('cash_closes_kind_valid', sql`${table.kind} in ('cashier', 'branch')`),
    check('cash_closes_cashier_kind', sql`(${table.kind} = 'cashier') = (${table.cashierId} is not null)`),
  ],
);

/** One method and currency of a close: what the movements say, what was counted, counted - expected. */
export const cashCloseLines = pgTable(
  'cash_close_lines',
  {
    closeId: uuid()
      .notNull()
      .references(() => cashCloses.id),
    method: text().$type<(typeof paymentMethods)[number]>().notNull(),
    currencyCode: text()
      .notNull()
      .references(() => currencies.code),
    expected: numeric({ precision: 14, scale: 2 }).notNull(),
    counted: numeric({ precision: 14, scale: 2 }).notNull(),
    difference: numeric({ precision: 14, scale: 2 }).notNull(),
    /** Receipts, voids and refunds counted in this line. */
    movements: integer().notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.closeId, table.method, table.currencyCode] }),
    check('cash_close_lines_difference', sql`${table.difference} = ${table.counted} - ${table.expected}`),
  ],
);

/** The cashier closes a branch close summed (each one summed once). */
export const cashCloseMembers = pgTable(
  'cash_close_members',
  {
    cashierCloseId: uuid()
      .primaryKey()
      .references(() => cashCloses.id),
    branchCloseId: uuid()
      .notNull()
      .references(() => cashCloses.id),
  },
  (table) => [index('cash_close_members_branch_idx').on(table.branchCloseId)],
);

/** The last cash close number taken (one row; cash_close_number locks it). */
export const cashCloseCounter = pgTable(
  'cash_close_counter',
  {
    id: integer().primaryKey().default(1),
    lastNumber: bigint({ mode: 'number' }).notNull(),
  },
  (table) => [check('cash_close_counter_single_row', sql`${table.id} = 1`)],
);

/**
 * Open balance and credit balance (saldo a favor) per customer, in DOP, kept by the triggers of
 * drizzle/tenant/functions/receivables_refresh.sql (recomputed from the customer's invoices at commit),
 * so /receivables pages through it instead of aggregating every open invoice. One row per customer
 * (null: invoices without one) and branch, plus one under the nil uuid for every branch together;
 * only customers owing something or owed credit have rows.
 */
export const receivableBalances = pgTable(
  'receivable_balances',
  {
    /** A branch id, or the nil uuid for every branch. */
    branchKey: uuid().notNull(),
    customerId: uuid(),
    openDop: numeric({ precision: 14, scale: 2 }).notNull(),
    creditDop: numeric({ precision: 14, scale: 2 }).notNull(),
    /** Earliest due (or issue) date of the open invoices. */
    oldestDue: date(),
    openInvoices: integer().notNull(),
  },
  (table) => [
    // Also the refresh's lookup by customer.
    unique('receivable_balances_key').on(table.customerId, table.branchKey).nullsNotDistinct(),
    index('receivable_balances_total_idx').on(
      table.branchKey,
      table.openDop.desc(),
      table.creditDop.desc(),
      table.customerId,
    ),
    index('receivable_balances_oldest_idx').on(
      table.branchKey,
      table.oldestDue.asc().nullsLast(),
      table.openDop.desc(),
      table.customerId,
    ),
  ],
);

/**
 * Open balances in DOP per branch and due (or issue) date, kept by the invoices' trigger from each
 * change's old and new row: the ageing totals read a few hundred rows whatever the shop's size.
 */
export const receivableDays = pgTable(
  'receivable_days',
  {
    branchId: uuid().notNull(),
    dueOn: date().notNull(),
    openDop: numeric({ precision: 14, scale: 2 }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.branchId, table.dueOn] })],
);

// ---------------------------------------------------------------------------------------------
// Lab orders: stages per shop, orders with the Rx copied at creation, and their timeline
// ---------------------------------------------------------------------------------------------

/** What reaching a final stage means: the glasses were delivered, or the order was cancelled. */
export const labStageOutcomes = ['delivered', 'cancelled'] as const;
export type LabStageOutcome = (typeof labStageOutcomes)[number];

/** A column of the shop's lab board. Exactly one active stage is initial; final stages carry an outcome. */
export const labStages = pgTable(
  'lab_stages',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    position: integer().notNull(),
    isInitial: boolean().notNull().default(false),
    isFinal: boolean().notNull().default(false),
    outcome: text().$type<LabStageOutcome>(),
    /** One of the board's named colours (CSS class), never free CSS. */
    color: text().notNull().default('gray'),
    archivedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('lab_stages_initial_key')
      .on(table.isInitial)
      .where(sql`${table.isInitial} and ${table.archivedAt} is null`),
    uniqueIndex('lab_stages_name_key').on(sql`lower(${table.name})`).where(sql`${table.archivedAt} is null`),
    check(
      'lab_stages_outcome_valid',
      sql`(${table.isFinal} and ${table.outcome} in ('delivered', 'cancelled')) or (not ${table.isFinal} and ${table.outcome} is null)`,
    ),
    check('lab_stages_initial_not_final', sql`not (${table.isInitial} and ${table.isFinal})`),
  ],
);

export const labPriorities = ['normal', 'high', 'urgent'] as const;
export type LabPriority = (typeof labPriorities)[number];

/**
 * A job for the lab. The Rx values are copied from the prescription when the order is made, so a
 * later prescription never changes an order in progress. `version` grows with every change: a stage
 * move names the stage it saw, and only one of two simultaneous moves can match it.
 */
export const labOrders = pgTable(
  'lab_orders',
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Shown as LAB-000123; a shop-wide counter, not a fiscal number (gaps are harmless). */
    number: integer().notNull().generatedByDefaultAsIdentity(),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    customerId: uuid()
      .notNull()
      .references(() => contacts.id),
    /** The lab: a supplier contact; null when the shop mounts the lenses itself. */
    labId: uuid().references(() => contacts.id),
    invoiceId: uuid().references(() => invoices.id),
    quotationId: uuid().references(() => quotations.id),
    prescriptionId: uuid().references(() => prescriptions.id),
    stageId: uuid()
      .notNull()
      .references(() => labStages.id),
    stageEnteredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    version: integer().notNull().default(1),
    priority: text().$type<LabPriority>().notNull().default('normal'),
    promisedOn: date(),
    ...eyeColumns('od'),
    ...eyeColumns('oi'),
    pd: numeric({ precision: 4, scale: 1 }),
    frameProductId: uuid().references(() => products.id),
    /** The customer brought the frame. */
    frameOwn: boolean().notNull().default(false),
    frameDescription: text(),
    /** Boxing measurements (A, B, DBL), mm. */
    frameA: numeric({ precision: 4, scale: 1 }),
    frameB: numeric({ precision: 4, scale: 1 }),
    frameDbl: numeric({ precision: 4, scale: 1 }),
    lensType: text(),
    lensMaterial: text(),
    lensIndex: numeric({ precision: 3, scale: 2 }),
    treatments: text().array().notNull().default(sql`'{}'::text[]`),
    tint: text(),
    /** The lab's own job number. */
    labReference: text(),
    notes: text(),
    /** Set when the order enters a final stage, cleared if it leaves it: open orders have none. */
    closedAt: timestamp({ withTimezone: true }),
    /** Delivered with a balance still open: who allowed it and why. */
    deliveryOverrideReason: text(),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('lab_orders_number_key').on(table.number),
    index('lab_orders_stage_idx').on(table.stageId, table.promisedOn, table.id),
    index('lab_orders_open_promised_idx').on(table.promisedOn, table.id).where(sql`${table.closedAt} is null`),
    /** The board's final columns: orders closed in the last days, beside the open ones (a BitmapOr of the two). */
    index('lab_orders_closed_idx').on(table.closedAt).where(sql`${table.closedAt} is not null`),
    index('lab_orders_customer_idx').on(table.customerId, table.createdAt),
    index('lab_orders_invoice_idx').on(table.invoiceId),
    index('lab_orders_branch_idx').on(table.branchId, table.createdAt),
    check('lab_orders_priority_valid', sql`${table.priority} in ('normal', 'high', 'urgent')`),
  ],
);

export const labOrderEventKinds = ['created', 'moved', 'note', 'photo', 'edited'] as const;
export type LabOrderEventKind = (typeof labOrderEventKinds)[number];

/** The order's timeline: who did what and when. A photo's bytes are in R2 under the tenant prefix. */
export const labOrderEvents = pgTable(
  'lab_order_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    labOrderId: uuid()
      .notNull()
      .references(() => labOrders.id),
    kind: text().$type<LabOrderEventKind>().notNull(),
    fromStageId: uuid().references(() => labStages.id),
    toStageId: uuid().references(() => labStages.id),
    note: text(),
    photoKey: text(),
    photoType: text(),
    userId: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('lab_order_events_order_idx').on(table.labOrderId, table.createdAt)],
);

// ---------------------------------------------------------------------------------------------
// Events and messages: an outbox of what happened, channels, templates, automations, deliveries
// ---------------------------------------------------------------------------------------------

/**
 * What happened in the shop that automations and webhooks may act on, written in the same
 * transaction as the change (an outbox). `key` names the event once (e.g. `invoice.issued:<id>`):
 * writing it twice is a no-op, and everything sent because of it is keyed by it.
 */
export const shopEvents = pgTable(
  'shop_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    type: text().notNull(),
    key: text().notNull(),
    subjectId: uuid(),
    payload: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the dispatcher handled it (automations matched, webhooks queued). */
    dispatchedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    uniqueIndex('shop_events_key').on(table.key),
    index('shop_events_pending_idx').on(table.occurredAt).where(sql`${table.dispatchedAt} is null`),
  ],
);

export const messageChannelKinds = ['whatsapp', 'email'] as const;
export type MessageChannelKind = (typeof messageChannelKinds)[number];

/**
 * A shop's way to reach customers. Credentials (WhatsApp phone number id and token, the e-mail
 * provider's API key) are sealed with the platform key bound to the tenant; `display` is what the
 * settings page may show of them (never the secret).
 */
export const messageChannels = pgTable(
  'message_channels',
  {
    kind: text().$type<MessageChannelKind>().primaryKey(),
    enabled: boolean().notNull().default(false),
    sealedCredentials: text().notNull(),
    display: text().notNull(),
    /** Non-secret settings: sender address and name, reply-to, WhatsApp template language. */
    settings: jsonb().$type<Record<string, string>>().notNull().default({}),
    updatedBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [check('message_channels_kind_valid', sql`${table.kind} in ('whatsapp', 'email')`)],
);

/** The text sent for an event on a channel, with {{variables}}; WhatsApp outside the 24 h window needs an approved template. */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: uuid().primaryKey().defaultRandom(),
    event: text().notNull(),
    channel: text().$type<MessageChannelKind>().notNull(),
    name: text().notNull(),
    subject: text(),
    body: text().notNull(),
    /** The approved WhatsApp template's name and language, and which variables fill its parameters, in order. */
    whatsappTemplate: text(),
    whatsappLanguage: text().notNull().default('es'),
    whatsappParameters: text().array().notNull().default(sql`'{}'::text[]`),
    archivedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('message_templates_name_key')
      .on(table.channel, sql`lower(${table.name})`)
      .where(sql`${table.archivedAt} is null`),
    check('message_templates_channel_valid', sql`${table.channel} in ('whatsapp', 'email')`),
  ],
);

/** "When <event> [and <condition>] send <template> by <channel>". */
export const automations = pgTable(
  'automations',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    event: text().notNull(),
    /** e.g. { stageId } for lab moves, { branchId }, { daysBefore } for recalls. */
    condition: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    templateId: uuid()
      .notNull()
      .references(() => messageTemplates.id),
    channel: text().$type<MessageChannelKind>().notNull(),
    enabled: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    index('automations_event_idx').on(table.event).where(sql`${table.enabled}`),
    check('automations_channel_valid', sql`${table.channel} in ('whatsapp', 'email')`),
  ],
);

export const outboundMessageStatuses = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped'] as const;
export type OutboundMessageStatus = (typeof outboundMessageStatuses)[number];

/**
 * Every message the shop sends or decided not to send (opt-out, no consent, no address), with its
 * delivery status. `idempotencyKey` is (event key, recipient, channel): a repeated queue delivery
 * finds the row and sends nothing. A sender claims the row (queued -> sending in one UPDATE).
 */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    idempotencyKey: text().notNull(),
    eventKey: text(),
    event: text().notNull(),
    automationId: uuid().references(() => automations.id),
    templateId: uuid().references(() => messageTemplates.id),
    channel: text().$type<MessageChannelKind>().notNull(),
    contactId: uuid().references(() => contacts.id),
    recipient: text().notNull(),
    subject: text(),
    body: text().notNull(),
    status: text().$type<OutboundMessageStatus>().notNull().default('queued'),
    /** Why it was skipped or failed, in words for the log. */
    reason: text(),
    /** Quiet hours: not sent before this moment. */
    notBefore: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    providerMessageId: text(),
    isTest: boolean().notNull().default(false),
    /** WhatsApp outside the 24-hour window: the approved template and its parameters, rendered when the message was written. */
    whatsappTemplate: jsonb().$type<{ name: string; language: string; parameters: string[] }>(),
    createdBy: uuid().references(() => users.id),
    sentAt: timestamp({ withTimezone: true }),
    deliveredAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }),
    failedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('outbound_messages_key').on(table.idempotencyKey),
    index('outbound_messages_created_idx').on(table.createdAt, table.id),
    index('outbound_messages_contact_idx').on(table.contactId, table.createdAt),
    index('outbound_messages_provider_idx').on(table.providerMessageId),
    index('outbound_messages_due_idx').on(table.notBefore).where(sql`${table.status} = 'queued'`),
    check(
      'outbound_messages_status_valid',
      sql`${table.status} in ('queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped')`,
    ),
  ],
);

/** Outbound webhooks: a URL that receives the shop's events as JSON, signed with its own secret. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid().primaryKey().defaultRandom(),
  url: text().notNull(),
  description: text(),
  /** Event types it receives; empty: every event. */
  events: text().array().notNull().default(sql`'{}'::text[]`),
  /** The signing secret, sealed with the platform key bound to the tenant. */
  sealedSecret: text().notNull(),
  enabled: boolean().notNull().default(true),
  createdBy: uuid().references(() => users.id),
  ...timestamps,
});

export const webhookDeliveryStatuses = ['pending', 'delivering', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/** One event for one endpoint: retried with backoff until delivered or out of attempts. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id),
    eventKey: text().notNull(),
    event: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text().$type<WebhookDeliveryStatus>().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    responseStatus: integer(),
    /** The start of the receiver's answer or the network error, for the log. */
    responseExcerpt: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    unique('webhook_deliveries_key').on(table.endpointId, table.eventKey),
    index('webhook_deliveries_endpoint_idx').on(table.endpointId, table.createdAt),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    check('webhook_deliveries_status_valid', sql`${table.status} in ('pending', 'delivering', 'delivered', 'failed')`),
  ],
);

/** A per-shop scheduled job's run for one period (e.g. recalls for 2026-12-06): repeated deliveries find it and stop. */
export const scheduledRuns = pgTable(
  'scheduled_runs',
  {
    job: text().notNull(),
    period: text().notNull(),
    status: text().$type<'running' | 'done' | 'failed'>().notNull().default('running'),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.job, table.period] })],
);

// ---------------------------------------------------------------------------------------------
// Back office (issue 15): expenses and the 606, report exports, sellers and commissions, imports,
// the optical catalogue, custom roles
// ---------------------------------------------------------------------------------------------

/** DGII 606 "tipo de bienes y servicios comprados" 01-11: the expense's category. */
export const expenseTypes606 = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11'] as const;
/** DGII 606 "forma de pago" 01-07 (efectivo, cheque/transferencia, tarjeta, crédito, permuta, nota de crédito, mixto). */
export const expensePaymentForms = ['01', '02', '03', '04', '05', '06', '07'] as const;
/** DGII 606 "tipo de retención en ISR" 01-08. */
export const isrWithholdingTypes = ['01', '02', '03', '04', '05', '06', '07', '08'] as const;

/**
 * A supplier's invoice (gasto o compra) as the 606 reports it: the supplier as identified on the
 * NCF, the NCF, the amounts split into services and goods, and the taxes paid, withheld and perceived.
 */
export const expenses = pgTable(
  'expenses',
  {
    id: uuid().primaryKey().defaultRandom(),
    supplierId: uuid().references(() => contacts.id),
    /** The supplier as on the NCF, copied from the contact or the DGII registry. */
    supplierIdType: text().$type<'rnc' | 'cedula'>().notNull(),
    supplierIdNumber: text().notNull(),
    supplierName: text().notNull(),
    ncf: text().notNull(),
    /** 606 field 5: the NCF a supplier's credit or debit note modifies. */
    modifiedNcf: text(),
    expenseType: text().$type<(typeof expenseTypes606)[number]>().notNull(),
    branchId: uuid()
      .notNull()
      .references(() => branches.id),
    issuedOn: date().notNull(),
    /** 606 field 7; null until paid. */
    paidOn: date(),
    servicesAmount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    goodsAmount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    /** services + goods (606 field 10). */
    total: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisBilled: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisWithheld: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisProportional: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisToCost: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    /** ITBIS por adelantar: billed - proportional - to cost (computed by the server). */
    itbisAdvance: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    itbisPerceived: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    isrWithholdingType: text().$type<(typeof isrWithholdingTypes)[number]>(),
    isrWithheld: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    isrPerceived: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    iscAmount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    otherTaxes: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    legalTip: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    paymentForm: text().$type<(typeof expensePaymentForms)[number]>().notNull(),
    paymentStatus: text().$type<'pending' | 'paid'>().notNull().default('pending'),
    /** The e-CF from the inbox this expense was made from (one expense per received e-CF). */
    receivedEcfId: uuid().references(() => receivedEcf.id),
    notes: text(),
    voidedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('expenses_supplier_ncf_key')
      .on(table.supplierIdNumber, table.ncf)
      .where(sql`${table.voidedAt} is null`),
    uniqueIndex('expenses_received_ecf_key').on(table.receivedEcfId).where(sql`${table.receivedEcfId} is not null`),
    index('expenses_issued_idx').on(table.issuedOn, table.id),
    index('expenses_list_idx').on(table.createdAt, table.id),
    index('expenses_supplier_idx').on(table.supplierId),
    check('expenses_id_type_valid', sql`${table.supplierIdType} in ('rnc', 'cedula')`),
    check('expenses_type_valid', sql`${table.expenseType} in ('01','02','03','04','05','06','07','08','09','10','11')`),
    check('expenses_payment_form_valid', sql`${table.paymentForm} in ('01','02','03','04','05','06','07')`),
    check('expenses_payment_status_valid', sql`${table.paymentStatus} in ('pending', 'paid')`),
    check('expenses_total_is_sum', sql`${table.total} = ${table.servicesAmount} + ${table.goodsAmount}`),
    check('expenses_paid_has_date', sql`${table.paymentStatus} = 'pending' or ${table.paidOn} is not null`),
  ],
);

/** Files attached to an expense (the supplier's invoice scanned or its PDF), in R2 under the shop's prefix. */
export const expenseAttachments = pgTable(
  'expense_attachments',
  {
    id: uuid().primaryKey().defaultRandom(),
    expenseId: uuid()
      .notNull()
      .references(() => expenses.id, { onDelete: 'cascade' }),
    fileKey: text().notNull(),
    fileName: text().notNull(),
    contentType: text().notNull(),
    byteSize: integer().notNull(),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('expense_attachments_expense_idx').on(table.expenseId)],
);

export const reportExportStatuses = ['queued', 'running', 'done', 'failed'] as const;

/** A report export run in the background: progress while it runs, the file in R2 once done. */
export const reportExports = pgTable(
  'report_exports',
  {
    id: uuid().primaryKey().defaultRandom(),
    report: text().notNull(),
    format: text().$type<'xlsx' | 'csv'>().notNull(),
    /** The filters as the report's schema parsed them. */
    filters: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: text().$type<(typeof reportExportStatuses)[number]>().notNull().default('queued'),
    rowsDone: integer().notNull().default(0),
    rowsTotal: integer(),
    fileKey: text(),
    fileName: text(),
    byteSize: bigint({ mode: 'number' }),
    error: text(),
    requestedBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('report_exports_list_idx').on(table.createdAt, table.id),
    check('report_exports_format_valid', sql`${table.format} in ('xlsx', 'csv')`),
    check('report_exports_status_valid', sql`${table.status} in ('queued', 'running', 'done', 'failed')`),
  ],
);

/**
 * A commission rule: a percentage of net sales for a seller, a product category, or both (the most
 * specific active rule wins: seller and category, then seller, then category).
 */
export const commissionRules = pgTable(
  'commission_rules',
  {
    id: uuid().primaryKey().defaultRandom(),
    sellerId: uuid().references(() => users.id),
    category: text(),
    rate: numeric({ precision: 5, scale: 2 }).notNull(),
    active: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('commission_rules_scope_key')
      .on(sql`coalesce(${table.sellerId}::text, '')`, sql`coalesce(${table.category}, '')`)
      .where(sql`${table.active}`),
    check('commission_rules_scoped', sql`${table.sellerId} is not null or ${table.category} is not null`),
    check('commission_rules_rate_range', sql`${table.rate} >= 0 and ${table.rate} <= 100`),
  ],
);

/** A closed commission period (YYYY-MM): its entries are frozen and no document counts twice. */
export const commissionCloses = pgTable(
  'commission_closes',
  {
    id: uuid().primaryKey().defaultRandom(),
    period: text().notNull(),
    closedBy: uuid().references(() => users.id),
    closedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('commission_closes_period_key').on(table.period)],
);

/** One document's commission in a closed period: a paid invoice (positive) or a credit note (negative). */
export const commissionEntries = pgTable(
  'commission_entries',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    closeId: uuid()
      .notNull()
      .references(() => commissionCloses.id, { onDelete: 'cascade' }),
    sellerId: uuid()
      .notNull()
      .references(() => users.id),
    documentId: uuid()
      .notNull()
      .references(() => invoices.id),
    /** Net sales of the document (before ITBIS, in DOP), negative for a credit note. */
    base: numeric({ precision: 14, scale: 2 }).notNull(),
    amount: numeric({ precision: 14, scale: 2 }).notNull(),
  },
  (table) => [
    uniqueIndex('commission_entries_document_key').on(table.documentId),
    index('commission_entries_close_idx').on(table.closeId, table.sellerId),
  ],
);

export const importEntities = ['contacts', 'products', 'prescriptions', 'invoices'] as const;
export type ImportEntity = (typeof importEntities)[number];
export const importRunStatuses = ['uploaded', 'validated', 'queued', 'running', 'done', 'failed'] as const;

/** The column mapping a shop last used for an entity's import, offered again next time. */
export const importMappings = pgTable('import_mappings', {
  entity: text().$type<ImportEntity>().primaryKey(),
  /** field -> the file's column header */
  mapping: jsonb().$type<Record<string, string>>().notNull(),
  updatedBy: uuid().references(() => users.id),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** One file imported from the shop's old system: upload, mapping, validation, then one all-or-nothing write. */
export const importRuns = pgTable(
  'import_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    entity: text().$type<ImportEntity>().notNull(),
    fileKey: text().notNull(),
    fileName: text().notNull(),
    status: text().$type<(typeof importRunStatuses)[number]>().notNull().default('uploaded'),
    mapping: jsonb().$type<Record<string, string>>(),
    totalRows: integer(),
    errorRows: integer(),
    processedRows: integer().notNull().default(0),
    inserted: integer().notNull().default(0),
    /** Rows whose natural key already existed: left as they are, so a re-run adds nothing. */
    skipped: integer().notNull().default(0),
    errorReportKey: text(),
    error: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('import_runs_list_idx').on(table.createdAt, table.id),
    check('import_runs_entity_valid', sql`${table.entity} in ('contacts', 'products', 'prescriptions', 'invoices')`),
    check(
      'import_runs_status_valid',
      sql`${table.status} in ('uploaded', 'validated', 'queued', 'running', 'done', 'failed')`,
    ),
  ],
);

export const catalogListKinds = [
  'lens_types',
  'materials',
  'indices',
  'treatments',
  'colours',
  'frame_shapes',
  'visit_reasons',
] as const;
export type CatalogListKind = (typeof catalogListKinds)[number];

/** The shop's own values for the optical lists (lens types, materials, ...): ordered, archivable. */
export const catalogValues = pgTable(
  'catalog_values',
  {
    id: serial().primaryKey(),
    list: text().$type<CatalogListKind>().notNull(),
    value: text().notNull(),
    position: integer().notNull().default(0),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('catalog_values_list_value_key').on(table.list, sql`lower(${table.value})`),
    index('catalog_values_list_idx').on(table.list, table.position),
    check(
      'catalog_values_list_valid',
      sql`${table.list} in ('lens_types','materials','indices','treatments','colours','frame_shapes','visit_reasons')`,
    ),
  ],
);

/** Barcodes (EAN-13, UPC, the shop's own Code 128): one product each, found by a scan wherever a product is picked. */
export const productBarcodes = pgTable(
  'product_barcodes',
  {
    code: text().primaryKey(),
    productId: uuid()
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('product_barcodes_product_idx').on(table.productId)],
);

/** A bulk price change, applied once: the filter, the rule, and every product's old and new price. */
export const priceUpdates = pgTable('price_updates', {
  id: uuid().primaryKey().defaultRandom(),
  filter: jsonb().$type<Record<string, unknown>>().notNull(),
  mode: text().$type<'percent' | 'amount'>().notNull(),
  value: numeric({ precision: 14, scale: 4 }).notNull(),
  productCount: integer().notNull(),
  appliedBy: uuid().references(() => users.id),
  appliedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const priceUpdateLines = pgTable(
  'price_update_lines',
  {
    updateId: uuid()
      .notNull()
      .references(() => priceUpdates.id, { onDelete: 'cascade' }),
    productId: uuid()
      .notNull()
      .references(() => products.id),
    oldPrice: numeric({ precision: 14, scale: 4 }).notNull(),
    newPrice: numeric({ precision: 14, scale: 4 }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.updateId, table.productId] })],
);

/** A role the shop builds from the existing permissions; the five default roles stay as they are. */
export const customRoles = pgTable(
  'custom_roles',
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** Permission names from src/auth/permissions.ts. */
    permissions: jsonb().$type<string[]>().notNull().default([]),
    /** No foreign key: users reference custom_roles, and backups restore tables in foreign-key order (no cycles). */
    createdBy: uuid(),
    ...timestamps,
  },
  (table) => [uniqueIndex('custom_roles_name_key').on(sql`lower(${table.name})`)],
);
