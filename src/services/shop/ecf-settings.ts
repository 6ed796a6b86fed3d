/**
 * The shop's e-CF settings: the DGII environment and the signing certificate. The certificate's
 * key and DER are sealed with the platform ENCRYPTION_KEY (AES-GCM) bound to this tenant, so a
 * sealed value copied into another shop's database does not open; the .p12 and its password are
 * never kept, and nothing here returns the key to a caller outside the e-CF code.
 */
import { can } from '../../auth/permissions';
import { type EcfEnvironment, ecfEnvironments } from '../../db/tenant-schema';
import { formatDate, shopToday } from '../../domain/dates';
import {
  CertificateError,
  type CertificateInfo,
  certificateErrorMessageKeys,
  loadCredentials,
  readP12,
  type SigningCredentials,
  type StoredCredentials,
  storeCredentials,
} from '../../ecf/certificate';
import { createDgiiClient } from '../../ecf/dgii/client';
import { DgiiError } from '../../ecf/dgii/errors';
import { seedSigner } from '../../ecf/dgii/signer';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import {
  type ActivityEntry,
  type EcfSettingsSummary,
  getCompanyTaxId,
  getEcfSettingsAndTaxId,
  getEcfSettingsRow,
  getEcfSettingsSummary,
  saveEcfCertificate,
  saveEcfEnvironment,
} from '../../queries/ecf-settings';
import { decryptSecret, encryptionKeyFor, encryptSecret } from '../../tenancy/crypto';
import type { ShopContext } from './context';

export type { EcfEnvironment } from '../../db/tenant-schema';
export { ecfEnvironments } from '../../db/tenant-schema';

/** A .p12 is a few KB; anything bigger is not one. The route stops reading the body past this (plus the form's envelope). */
export const maxCertificateBytes = 64 * 1024;

/** The warning starts this many days before the certificate expires. */
export const expiryWarningDays = 30;

export type CertificateStatus =
  | { state: 'valid'; daysLeft: number }
  | { state: 'expiring'; daysLeft: number }
  | { state: 'expired'; daysLeft: number };

export interface EcfSettingsView {
  settings: EcfSettingsSummary | null;
  status: CertificateStatus | null;
  companyTaxId: string | null;
}

export interface EcfSettingsInput {
  environment: string | null | undefined;
  /** The uploaded .p12, or null to change the environment only. */
  p12: Uint8Array | null;
  password: string | null | undefined;
}

export type EcfSaveResult = 'saved' | 'unchanged';

export type EcfConnectionResult =
  | { ok: true; environment: EcfEnvironment; message: string }
  | { ok: false; environment: EcfEnvironment | null; message: string };

const dayMs = 86_400_000;

function ensureManage(ctx: Pick<ShopContext, 'actor'>): void {
  if (!can(ctx.actor, 'ecf.manage')) throw new AppError('forbidden');
}

function validation(errors: Record<string, string>): AppError {
  return new AppError('validation', Object.values(errors)[0] ?? t('error.validation.title'), errors);
}

function isEnvironment(value: unknown): value is EcfEnvironment {
  return typeof value === 'string' && (ecfEnvironments as readonly string[]).includes(value);
}

export function certificateStatus(notAfter: Date, now: Date = new Date()): CertificateStatus {
  const remaining = notAfter.getTime() - now.getTime();
  const daysLeft = Math.max(0, Math.floor(remaining / dayMs));
  if (remaining <= 0) return { state: 'expired', daysLeft: 0 };
  if (remaining <= expiryWarningDays * dayMs) return { state: 'expiring', daysLeft };
  return { state: 'valid', daysLeft };
}

/** What the settings page shows; owner only. */
export async function getEcfSettings(ctx: ShopContext, now: Date = new Date()): Promise<EcfSettingsView> {
  ensureManage(ctx);
  const { settings, companyTaxId } = await getEcfSettingsAndTaxId(ctx.db);
  return { settings, status: settings ? certificateStatus(settings.notAfter, now) : null, companyTaxId };
}

/**
 * Saves the environment and, when a .p12 comes with it, the certificate: read with its password,
 * refused (422, field messages, nothing stored) when it is not a usable, current certificate of
 * the company's RNC. One activity entry per thing that changed, in the same batch as the change.
 */
export async function saveEcfSettings(ctx: ShopContext, input: EcfSettingsInput): Promise<EcfSaveResult> {
  ensureManage(ctx);
  const errors: Record<string, string> = {};
  if (!isEnvironment(input.environment)) errors.environment = t('ecf.error.environment');
  const hasFile = !!input.p12 && input.p12.byteLength > 0;
  const current = await getEcfSettingsSummary(ctx.db);
  if (!hasFile && !current) errors.certificate = t('ecf.error.fileMissing');
  if (hasFile && input.p12!.byteLength > maxCertificateBytes)
    errors.certificate = t('ecf.error.fileTooLarge', { size: maxCertificateBytes / 1024 });
  if (hasFile && !input.password) errors.password = t('ecf.error.passwordMissing');
  if (Object.keys(errors).length) throw validation(errors);
  const environment = input.environment as EcfEnvironment;
  const actor = actorLabel(ctx.actor);
  const environmentEntry = (from: EcfEnvironment | null): ActivityEntry[] =>
    from !== null && from !== environment
      ? [
          {
            action: 'ecf.environment.updated',
            actor,
            details: {
              previousEnvironment: from,
              environment,
              note: t('ecf.audit.environmentNote', { from, to: environment }),
            },
          },
        ]
      : [];

  if (!hasFile) {
    if (current!.environment === environment) return 'unchanged';
    await saveEcfEnvironment(ctx.db, environment, ctx.actor.id, environmentEntry(current!.environment));
    return 'saved';
  }

  const credentials = await readCertificate(input.p12!, input.password!);
  const { info } = credentials;
  await ensureCompanyCertificate(ctx, info);
  await saveEcfCertificate(
    ctx.db,
    { environment, ...(await sealedCertificate(ctx, credentials)), updatedBy: ctx.actor.id },
    [
      {
        action: 'ecf.certificate.updated',
        actor,
        details: {
          name: info.commonName ?? info.subject,
          taxId: info.taxId,
          serialNumber: info.serialNumber,
          notAfter: info.notAfter,
          previousSerialNumber: current?.serialNumber ?? null,
          environment,
        },
      },
      ...environmentEntry(current?.environment ?? null),
    ],
  );
  return 'saved';
}

async function readCertificate(p12: Uint8Array, password: string): Promise<SigningCredentials> {
  try {
    return await readP12(p12, password);
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    const date = error.info
      ? formatDay(error.code === 'certificate_not_yet_valid' ? error.info.notBefore : error.info.notAfter)
      : '';
    const message = t(certificateErrorMessageKeys[error.code], { date });
    throw validation(error.code === 'certificate_wrong_password' ? { password: message } : { certificate: message });
  }
}

/** The certificate must speak for the company: its RNC/cédula is the company's RNC (company settings). */
async function ensureCompanyCertificate(ctx: ShopContext, info: CertificateInfo): Promise<void> {
  if (!info.taxId) throw validation({ certificate: t('ecf.error.noTaxId') });
  const companyTaxId = (await getCompanyTaxId(ctx.db))?.replace(/\D/g, '') ?? '';
  if (!companyTaxId) throw validation({ certificate: t('ecf.error.companyRncMissing') });
  if (companyTaxId !== info.taxId)
    throw validation({ certificate: t('ecf.error.rncMismatch', { certificate: info.taxId, company: companyTaxId }) });
}

/** Associated data of the sealed credentials: the tenant, and what the secret is for. */
export function credentialsAssociatedData(tenantId: string): string {
  return `ecf-credentials:${tenantId}`;
}

/** The e-CF settings columns of a certificate: the credentials sealed for this shop, and what the page shows of them. */
export async function sealedCertificate(
  ctx: { env: Pick<ShopContext['env'], 'ENCRYPTION_KEY'>; tenant: { id: string } },
  credentials: SigningCredentials,
) {
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  const { info } = credentials;
  return {
    sealedCredentials: await encryptSecret(
      key,
      JSON.stringify(storeCredentials(credentials)),
      credentialsAssociatedData(ctx.tenant.id),
    ),
    subject: info.subject,
    commonName: info.commonName,
    taxId: info.taxId!,
    issuer: info.issuer,
    serialNumber: info.serialNumber,
    notBefore: new Date(info.notBefore),
    notAfter: new Date(info.notAfter),
  };
}

/**
 * The shop's signing credentials for the e-CF code (issuing, the queue consumer, DGII
 * authentication): decrypted, or null when the shop has no certificate. No permission check: the
 * people who issue invoices sign with the shop's certificate without being able to see or change it.
 */
export async function loadSigningCredentials(
  ctx: Pick<ShopContext, 'db' | 'env' | 'tenant'>,
): Promise<{ environment: EcfEnvironment; credentials: SigningCredentials } | null> {
  const row = await getEcfSettingsRow(ctx.db);
  if (!row) return null;
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  const json = await decryptSecret(key, row.sealedCredentials, credentialsAssociatedData(ctx.tenant.id));
  return { environment: row.environment, credentials: loadCredentials(JSON.parse(json) as StoredCredentials) };
}

/** "Probar conexión": DGII's seed authentication with the stored certificate in the stored environment. */
export async function testEcfConnection(ctx: ShopContext): Promise<EcfConnectionResult> {
  ensureManage(ctx);
  let loaded: Awaited<ReturnType<typeof loadSigningCredentials>>;
  try {
    loaded = await loadSigningCredentials(ctx);
  } catch {
    // Sealed under another platform key or for another shop: only a new upload mends it.
    return { ok: false, environment: null, message: t('ecf.test.unreadable') };
  }
  if (!loaded) return { ok: false, environment: null, message: t('ecf.test.notConfigured') };
  const { environment, credentials } = loaded;
  const label = t(`ecf.environment.${environment}`);
  const client = createDgiiClient({
    environment,
    baseUrl: ctx.env.DGII_BASE_URL,
    cache: ctx.cache,
    signer: seedSigner(credentials),
    timeoutMs: connectionTestTimeoutMs,
  });
  try {
    await client.authenticate();
    return { ok: true, environment, message: t('ecf.test.ok', { environment: label }) };
  } catch (error) {
    if (!(error instanceof DgiiError)) throw error;
    if (error.kind === 'unauthorized')
      return { ok: false, environment, message: t('ecf.test.unauthorized', { environment: label }) };
    if (error.kind === 'rejected')
      return {
        ok: false,
        environment,
        message: t('ecf.test.rejected', { environment: label, message: dgiiWords(error) }),
      };
    return {
      ok: false,
      environment,
      message: `${t('ecf.test.unreachable', { environment: label })} ${unreachableDetail(error)}`,
    };
  }
}

const connectionTestTimeoutMs = 15_000;

/** Why DGII could not be reached, in Spanish (the client's own messages are for the logs). */
function unreachableDetail(error: DgiiError): string {
  if (error.status) return t('ecf.test.detail.status', { status: error.status });
  if (/no answer within/.test(error.message))
    return t('ecf.test.detail.timeout', { seconds: connectionTestTimeoutMs / 1000 });
  if (/cannot reach/.test(error.message)) return t('ecf.test.detail.network');
  return t('ecf.test.detail.answer');
}

/** DGII's own words from a refusal (its body's `error`/`mensaje`/`mensajes`), else the client's message. */
function dgiiWords(error: DgiiError): string {
  const body = error.body as Record<string, unknown> | string | null;
  if (body && typeof body === 'object') {
    const parts = [body.error, body.mensaje, body.message, body.title].filter(
      (part): part is string => typeof part === 'string' && part.trim() !== '',
    );
    if (Array.isArray(body.mensajes))
      for (const entry of body.mensajes)
        parts.push(typeof entry === 'string' ? entry : String((entry as { valor?: unknown }).valor ?? ''));
    const words = [...new Set(parts.filter(Boolean))].join(' — ');
    if (words) return words;
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return error.message.replace(/^[^:]+:\s*/, '');
}

/** dd/mm/aaaa of a moment, in the shop's time zone. */
export function formatDay(moment: Date | string): string {
  return formatDate(shopToday(new Date(moment)));
}
