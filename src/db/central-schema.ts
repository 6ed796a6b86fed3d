import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
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
