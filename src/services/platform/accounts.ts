/**
 * Platform admin accounts: invitations with one-time set-password links, login throttling, TOTP
 * secrets (encrypted) and the central audit log as the panel reads it.
 */
import { and, desc, eq, lt, ne, sql } from 'drizzle-orm';
import { randomToken, sha256Hex } from '../../auth/crypto';
import { hashPassword, verifyPassword } from '../../auth/password';
import { markAttemptSucceeded, reserveLoginAttempt, type ThrottleLimits } from '../../auth/throttle';
import { loginThrottle } from '../../auth/users';
import { adminAuditLog, adminSessions, adminTokens, platformAdmins, tenants } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { decryptSecret, encryptSecret } from '../../tenancy/crypto';
import { recordPlatformAudit } from './audit';
import { actingAdmin, assertActor, type PlatformContext } from './context';
import { generateTotpSecret, matchTotp } from './totp';

export const adminAccountPolicy = {
  /** A set-password link printed by `admins:create`. */
  linkValidHours: 72,
  passwordMinLength: 12,
  passwordMaxLength: 200,
};

/** The same limits as a shop's login: 5 failures per account and address, 10 per account, 30 per address, in 15 minutes. */
export const adminLoginThrottle = loginThrottle;

/**
 * Wrong TOTP codes per admin account (not per session: signing in again does not restart the
 * count), reserved atomically like password checks. After that, the half-signed-in session ends.
 */
export const adminTotpThrottle: ThrottleLimits = {
  windowMinutes: 15,
  maxPerAccountAndAddress: 5,
  maxPerAccount: 5,
  maxPerAddress: 30,
};

/** The throttle's account key for an admin's TOTP codes; never a valid email, so never a login account. */
export function totpThrottleAccount(adminId: string): string {
  return `totp:${adminId}`;
}

export type PlatformAdmin = typeof platformAdmins.$inferSelect;

export function normalizeAdminEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findAdminByEmail(central: CentralDb, email: string): Promise<PlatformAdmin | null> {
  const [admin] = await central
    .select()
    .from(platformAdmins)
    .where(eq(platformAdmins.email, normalizeAdminEmail(email)))
    .limit(1);
  return admin ?? null;
}

export async function findAdminById(central: CentralDb, id: string): Promise<PlatformAdmin | null> {
  const [admin] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, id)).limit(1);
  return admin ?? null;
}

export async function listAdmins(central: CentralDb): Promise<Array<{ id: string; email: string; name: string }>> {
  return central
    .select({ id: platformAdmins.id, email: platformAdmins.email, name: platformAdmins.name })
    .from(platformAdmins)
    .orderBy(platformAdmins.email);
}

/**
 * Creates an invited admin (no password) and a one-time set-password link; only the token's
 * SHA-256 is stored, the token is returned once. An existing email is a conflict.
 */
export async function inviteAdmin(
  central: CentralDb,
  values: { email: string; name: string },
): Promise<{ admin: PlatformAdmin; token: string; expiresAt: Date }> {
  const email = normalizeAdminEmail(values.email);
  const [admin] = await central
    .insert(platformAdmins)
    .values({ email, name: values.name.trim() || email })
    .onConflictDoNothing()
    .returning();
  if (!admin) throw new AppError('conflict', `An admin with the email "${email}" already exists`);
  const { token, expiresAt } = await issueAdminPasswordLink(central, admin.id);
  return { admin, token, expiresAt };
}

/** Invites a platform admin (the CLI's admins:create), with its audit line; the link's token is returned once. */
export async function createAdmin(
  ctx: PlatformContext,
  values: { email: string; name: string },
): Promise<{ admin: PlatformAdmin; token: string; expiresAt: Date }> {
  assertActor(ctx);
  const invited = await inviteAdmin(ctx.platform.central, values);
  await recordPlatformAudit(ctx, { action: 'admin.invited', details: { email: invited.admin.email } });
  return invited;
}

export async function issueAdminPasswordLink(
  central: CentralDb,
  adminId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + adminAccountPolicy.linkValidHours * 3600_000);
  await central
    .insert(adminTokens)
    .values({ adminId, tokenHash: await sha256Hex(token), purpose: 'set_password', expiresAt });
  return { token, expiresAt };
}

/** The admin a still-valid, unused link belongs to, or null. Does not use the link up. */
export async function peekAdminPasswordLink(
  central: CentralDb,
  token: string,
): Promise<{ adminId: string; email: string } | null> {
  const [row] = await central
    .select({ adminId: platformAdmins.id, email: platformAdmins.email, status: platformAdmins.status })
    .from(adminTokens)
    .innerJoin(platformAdmins, eq(platformAdmins.id, adminTokens.adminId))
    .where(
      and(
        eq(adminTokens.tokenHash, await sha256Hex(token)),
        sql`${adminTokens.usedAt} IS NULL`,
        sql`${adminTokens.expiresAt} > now()`,
      ),
    )
    .limit(1);
  return row && row.status !== 'disabled' ? { adminId: row.adminId, email: row.email } : null;
}

/**
 * Uses the link up and sets the password in one statement (a link works once, even when two
 * requests race), activates the admin and ends any session. Null for an unknown, used or expired link.
 */
export async function redeemAdminPasswordLink(
  central: CentralDb,
  token: string,
  password: string,
): Promise<{ id: string; email: string } | null> {
  const tokenHash = await sha256Hex(token);
  const passwordHash = await hashPassword(password);
  const result = await central.execute<{ id: string; email: string }>(sql`
    WITH redeemed AS (
      UPDATE admin_tokens SET used_at = now()
       WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > now()
      RETURNING admin_id)
    UPDATE platform_admins SET password_hash = ${passwordHash}, status = 'active', updated_at = now()
      FROM redeemed
     WHERE platform_admins.id = redeemed.admin_id AND platform_admins.status <> 'disabled'
    RETURNING platform_admins.id, platform_admins.email`);
  const admin = result.rows[0];
  if (admin) await central.delete(adminSessions).where(eq(adminSessions.adminId, admin.id));
  return admin ?? null;
}

export async function setAdminPassword(central: CentralDb, adminId: string, password: string): Promise<void> {
  await central
    .update(platformAdmins)
    .set({ passwordHash: await hashPassword(password), updatedAt: sql`now()` })
    .where(eq(platformAdmins.id, adminId));
}

/** Ends the admin's sessions, except the one given (the one changing the password). */
export async function revokeOtherAdminSessions(
  central: CentralDb,
  adminId: string,
  keepSessionHash: string,
): Promise<void> {
  await central
    .delete(adminSessions)
    .where(and(eq(adminSessions.adminId, adminId), ne(adminSessions.idHash, keepSessionHash)));
}

export async function markAdminLoggedIn(central: CentralDb, adminId: string): Promise<void> {
  await central.update(platformAdmins).set({ lastLoginAt: sql`now()` }).where(eq(platformAdmins.id, adminId));
}

// TOTP secrets: AES-GCM with ENCRYPTION_KEY, the admin id bound as additional data.

function totpAdditionalData(adminId: string): string {
  return `admin-totp:${adminId}`;
}

/** Stores a new, not yet confirmed secret (replacing an unconfirmed one); refused once TOTP is on. */
export async function storePendingTotpSecret(
  central: CentralDb,
  key: CryptoKey,
  adminId: string,
  secret: string,
): Promise<boolean> {
  const sealed = await encryptSecret(key, secret, totpAdditionalData(adminId));
  const updated = await central
    .update(platformAdmins)
    .set({ totpSecret: sealed, totpLastStep: null, updatedAt: sql`now()` })
    .where(and(eq(platformAdmins.id, adminId), sql`${platformAdmins.totpEnabledAt} IS NULL`))
    .returning({ id: platformAdmins.id });
  return updated.length > 0;
}

export async function readTotpSecret(
  key: CryptoKey,
  admin: Pick<PlatformAdmin, 'id' | 'totpSecret'>,
): Promise<string | null> {
  return admin.totpSecret ? decryptSecret(key, admin.totpSecret, totpAdditionalData(admin.id)) : null;
}

/**
 * Records a matched time step as used, only if it is later than the last one used: of two
 * requests with the same code, one wins.
 */
export async function consumeTotpStep(central: CentralDb, adminId: string, step: number): Promise<boolean> {
  const updated = await central
    .update(platformAdmins)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(platformAdmins.id, adminId),
        sql`(${platformAdmins.totpLastStep} IS NULL OR ${platformAdmins.totpLastStep} < ${step})`,
      ),
    )
    .returning({ id: platformAdmins.id });
  return updated.length > 0;
}

export async function enableTotp(central: CentralDb, adminId: string, step: number): Promise<boolean> {
  const updated = await central
    .update(platformAdmins)
    .set({ totpEnabledAt: sql`now()`, totpLastStep: step, updatedAt: sql`now()` })
    .where(
      and(
        eq(platformAdmins.id, adminId),
        sql`${platformAdmins.totpEnabledAt} IS NULL`,
        sql`${platformAdmins.totpSecret} IS NOT NULL`,
      ),
    )
    .returning({ id: platformAdmins.id });
  return updated.length > 0;
}

export async function disableTotp(central: CentralDb, adminId: string): Promise<void> {
  await central
    .update(platformAdmins)
    .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: sql`now()` })
    .where(eq(platformAdmins.id, adminId));
}

// The panel's reading of the central data.

export async function tenantCountsByStatus(central: CentralDb): Promise<Record<string, number>> {
  const rows = await central
    .select({ status: tenants.status, count: sql<number>`count(*)::int` })
    .from(tenants)
    .groupBy(tenants.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export interface AuditFilter {
  tenantId?: string | null;
  adminId?: string | null;
  /** Keyset cursor: lines older than this id. */
  before?: number | null;
  limit?: number;
}

export type AuditLine = typeof adminAuditLog.$inferSelect;

/** Newest first, keyset-paginated on the id; `next` is the cursor of the following page or null. */
export async function listAdminAudit(
  central: CentralDb,
  filter: AuditFilter = {},
): Promise<{ lines: AuditLine[]; next: number | null }> {
  const limit = filter.limit ?? 50;
  const conditions = [
    filter.tenantId ? eq(adminAuditLog.tenantId, filter.tenantId) : undefined,
    filter.adminId ? eq(adminAuditLog.adminId, filter.adminId) : undefined,
    filter.before ? lt(adminAuditLog.id, filter.before) : undefined,
  ].filter((condition) => condition !== undefined);
  const rows = await central
    .select()
    .from(adminAuditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(adminAuditLog.id))
    .limit(limit + 1);
  const lines = rows.slice(0, limit);
  return { lines, next: rows.length > limit ? lines[lines.length - 1]!.id : null };
}

// The signed-in admin's own account (the panel's account page).

function refused(field: string, message: string): AppError {
  return new AppError('validation', message, { [field]: message });
}

/** Changes the acting admin's password (the current one checked) and ends their other sessions. */
export async function changeAdminPassword(
  ctx: PlatformContext,
  values: { current: string; password: string },
): Promise<void> {
  const actor = actingAdmin(ctx);
  const { central } = ctx.platform;
  const admin = await findAdminById(central, actor.id);
  if (!admin || !(await verifyPassword(values.current, admin.passwordHash)))
    throw refused('current', t('admin.account.wrongPassword'));
  await setAdminPassword(central, actor.id, values.password);
  await revokeOtherAdminSessions(central, actor.id, actor.sessionHash);
  await recordPlatformAudit(ctx, { action: 'admin.password_changed' });
}

/** Stores a new secret to enrol an authenticator (a conflict once TOTP is on). */
export async function startTotpSetup(ctx: PlatformContext): Promise<void> {
  const actor = actingAdmin(ctx);
  const { central, encryptionKey } = ctx.platform;
  if (!(await storePendingTotpSecret(central, encryptionKey, actor.id, generateTotpSecret())))
    throw new AppError('conflict', t('admin.account.totpAlready'));
  await recordPlatformAudit(ctx, { action: 'admin.totp_setup_started' });
}

/** Turns TOTP on with a first right code from the enrolled authenticator. */
export async function enableAdminTotp(ctx: PlatformContext, code: string): Promise<void> {
  const actor = actingAdmin(ctx);
  const { central, encryptionKey } = ctx.platform;
  const admin = await findAdminById(central, actor.id);
  if (!admin || admin.totpEnabledAt) throw new AppError('conflict', t('admin.account.totpAlready'));
  const secret = await readTotpSecret(encryptionKey, admin);
  const step = secret ? await matchTotp(secret, code, Date.now(), admin.totpLastStep) : null;
  if (step === null || !(await enableTotp(central, actor.id, step))) throw refused('code', t('admin.totp.wrong'));
  await recordPlatformAudit(ctx, { action: 'admin.totp_enabled' });
}

/**
 * Turns TOTP off with the password and a code, within the same per-account budget of codes as the
 * sign-in step (a stolen session cannot guess here instead): 429 once it is spent. False when TOTP
 * was not on.
 */
export async function disableAdminTotp(
  ctx: PlatformContext,
  values: { password: string; code: string; address: string },
): Promise<boolean> {
  const actor = actingAdmin(ctx);
  const { central, encryptionKey } = ctx.platform;
  const admin = await findAdminById(central, actor.id);
  if (!admin?.totpEnabledAt) return false;
  const throttleAccount = totpThrottleAccount(admin.id);
  const slot = await reserveLoginAttempt(central, throttleAccount, values.address, adminTotpThrottle);
  if (slot === null) {
    const message = t('admin.login.throttled', { minutes: adminTotpThrottle.windowMinutes });
    throw new AppError('too_many_requests', message, { code: message });
  }
  if (!(await verifyPassword(values.password, admin.passwordHash)))
    throw refused('password', t('admin.account.wrongPassword'));
  const secret = await readTotpSecret(encryptionKey, admin);
  const step = secret ? await matchTotp(secret, values.code, Date.now(), admin.totpLastStep) : null;
  if (step === null || !(await consumeTotpStep(central, admin.id, step))) throw refused('code', t('admin.totp.wrong'));
  await markAttemptSucceeded(central, 'admin_login_attempts', throttleAccount, slot);
  await disableTotp(central, admin.id);
  await recordPlatformAudit(ctx, { action: 'admin.totp_disabled' });
  return true;
}

/** The dashboard: tenants by status and the latest audit lines. */
export async function platformOverview(
  ctx: PlatformContext,
): Promise<{ counts: Record<string, number>; recent: AuditLine[] }> {
  const { central } = ctx.platform;
  const [counts, recent] = await Promise.all([tenantCountsByStatus(central), listAdminAudit(central, { limit: 10 })]);
  return { counts, recent: recent.lines };
}

/** One page of the central audit log (none for a filter that was refused: null), and the admins to filter by. */
export async function listAudit(
  ctx: PlatformContext,
  filter: AuditFilter | null,
): Promise<{ lines: AuditLine[]; next: number | null; admins: Array<{ id: string; email: string; name: string }> }> {
  const { central } = ctx.platform;
  const [page, admins] = await Promise.all([
    filter ? listAdminAudit(central, filter) : { lines: [], next: null },
    listAdmins(central),
  ]);
  return { ...page, admins };
}
