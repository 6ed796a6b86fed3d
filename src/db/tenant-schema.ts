import { sql } from 'drizzle-orm';
import {
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
  timestamp,
  uniqueIndex,
  uuid,
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
  (table) => [primaryKey({ columns: [table.userId, table.branchId] }), index('user_branches_branch_idx').on(table.branchId)],
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
  (table) => [index('login_attempts_account_idx').on(table.account, table.ipAddress, table.createdAt)],
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
  (table) => [uniqueIndex('api_tokens_hash_key').on(table.tokenHash), check('api_tokens_scope_valid', sql`${table.scope} in ('read', 'read_write')`)],
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
    archivedAt: timestamp({ withTimezone: true }),
    ...timestamps,
  },
  (table) => [
    uniqueIndex('contacts_id_number_key').on(table.idNumber).where(sql`${table.idNumber} is not null`),
    index('contacts_name_idx').on(sql`lower(${table.name})`, table.id),
    index('contacts_name_trgm_idx').using('gin', sql`lower(${table.name}) gin_trgm_ops`),
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
    check('products_price_positive', sql`${table.price} >= 0`),
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
