/**
 * Support access (impersonation): an admin opens a shop as its owner with a signed, single-use token
 * valid 60 seconds. The browser carries `base64url(json {t, n, e}) . base64url(HMAC-SHA256)`; the
 * central database keeps only the SHA-256 of the nonce, so a token is consumed exactly once.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { domains, impersonationTokens, platformAdmins } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
import { auditLog, users } from '../../db/tenant-schema';
import { recordAdminAudit } from './audit';
import { supportActor } from '../../queries/audit';
import type { TenantDb } from '../../db/client';
import { base64url, fromBase64url, randomToken, sha256Hex, timingSafeEqual } from '../../auth/crypto';
import { base64ToBytes } from '../../tenancy/crypto';
import { tenantDb } from '../../db/client';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { tenantConnection } from '../../tenancy/lifecycle';
import { getTenantRow } from '../../tenancy/provisioning';
import { assertActor, type PlatformContext } from './context';

export const impersonationTtlSeconds = 60;

/** A support session ends after this, used or not (a shop's own sessions last a working day). */
export const supportSessionMinutes = 60;

/** HKDF info label: the signing key is derived for this purpose only, never the raw AES key. */
const keyPurpose = 'optiflow:impersonation-token:v1';

export interface ImpersonationPayload {
  /** Tenant id. */
  t: string;
  /** Random nonce; its SHA-256 is the row's token_hash. */
  n: string;
  /** Expiry, Unix seconds. */
  e: number;
}

/** An HMAC-SHA256 key derived with HKDF from ENCRYPTION_KEY (32 bytes, base64). */
export async function impersonationSigningKey(encryptionKeyBase64: string): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey('raw', base64ToBytes(encryptionKeyBase64), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode(keyPurpose) },
    master,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
}

async function signature(key: CryptoKey, encodedPayload: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(encodedPayload)));
}

/**
 * Records a single-use token for (admin, tenant) and returns the signed string for the browser.
 * `ttlSeconds` is 60 in the panel; tests pass a negative one to get an expired token.
 */
export async function issueImpersonationToken(
  central: CentralDb,
  key: CryptoKey,
  values: { adminId: string; tenantId: string; ttlSeconds?: number },
): Promise<{ token: string; expiresAt: Date }> {
  const nonce = randomToken();
  const expiry = Math.floor(Date.now() / 1000) + (values.ttlSeconds ?? impersonationTtlSeconds);
  const expiresAt = new Date(expiry * 1000);
  await central
    .insert(impersonationTokens)
    .values({ tokenHash: await sha256Hex(nonce), adminId: values.adminId, tenantId: values.tenantId, expiresAt });
  const payload: ImpersonationPayload = { t: values.tenantId, n: nonce, e: expiry };
  const encoded = base64url(new TextEncoder().encode(JSON.stringify(payload)));
  return { token: `${encoded}.${base64url(await signature(key, encoded))}`, expiresAt };
}

function decodePart(part: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    return fromBase64url(part);
  } catch {
    return null;
  }
}

/**
 * The payload of a token whose signature is right, that has not expired and that names `tenantId`;
 * null for anything else (malformed, forged, tampered, expired, another shop's).
 */
export async function verifyImpersonationToken(
  key: CryptoKey,
  token: string,
  tenantId: string,
): Promise<ImpersonationPayload | null> {
  if (token.length > 1000) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [encoded, sent] = parts as [string, string];
  const sentSignature = decodePart(sent);
  if (!sentSignature || !decodePart(encoded)) return null;
  if (!timingSafeEqual(await signature(key, encoded), sentSignature)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(fromBase64url(encoded)));
  } catch {
    return null;
  }
  if (!isPayload(payload)) return null;
  if (payload.e <= Math.floor(Date.now() / 1000)) return null;
  if (payload.t !== tenantId) return null;
  return payload;
}

function isPayload(value: unknown): value is ImpersonationPayload {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.t === 'string' &&
    typeof candidate.n === 'string' &&
    typeof candidate.e === 'number' &&
    Number.isInteger(candidate.e)
  );
}

/**
 * Marks the token used, atomically: only one request can win, and only before it expires and for
 * its own tenant. Returns the admin who issued it (when still active), or null.
 */
export async function consumeImpersonationToken(
  central: CentralDb,
  payload: ImpersonationPayload,
): Promise<{ id: string; email: string } | null> {
  const tokenHash = await sha256Hex(payload.n);
  const [used] = await central
    .update(impersonationTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(impersonationTokens.tokenHash, tokenHash),
        sql`${impersonationTokens.usedAt} IS NULL`,
        sql`${impersonationTokens.expiresAt} > now()`,
        eq(impersonationTokens.tenantId, payload.t),
      ),
    )
    .returning({ adminId: impersonationTokens.adminId });
  if (!used) return null;
  const [admin] = await central
    .select({ id: platformAdmins.id, email: platformAdmins.email })
    .from(platformAdmins)
    .where(and(eq(platformAdmins.id, used.adminId), eq(platformAdmins.status, 'active')));
  return admin ?? null;
}

export async function adminByEmail(central: CentralDb, email: string): Promise<{ id: string; email: string } | null> {
  const [admin] = await central
    .select({ id: platformAdmins.id, email: platformAdmins.email })
    .from(platformAdmins)
    .where(eq(platformAdmins.email, email));
  return admin ?? null;
}

/** The shop's first active owner (the oldest), whom support signs in as. */
export async function firstActiveOwner(db: TenantDb): Promise<{ id: string; email: string } | null> {
  const [owner] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(eq(users.role, 'owner'), eq(users.status, 'active')))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(1);
  return owner ?? null;
}

/** The host a tenant's first domain answers on: a label under the first central domain, or the custom host. */
export async function tenantPrimaryHost(
  central: CentralDb,
  tenantId: string,
  centralDomains: readonly string[],
): Promise<string | null> {
  const [domain] = await central
    .select({ hostname: domains.hostname })
    .from(domains)
    .where(eq(domains.tenantId, tenantId))
    .orderBy(asc(domains.createdAt), asc(domains.hostname))
    .limit(1);
  if (!domain) return null;
  return domain.hostname.includes('.') ? domain.hostname : `${domain.hostname}.${centralDomains[0]}`;
}

/** `scheme://host[:port]` with the scheme and port of the request being answered. */
export function originLike(requestUrl: string, host: string): string {
  const url = new URL(requestUrl);
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`;
}

/**
 * The admin behind a support session, while still active: checked on every request of a support
 * session (one indexed central query, only for those sessions), so disabling the admin ends it at once.
 */
export async function activeSupportAdmin(
  central: CentralDb,
  email: string,
): Promise<{ id: string; email: string } | null> {
  const [admin] = await central
    .select({ id: platformAdmins.id, email: platformAdmins.email })
    .from(platformAdmins)
    .where(and(eq(platformAdmins.email, email), eq(platformAdmins.status, 'active')));
  return admin ?? null;
}

/**
 * Ends a support session and revokes, in the same statement, what could have been made with it:
 * the API tokens and share links of its user created since the session began.
 */
export async function endSupportSession(db: TenantDb, sessionHash: string): Promise<void> {
  await db.execute(sql`
    WITH ended AS (DELETE FROM sessions WHERE id_hash = ${sessionHash} AND impersonated_by IS NOT NULL RETURNING user_id, created_at),
    tokens AS (
      UPDATE api_tokens t SET revoked_at = now() FROM ended
       WHERE t.user_id = ended.user_id AND t.created_at >= ended.created_at AND t.revoked_at IS NULL),
    links AS (
      UPDATE share_links l SET revoked_at = now() FROM ended
       WHERE l.created_by = ended.user_id AND l.created_at >= ended.created_at AND l.revoked_at IS NULL)
    SELECT count(*) FROM ended`);
}

/** One state-changing request of a support session, in the shop's audit log and the central one. */
export async function recordSupportRequest(
  db: TenantDb,
  central: CentralDb,
  entry: {
    admin: { id: string; email: string };
    tenantId: string;
    userEmail: string;
    method: string;
    path: string;
    status: number;
  },
): Promise<void> {
  const details = { method: entry.method, path: entry.path, status: entry.status, userEmail: entry.userEmail };
  await Promise.all([
    db.insert(auditLog).values({
      action: 'support.request',
      actor: supportActor(entry.admin.email),
      details: { adminEmail: entry.admin.email, ...details },
    }),
    recordAdminAudit(central, {
      admin: entry.admin,
      action: 'tenant.impersonate.request',
      tenantId: entry.tenantId,
      details,
    }),
  ]);
}

/**
 * Support access from the panel: an active shop with a domain and an active owner, a single-use
 * token for the acting admin, and the audit line. The panel sends the browser with it to the shop's
 * host, where /support/enter consumes it.
 */
export async function startSupportSession(
  ctx: PlatformContext,
  tenantId: string,
): Promise<{ token: string; host: string; expiresAt: Date }> {
  assertActor(ctx);
  const { platform, actor } = ctx;
  if (actor.kind !== 'admin') throw new AppError('forbidden');
  const row = await getTenantRow(platform, tenantId);
  if (!row) throw new AppError('not_found');
  if (row.status !== 'active') throw new AppError('conflict', t('support.error.notActive', { status: row.status }));
  const host = await tenantPrimaryHost(platform.central, tenantId, platform.config.centralDomains);
  if (!host) throw new AppError('conflict', t('support.error.noDomain'));
  const { connectionString } = await tenantConnection(platform, tenantId);
  const owner = await firstActiveOwner(tenantDb(connectionString));
  if (!owner)
    throw new AppError('conflict', t('support.error.noOwner'), null, {
      href: `/admin/tenants/${tenantId}#tenant-owner`,
      label: t('adminTenants.owner.invite'),
    });
  const key = await impersonationSigningKey(ctx.env.ENCRYPTION_KEY);
  const { token, expiresAt } = await issueImpersonationToken(platform.central, key, { adminId: actor.id, tenantId });
  await recordAdminAudit(platform.central, {
    admin: { id: actor.id, email: actor.email },
    action: 'tenant.impersonate',
    tenantId,
    details: { ownerEmail: owner.email, host, expiresAt: expiresAt.toISOString() },
  });
  return { token, host, expiresAt };
}
