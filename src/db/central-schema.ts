import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
    status: text({ enum: ['running', 'succeeded', 'failed'] }).notNull().default('running'),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    rowsImported: integer().notNull().default(0),
    rowsSkipped: integer().notNull().default(0),
    error: text(),
  },
  (table) => [check('dgii_imports_status', sql`${table.status} IN ('running', 'succeeded', 'failed')`)],
);
