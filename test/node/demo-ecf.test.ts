/**
 * The demo step of `npm run dev` (dev/demo-ecf.ts): a fresh shop database gets e-CF settings
 * (TesteCF) through saveEcfSettings with a certificate made locally for its RNC, and E ranges; the
 * sealed certificate opens as the Worker opens it, and the DGII stand-in authenticates the shop with
 * it and accepts an RFCE it signed. Run twice, it changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { neon } from '@neondatabase/serverless';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { generateEncryptionKey } from '../../dev/bootstrap';
import { demoCertificateP12, ensureDemoEcf } from '../../dev/demo-ecf';
import { startDgiiStandin } from '../../dev/dgii-standin';
import { configureNeon, tenantDb } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { functions, migrations } from '../../src/db/migrations.generated';
import { seedTenant } from '../../src/db/seed';
import { auditLog, company, ecfSettings, fiscalSequences, users } from '../../src/db/tenant-schema';
import { readP12 } from '../../src/ecf/certificate';
import { createDgiiClient } from '../../src/ecf/dgii/client';
import { seedSigner } from '../../src/ecf/dgii/signer';
import { signXml } from '../../src/ecf/sign';
import { loadSigningCredentials } from '../../src/services/shop/ecf-settings';
import type { Bindings } from '../../src/env';
import type { TenantRecord } from '../../src/tenancy/record';

const stack = inject('stack');
configureNeon(stack.endpointUrl);
const admin = neon(stack.adminUrl);
const created: string[] = [];

async function shopDatabase(rnc: string) {
  const name = `optiflow_demo_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(stack.adminUrl);
  url.pathname = `/${name}`;
  await migrate(neon(url.toString()), migrations.tenant, functions.tenant);
  const db = tenantDb(url.toString());
  await seedTenant(db, { shopName: 'Óptica Demo' });
  await db.update(company).set({ rnc }).where(eq(company.id, 1));
  await db.insert(users).values({ email: 'demo@optiflow.test', name: 'Demo', role: 'owner', status: 'active' });
  return db;
}

afterAll(async () => {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('the demo shop e-CF step', { timeout: 120_000 }, () => {
  it('the .p12 opens with its password and speaks for the RNC', async () => {
    const p12 = demoCertificateP12('130123454', 'secreto');
    const credentials = await readP12(p12, 'secreto');
    expect(credentials.info.taxId).toBe('130123454');
    expect(Date.parse(credentials.info.notAfter)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    await expect(readP12(p12, 'otra')).rejects.toThrow();
  });

  it('saves TesteCF settings through the owner service once; DGII (the stand-in) accepts the shop with them', async () => {
    const rnc = `1${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const db = await shopDatabase(rnc);
    const env = { ENCRYPTION_KEY: generateEncryptionKey() };
    const options = { tenantId: 'demo-test', ownerEmail: 'demo@optiflow.test', rnc, env };
    expect(await ensureDemoEcf(db, options)).toBe(true);
    expect(await ensureDemoEcf(db, options)).toBe(false);

    const [settings] = await db.select().from(ecfSettings);
    expect(settings).toMatchObject({ environment: 'TesteCF', taxId: rnc });
    const types = (await db.select().from(fiscalSequences)).map((row) => row.docType);
    expect(types).toEqual(expect.arrayContaining(['E31', 'E32', 'E34']));
    expect(types.filter((type) => type === 'E32')).toHaveLength(1);
    const [shop] = await db.select().from(company);
    expect(shop!.address).toBeTruthy();
    const entries = await db.select().from(auditLog).where(eq(auditLog.action, 'ecf.certificate.updated'));
    expect(entries).toHaveLength(1);

    // What the Worker does with it: open the sealed certificate and authenticate at DGII with it.
    const signing = await loadSigningCredentials({
      db,
      env: env as Bindings,
      tenant: { id: 'demo-test' } as TenantRecord,
    });
    expect(signing!.credentials.info.taxId).toBe(rnc);
    // Sealed for its own shop: another tenant id does not open it.
    await expect(
      loadSigningCredentials({ db, env: env as Bindings, tenant: { id: 'other' } as TenantRecord }),
    ).rejects.toThrow();

    const standin = await startDgiiStandin({ port: 0 });
    try {
      const store = new Map<string, unknown>();
      const client = createDgiiClient({
        environment: 'TesteCF',
        baseUrl: standin.url,
        cache: {
          get: async (key: string) => store.get(key) ?? null,
          put: async (key: string, value: unknown) => void store.set(key, value),
          delete: async (key: string) => void store.delete(key),
        } as never,
        signer: seedSigner(signing!.credentials),
      });
      const token = await client.token();
      expect(token.token).toBeTruthy();
      const anecf = await signXml(
        '<?xml version="1.0" encoding="utf-8"?><ANECF><Encabezado><Version>1.0</Version>' +
          `<RncEmisor>${rnc}</RncEmisor><CantidadeNCFAnulados>1</CantidadeNCFAnulados>` +
          '<FechaHoraAnulacioneNCF>01-12-2026 10:00:00</FechaHoraAnulacioneNCF></Encabezado><DetalleAnulacion>' +
          '<Anulacion><NoLinea>1</NoLinea><TipoeCF>32</TipoeCF><TablaRangoSecuenciasAnuladaseNCF><Secuencias>' +
          '<SecuenciaeNCFDesde>E320000004999</SecuenciaeNCFDesde><SecuenciaeNCFHasta>E320000004999</SecuenciaeNCFHasta>' +
          '</Secuencias></TablaRangoSecuenciasAnuladaseNCF><CantidadeNCFAnulados>1</CantidadeNCFAnulados></Anulacion>' +
          '</DetalleAnulacion></ANECF>',
        signing!.credentials,
      );
      // Signed with the demo certificate and delegated for the demo RNC: DGII takes it.
      expect(await client.cancelRange(anecf)).toMatchObject({ rnc, codigo: '1' });
    } finally {
      await standin.close();
    }
  });
});
