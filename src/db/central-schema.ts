import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { PlacementRef } from '../tenancy/placement/types';

export const tenantStatus = pgEnum('tenant_status', ['provisioning', 'active', 'suspended', 'failed', 'deleting']);

/** The SaaS's own customers: who pays for one or more tenants. */
export const clients = pgTable('clients', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  rnc: text(),
  email: text(),
  phone: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const tenants = pgTable(
  'tenants',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    clientId: uuid().references(() => clients.id, { onDelete: 'restrict' }),
    status: tenantStatus().notNull().default('provisioning'),
    placement: text().notNull(),
    /** Ids of the database where the placement put it; no secrets. */
    placementRef: jsonb().$type<PlacementRef>(),
    /** Connection string of the tenant's own role, AES-GCM encrypted (see src/tenancy/crypto.ts). */
    connectionSecret: text(),
    schemaVersion: integer().notNull().default(0),
    /** Last pipeline step that completed (provisioning or deletion). */
    provisioningStep: text(),
    lastError: text(),
    suspendedMessage: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('tenants_id_is_dns_label', sql`${table.id} ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'`),
    index('tenants_client_idx').on(table.clientId),
  ],
);

/** A subdomain label (`acme`, valid under every central domain) or a full custom host name. */
export const domains = pgTable(
  'domains',
  {
    hostname: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    check('domains_hostname_lower', sql`${table.hostname} = lower(${table.hostname})`),
    index('domains_tenant_idx').on(table.tenantId),
  ],
);

/** Every step of every provisioning or deletion run; kept after the tenant is gone. */
export const provisioningLog = pgTable(
  'provisioning_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    tenantId: text().notNull(),
    operation: text().notNull(),
    step: text().notNull(),
    outcome: text().notNull(),
    message: text(),
    durationMs: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('provisioning_log_tenant_idx').on(table.tenantId, table.id)],
);

/**
 * The DGII taxpayer registry (RNC and cédula), shared read-only by every shop. `optiflow sync:dgii`
 * replaces it whole: it loads a staging table made `LIKE dgii_taxpayers INCLUDING ALL` and renames it
 * into place (src/dgii/import.ts), so this definition is also the staging table's.
 */
export const dgiiTaxpayers = pgTable(
  'dgii_taxpayers',
  {
    /** Digits only: 9 (RNC) or 11 (cédula); kept even when the check digit fails, as the DGII lists it. */
    taxId: text().primaryKey(),
    name: text().notNull(),
    commercialName: text(),
    activity: text(),
    status: text(),
    regime: text(),
    startedOn: date(),
  },
  // Prefix search by name: `lower(name) LIKE 'optica pe%'` whatever the database collation.
  (table) => [index('dgii_taxpayers_name_prefix_idx').using('btree', sql`lower(${table.name}) text_pattern_ops`)],
);

/** One row per `sync:dgii` run; `updated_at` is its heartbeat, so a killed run can be told from a live one. */
export const dgiiImports = pgTable(
  'dgii_imports',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    /** The file path or URL read. */
    source: text().notNull(),
    status: text({ enum: ['running', 'succeeded', 'failed'] })
      .notNull()
      .default('running'),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    rowsImported: integer().notNull().default(0),
    rowsSkipped: integer().notNull().default(0),
    error: text(),
  },
  (table) => [check('dgii_imports_status', sql`${table.status} IN ('running', 'succeeded', 'failed')`)],
);

// ---------------------------------------------------------------------------------------------
// The people who run OptiFlow itself: platform admins, their sessions and what they did
// ---------------------------------------------------------------------------------------------

/** OptiFlow's operators. No default account exists: `npx optiflow admins:create <email>` prints a set-password link. */
export const platformAdmins = pgTable(
  'platform_admins',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    /** PBKDF2 (src/auth/password.ts); null until the admin sets a password. */
    passwordHash: text(),
    status: text({ enum: ['invited', 'active', 'disabled'] })
      .notNull()
      .default('invited'),
    /** RFC 6238 secret, AES-GCM encrypted with ENCRYPTION_KEY (additional data `admin-totp:<id>`). */
    totpSecret: text(),
    /** Set once the admin confirmed a first code: from then on every login asks for one. */
    totpEnabledAt: timestamp({ withTimezone: true }),
    /** The last TOTP time step accepted, so a code cannot be used twice. */
    totpLastStep: integer(),
    lastLoginAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('platform_admins_email_key').on(table.email),
    check('platform_admins_email_lower', sql`${table.email} = lower(${table.email})`),
    check('platform_admins_status', sql`${table.status} IN ('invited', 'active', 'disabled')`),
  ],
);

/** One-time set-password links of admins; only hashes are stored. */
export const adminTokens = pgTable(
  'admin_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    adminId: uuid()
      .notNull()
      .references(() => platformAdmins.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    purpose: text({ enum: ['set_password'] }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('admin_tokens_hash_key').on(table.tokenHash)],
);

/** Admin sessions (central domain only); the cookie holds the id, the table its SHA-256. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    idHash: text().primaryKey(),
    adminId: uuid()
      .notNull()
      .references(() => platformAdmins.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** Null while the second factor is still owed (the password was right, the TOTP code not yet given). */
    verifiedAt: timestamp({ withTimezone: true }),
    ipAddress: text(),
    userAgent: text(),
  },
  (table) => [index('admin_sessions_admin_idx').on(table.adminId)],
);

export const adminLoginAttempts = pgTable(
  'admin_login_attempts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    account: text().notNull(),
    ipAddress: text().notNull(),
    succeeded: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('admin_login_attempts_idx').on(table.account, table.ipAddress, table.createdAt),
    index('admin_login_attempts_address_idx').on(table.ipAddress, table.createdAt),
  ],
);

/** Every admin action: who, what, which tenant, when. Kept after the admin or tenant is gone. */
export const adminAuditLog = pgTable(
  'admin_audit_log',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    adminId: uuid(),
    adminEmail: text(),
    action: text().notNull(),
    tenantId: text(),
    details: jsonb().$type<Record<string, unknown>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('admin_audit_log_created_idx').on(table.createdAt, table.id),
    index('admin_audit_log_tenant_idx').on(table.tenantId, table.id),
  ],
);

/** Support access: an admin opens a shop as its owner with a signed, single-use token valid 60 seconds. */
export const impersonationTokens = pgTable(
  'impersonation_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    adminId: uuid()
      .notNull()
      .references(() => platformAdmins.id, { onDelete: 'cascade' }),
    tenantId: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('impersonation_tokens_hash_key').on(table.tokenHash)],
);

export const platformJobKinds = [
  'tenant.create',
  'tenant.delete',
  'tenants.migrate',
  'tenant.backup',
  'tenant.restore',
] as const;
export type PlatformJobKind = (typeof platformJobKinds)[number];

export interface PlatformJobStep {
  step: string;
  outcome: 'started' | 'succeeded' | 'failed';
  message?: string | null;
  at: string;
}

/**
 * Long operations of the admin panel (provisioning, deletion, migrations, backups, restores) run
 * as Queue jobs, not in the request; this row is their live progress, polled by the panel.
 */
export const platformJobs = pgTable(
  'platform_jobs',
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().$type<PlatformJobKind>().notNull(),
    tenantId: text(),
    status: text({ enum: ['queued', 'running', 'succeeded', 'failed'] })
      .notNull()
      .default('queued'),
    input: jsonb().$type<Record<string, unknown>>(),
    steps: jsonb().$type<PlatformJobStep[]>().notNull().default(sql`'[]'::jsonb`),
    /** Whatever the job wants to show at the end (per-tenant results, the backup key, ...). */
    result: jsonb().$type<Record<string, unknown>>(),
    error: text(),
    createdBy: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('platform_jobs_tenant_idx').on(table.tenantId, table.createdAt),
    check('platform_jobs_status', sql`${table.status} IN ('queued', 'running', 'succeeded', 'failed')`),
  ],
);
