import { eq } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { auditLog, company, type EcfEnvironment, ecfSettings } from '../db/tenant-schema';

export type EcfSettingsRow = typeof ecfSettings.$inferSelect;

/** What the settings page may show: everything but the sealed key and certificate. */
export type EcfSettingsSummary = Omit<EcfSettingsRow, 'sealedCredentials'>;

export type EcfCertificateColumns = Pick<
  EcfSettingsRow,
  'subject' | 'commonName' | 'taxId' | 'issuer' | 'serialNumber' | 'notBefore' | 'notAfter'
>;

export interface ActivityEntry {
  action: string;
  actor: string;
  details: Record<string, unknown>;
}

const summaryColumns = {
  id: ecfSettings.id,
  environment: ecfSettings.environment,
  subject: ecfSettings.subject,
  commonName: ecfSettings.commonName,
  taxId: ecfSettings.taxId,
  issuer: ecfSettings.issuer,
  serialNumber: ecfSettings.serialNumber,
  notBefore: ecfSettings.notBefore,
  notAfter: ecfSettings.notAfter,
  updatedAt: ecfSettings.updatedAt,
  updatedBy: ecfSettings.updatedBy,
};

export async function getEcfSettingsSummary(db: TenantDb): Promise<EcfSettingsSummary | null> {
  const [row] = await db.select(summaryColumns).from(ecfSettings).where(eq(ecfSettings.id, 1));
  return row ?? null;
}

/** The settings page's summary and the company's RNC, in one statement. */
export async function getEcfSettingsAndTaxId(
  db: TenantDb,
): Promise<{ settings: EcfSettingsSummary | null; companyTaxId: string | null }> {
  const [row] = await db
    .select({ settings: summaryColumns, companyTaxId: company.rnc })
    .from(company)
    .leftJoin(ecfSettings, eq(ecfSettings.id, 1))
    .where(eq(company.id, 1));
  return { settings: row?.settings ?? null, companyTaxId: row?.companyTaxId ?? null };
}

export async function getEcfSettingsRow(db: TenantDb): Promise<EcfSettingsRow | null> {
  const [row] = await db.select().from(ecfSettings).where(eq(ecfSettings.id, 1));
  return row ?? null;
}

export async function getCompanyTaxId(db: TenantDb): Promise<string | null> {
  const [row] = await db.select({ rnc: company.rnc }).from(company).where(eq(company.id, 1));
  return row?.rnc ?? null;
}

/** Stores a new certificate (and environment) and its activity entries in one batch. */
export async function saveEcfCertificate(
  db: TenantDb,
  values: EcfCertificateColumns & { environment: EcfEnvironment; sealedCredentials: string; updatedBy: string },
  activity: ActivityEntry[],
): Promise<void> {
  const row = { ...values, id: 1, updatedAt: new Date() };
  const upsert = db
    .insert(ecfSettings)
    .values(row)
    .onConflictDoUpdate({ target: ecfSettings.id, set: { ...values, updatedAt: row.updatedAt } });
  await db.batch([upsert, ...activity.map((entry) => db.insert(auditLog).values(entry))]);
}

/** Changes the environment of a configured shop; false when there is no row to change. */
export async function saveEcfEnvironment(
  db: TenantDb,
  environment: EcfEnvironment,
  updatedBy: string,
  activity: ActivityEntry[],
): Promise<boolean> {
  const update = db
    .update(ecfSettings)
    .set({ environment, updatedBy, updatedAt: new Date() })
    .where(eq(ecfSettings.id, 1))
    .returning({ id: ecfSettings.id });
  const [updated] = await db.batch([update, ...activity.map((entry) => db.insert(auditLog).values(entry))]);
  return updated.length > 0;
}
