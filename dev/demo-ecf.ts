/**
 * Development only: the demo shop emits e-CF from its first start. A certificate for the demo
 * company's RNC is made here (node-forge: self-signed RSA 2048, the RNC in organizationIdentifier
 * and a cédula in serialNumber as Dominican CAs write them), packed as a password-protected .p12 and
 * saved through saveEcfSettings, the service behind the owner's settings page, in TesteCF (DGII's
 * stand-in answers it locally). E31, E32 and E34 ranges are added too. A shop that already has e-CF
 * settings is left alone.
 */
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import forge from 'node-forge';
import type { SessionUser } from '../src/auth/session';
import type { TenantDb } from '../src/db/client';
import { company, fiscalSequences, users } from '../src/db/tenant-schema';
import type { Bindings } from '../src/env';
import { getEcfSettingsSummary } from '../src/queries/ecf-settings';
import type { ShopContext } from '../src/services/shop/context';
import { saveEcfSettings } from '../src/services/shop/ecf-settings';
import type { TenantRecord } from '../src/tenancy/record';

/** A .p12 (3DES, as Dominican CAs still issue them) holding a fresh key and a 2-year certificate for `rnc`. */
export function demoCertificateP12(rnc: string, password: string, now = new Date()): Uint8Array {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime() + 2 * 365 * 86_400_000);
  const subject = [
    { shortName: 'C', value: 'DO' },
    { shortName: 'O', value: 'Optica Demo' },
    { type: '2.5.4.97', value: `VATDO-${rnc}` },
    { type: '2.5.4.5', value: 'IDCDO-00113918205' },
    { shortName: 'CN', value: 'OPTICA DEMO (CERTIFICADO DE PRUEBA LOCAL)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], password, { algorithm: '3des' });
  return Uint8Array.from(forge.asn1.toDer(asn1).getBytes(), (char) => char.charCodeAt(0));
}

/**
 * Gives the demo shop its e-CF settings (as its owner would, through saveEcfSettings) and E ranges.
 * `env` needs ENCRYPTION_KEY, the Worker's own, so the Worker can open what is sealed here.
 */
export async function ensureDemoEcf(
  db: TenantDb,
  options: { tenantId: string; ownerEmail: string; rnc: string; env: Pick<Bindings, 'ENCRYPTION_KEY'> },
): Promise<boolean> {
  await ensureESequences(db);
  // DireccionEmisor is required on every e-CF; never over an address someone typed.
  await db
    .update(company)
    .set({ address: 'Av. Winston Churchill 1099, Santo Domingo', updatedAt: sql`now()` })
    .where(sql`${company.id} = 1 AND coalesce(trim(${company.address}), '') = ''`);
  if (await getEcfSettingsSummary(db)) return false;
  const [owner] = await db.select().from(users).where(eq(users.email, options.ownerEmail));
  if (!owner) throw new Error(`demo owner ${options.ownerEmail} missing`);
  const password = randomBytes(12).toString('base64url');
  // Only what saveEcfSettings uses of a request's context: the shop's database, its id, the key, the owner.
  const ctx = {
    db,
    tenant: { id: options.tenantId } as TenantRecord,
    env: options.env as Bindings,
    actor: { id: owner.id, email: owner.email, name: owner.name, role: 'owner', impersonatedBy: null } as SessionUser,
  } as ShopContext;
  await saveEcfSettings(ctx, {
    environment: 'TesteCF',
    p12: demoCertificateP12(options.rnc, password),
    password,
  });
  return true;
}

async function ensureESequences(db: TenantDb): Promise<void> {
  const validUntil = `${new Date().getUTCFullYear() + 1}-12-31`;
  for (const docType of ['E31', 'E32', 'E34'] as const) {
    const [existing] = await db
      .select({ id: fiscalSequences.id })
      .from(fiscalSequences)
      .where(eq(fiscalSequences.docType, docType))
      .limit(1);
    if (existing) continue;
    await db.insert(fiscalSequences).values({
      docType,
      prefix: docType,
      description: 'Rango e-NCF de demostración (TesteCF)',
      rangeStart: 1,
      rangeEnd: 5000,
      nextNumber: 1,
      validUntil,
      isDefault: true,
    });
  }
}
