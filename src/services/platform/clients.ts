/** OptiFlow's own customers (who pays for one or more tenants): the panel's clients area. */
import { asc, count, eq, sql } from 'drizzle-orm';
import { clients, tenants } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
import { compactTaxId, isValidCedula, isValidRnc } from '../../domain/tax-id';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { recordPlatformAudit } from './audit';
import { assertActor, type PlatformContext } from './context';

export type ClientRow = typeof clients.$inferSelect;
export type ClientValues = Pick<ClientRow, 'name' | 'rnc' | 'email' | 'phone'>;

/** A 9-digit RNC or an 11-digit cédula with a valid check digit, as digits only; null when invalid. */
export function normalizeClientTaxId(value: string): string | null {
  const digits = compactTaxId(value);
  if (digits.length === 9) return isValidRnc(digits) ? digits : null;
  if (digits.length === 11) return isValidCedula(digits) ? digits : null;
  return null;
}

async function listClientsWithTenantCount(central: CentralDb): Promise<Array<ClientRow & { tenantCount: number }>> {
  const rows = await central
    .select({
      id: clients.id,
      name: clients.name,
      rnc: clients.rnc,
      email: clients.email,
      phone: clients.phone,
      createdAt: clients.createdAt,
      tenantCount: sql<number>`count(${tenants.id})::int`,
    })
    .from(clients)
    .leftJoin(tenants, eq(tenants.clientId, clients.id))
    .groupBy(clients.id)
    .orderBy(asc(clients.name), asc(clients.id));
  return rows.map((row) => ({ ...row, tenantCount: Number(row.tenantCount) }));
}

async function findClient(central: CentralDb, id: string): Promise<ClientRow | null> {
  const [row] = await central.select().from(clients).where(eq(clients.id, id));
  return row ?? null;
}

async function insertClient(central: CentralDb, values: ClientValues): Promise<ClientRow> {
  const [row] = await central.insert(clients).values(values).returning();
  return row!;
}

async function updateClientRow(central: CentralDb, id: string, values: ClientValues): Promise<ClientRow | null> {
  const [row] = await central.update(clients).set(values).where(eq(clients.id, id)).returning();
  return row ?? null;
}

async function countClientTenants(central: CentralDb, id: string): Promise<number> {
  const [row] = await central.select({ n: count() }).from(tenants).where(eq(tenants.clientId, id));
  return Number(row?.n ?? 0);
}

/**
 * Deletes a client without tenants. The foreign key (ON DELETE RESTRICT) settles a race with a
 * tenant being assigned meanwhile: then nothing is deleted and the tenant count is returned.
 */
async function deleteClientRow(
  central: CentralDb,
  id: string,
): Promise<{ deleted: true } | { deleted: false; tenantCount: number }> {
  const tenantCount = await countClientTenants(central, id);
  if (tenantCount > 0) return { deleted: false, tenantCount };
  try {
    await central.delete(clients).where(eq(clients.id, id));
    return { deleted: true };
  } catch (error) {
    if (foreignKeyViolation(error))
      return { deleted: false, tenantCount: Math.max(1, await countClientTenants(central, id)) };
    throw error;
  }
}

function foreignKeyViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: string }).code === '23503') return true;
  }
  return false;
}

export function listClients(ctx: PlatformContext): Promise<Array<ClientRow & { tenantCount: number }>> {
  return listClientsWithTenantCount(ctx.platform.central);
}

/** The client, or a 404. */
export async function getClient(ctx: PlatformContext, id: string): Promise<ClientRow> {
  const client = await findClient(ctx.platform.central, id);
  if (!client) throw new AppError('not_found');
  return client;
}

export async function createClient(ctx: PlatformContext, values: ClientValues): Promise<ClientRow> {
  assertActor(ctx);
  const client = await insertClient(ctx.platform.central, values);
  await recordPlatformAudit(ctx, { action: 'client.create', details: { clientId: client.id, name: client.name } });
  return client;
}

export async function updateClient(ctx: PlatformContext, id: string, values: ClientValues): Promise<ClientRow> {
  assertActor(ctx);
  const client = await updateClientRow(ctx.platform.central, id, values);
  if (!client) throw new AppError('not_found');
  await recordPlatformAudit(ctx, { action: 'client.update', details: { clientId: id, ...values } });
  return client;
}

/** Deletes a client without tenants; one with tenants is a conflict that says how many. */
export async function deleteClient(ctx: PlatformContext, id: string): Promise<ClientRow> {
  assertActor(ctx);
  const client = await getClient(ctx, id);
  const outcome = await deleteClientRow(ctx.platform.central, id);
  if (!outcome.deleted)
    throw new AppError('conflict', t('adminTenants.clients.hasTenants', { count: outcome.tenantCount }));
  await recordPlatformAudit(ctx, { action: 'client.delete', details: { clientId: id, name: client.name } });
  return client;
}
