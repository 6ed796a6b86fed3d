/**
 * Development only: a second local shop, "Óptica Cliente", so e-CF exchange runs end to end under
 * `npm run dev`. It has its own RNC and test certificate (made like the demo shop's) and is in the
 * DGII stand-in's directory beside the demo shop; the demo shop has it as a customer with that RNC.
 * An E31 the demo issues to it reaches Aceptado, is delivered to its /ecf/recibidos, and accepting
 * it there sends the ACECF back to the demo (shops of the platform reach each other in-process).
 */
import { eq, sql } from 'drizzle-orm';
import type { TenantDb } from '../src/db/client';
import { tenantDb } from '../src/db/client';
import { company, contacts } from '../src/db/tenant-schema';
import type { Bindings } from '../src/env';
import { migrateTenant, tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant, getTenantRow } from '../src/tenancy/provisioning';
import { ensureDemoData } from './demo-data';
import { ensureDemoEcf } from './demo-ecf';
import type { DirectoryEntry } from './dgii-standin';

export const peerTenant = { id: 'cliente', name: 'Óptica Cliente' };

/** A made-up RNC with a valid check digit (1-31-98765-6), not the demo's. */
export const peerCompanyRnc = '131987656';

export const peerContactName = 'Óptica Cliente SRL';

/**
 * Creates (once) and migrates the peer shop, gives it an owner through `ensureOwner`, its RNC, the
 * demo data and e-CF settings, and puts it among the demo shop's customers.
 */
export async function ensurePeerShop(
  platform: Platform,
  demoDb: TenantDb,
  options: {
    env: Pick<Bindings, 'ENCRYPTION_KEY'>;
    ownerEmail: string;
    ensureOwner: (db: TenantDb) => Promise<void>;
    log: (line: string) => void;
  },
): Promise<void> {
  const existing = await getTenantRow(platform, peerTenant.id);
  if (existing?.status !== 'active' && existing?.status !== 'suspended') {
    options.log('creating the receiver shop (Óptica Cliente)...');
    await createTenant(platform, { ...peerTenant, domains: [peerTenant.id] });
  }
  await migrateTenant(platform, peerTenant.id);
  const { connectionString } = await tenantConnection(platform, peerTenant.id);
  const db = tenantDb(connectionString);
  await options.ensureOwner(db);
  if (await ensurePeerShopData(db, options))
    options.log('receiver shop: e-CF settings (TesteCF) with a local test certificate');
  await ensurePeerContact(demoDb);
}

/** The peer shop's own RNC (before the demo data would give it the demo's), data and e-CF settings. */
export async function ensurePeerShopData(
  db: TenantDb,
  options: { env: Pick<Bindings, 'ENCRYPTION_KEY'>; ownerEmail: string },
): Promise<boolean> {
  await db
    .update(company)
    .set({ rnc: peerCompanyRnc, updatedAt: sql`now()` })
    .where(sql`${company.id} = 1 AND ${company.rnc} IS NULL`);
  await ensureDemoData(db);
  return ensureDemoEcf(db, {
    tenantId: peerTenant.id,
    ownerEmail: options.ownerEmail,
    rnc: peerCompanyRnc,
    env: options.env,
  });
}

/** In the demo shop: the peer as a customer with its RNC, so an E31 to it is one choice away. */
export async function ensurePeerContact(demoDb: TenantDb): Promise<void> {
  const [existing] = await demoDb
    .select({ id: contacts.id })
    .from(contacts)
    .where(eq(contacts.idNumber, peerCompanyRnc))
    .limit(1);
  if (existing) return;
  await demoDb
    .insert(contacts)
    .values({ name: peerContactName, idType: 'rnc', idNumber: peerCompanyRnc, kind: 'customer' });
}

/** A local shop in DGII's directory of electronic receivers: its /fe/ endpoints answer on its own host. */
export function localDirectoryEntry(
  tenant: { id: string; name: string },
  rnc: string,
  httpPort: number,
): DirectoryEntry {
  const url = `http://${tenant.id}.localhost:${httpPort}`;
  return { nombre: tenant.name, rnc, urlRecepcion: url, urlAceptacion: url, urlOpcional: url };
}
