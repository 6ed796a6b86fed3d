/**
 * The receiver shop of `npm run dev` (dev/ecf-peers.ts): its own RNC (not the demo's), e-CF
 * settings whose certificate speaks for that RNC, the demo shop's customer with that RNC, and the
 * directory entry pointing at its own host. Run twice, it changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { neon } from '@neondatabase/serverless';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateEncryptionKey } from '../../dev/bootstrap';
import { demoCompanyRnc } from '../../dev/demo-data';
import {
  ensurePeerContact,
  ensurePeerShopData,
  localDirectoryEntry,
  peerCompanyRnc,
  peerTenant,
} from '../../dev/ecf-peers';
import { configureNeon, tenantDb } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { functions, migrations } from '../../src/db/migrations.generated';
import { seedTenant } from '../../src/db/seed';
import { company, contacts, ecfSettings, users } from '../../src/db/tenant-schema';
import { isValidRnc } from '../../src/domain/tax-id';

const stack = inject('stack');
configureNeon(stack.endpointUrl);
const admin = neon(stack.adminUrl);
const created: string[] = [];

async function shopDatabase() {
  const name = `optiflow_peer_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(stack.adminUrl);
  url.pathname = `/${name}`;
  await migrate(neon(url.toString()), migrations.tenant, functions.tenant);
  const db = tenantDb(url.toString());
  await seedTenant(db, { shopName: 'Óptica Cliente' });
  await db.insert(users).values({ email: 'demo@optiflow.test', name: 'Demo', role: 'owner', status: 'active' });
  return db;
}

afterAll(async () => {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('the receiver shop of npm run dev', { timeout: 120_000 }, () => {
  it('gets its own RNC and a certificate for it, once; the demo shop gets it as a customer, once', async () => {
    expect(isValidRnc(peerCompanyRnc)).toBe(true);
    expect(peerCompanyRnc).not.toBe(demoCompanyRnc);
    const [peer, demo] = await Promise.all([shopDatabase(), shopDatabase()]);
    const options = { env: { ENCRYPTION_KEY: generateEncryptionKey() }, ownerEmail: 'demo@optiflow.test' };
    expect(await ensurePeerShopData(peer, options)).toBe(true);
    expect(await ensurePeerShopData(peer, options)).toBe(false);
    const [shop] = await peer.select().from(company);
    expect(shop!.rnc).toBe(peerCompanyRnc);
    const [settings] = await peer.select().from(ecfSettings);
    expect(settings).toMatchObject({ environment: 'TesteCF', taxId: peerCompanyRnc });

    await ensurePeerContact(demo);
    await ensurePeerContact(demo);
    const customers = await demo.select().from(contacts).where(eq(contacts.idNumber, peerCompanyRnc));
    expect(customers).toEqual([expect.objectContaining({ idType: 'rnc', kind: 'customer' })]);

    expect(localDirectoryEntry(peerTenant, peerCompanyRnc, 8787)).toEqual({
      nombre: 'Óptica Cliente',
      rnc: peerCompanyRnc,
      urlRecepcion: 'http://cliente.localhost:8787',
      urlAceptacion: 'http://cliente.localhost:8787',
      urlOpcional: 'http://cliente.localhost:8787',
    });
  });
});
