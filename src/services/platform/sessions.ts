/**
 * Platform admin sessions on the central domain: the same design as a shop's (src/auth/session.ts)
 * in the central database, shorter-lived, and with a second step when the admin has TOTP enabled
 * (`verified_at` stays null until the code is given; such a session opens nothing but that form).
 */
import { and, eq, sql } from 'drizzle-orm';
import { adminSessions, platformAdmins } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
import { randomToken, sha256Hex } from '../../auth/crypto';

export const adminSessionPolicy = {
  idleMinutes: 60,
  absoluteHours: 8,
  touchEveryMinutes: 5,
};

export interface AdminSession {
  sessionHash: string;
  id: string;
  email: string;
  name: string;
  totpEnabled: boolean;
  /** False while the TOTP code is still owed. */
  verified: boolean;
  needsTouch: boolean;
}

export async function createAdminSession(
  central: CentralDb,
  values: { adminId: string; verified: boolean; userAgent?: string | null; ipAddress?: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + adminSessionPolicy.absoluteHours * 3600_000);
  await central.insert(adminSessions).values({
    idHash: await sha256Hex(token),
    adminId: values.adminId,
    expiresAt,
    verifiedAt: values.verified ? sql`now()` : null,
    userAgent: values.userAgent?.slice(0, 300) ?? null,
    ipAddress: values.ipAddress ?? null,
  });
  return { token, expiresAt };
}

/** The admin of a session token, or null when unknown, expired, idle or the admin is not active. */
export async function loadAdminSession(central: CentralDb, token: string): Promise<AdminSession | null> {
  const idHash = await sha256Hex(token);
  const [row] = await central
    .select({
      sessionHash: adminSessions.idHash,
      id: platformAdmins.id,
      email: platformAdmins.email,
      name: platformAdmins.name,
      totpEnabled: sql<boolean>`${platformAdmins.totpEnabledAt} IS NOT NULL`,
      verified: sql<boolean>`${adminSessions.verifiedAt} IS NOT NULL`,
      needsTouch: sql<boolean>`${adminSessions.lastSeenAt} < now() - make_interval(mins => ${adminSessionPolicy.touchEveryMinutes})`,
    })
    .from(adminSessions)
    .innerJoin(platformAdmins, eq(platformAdmins.id, adminSessions.adminId))
    .where(
      and(
        eq(adminSessions.idHash, idHash),
        sql`${adminSessions.expiresAt} > now()`,
        sql`${adminSessions.lastSeenAt} > now() - make_interval(mins => ${adminSessionPolicy.idleMinutes})`,
        eq(platformAdmins.status, 'active'),
      ),
    );
  return row ?? null;
}

export async function touchAdminSession(central: CentralDb, sessionHash: string): Promise<void> {
  await central.update(adminSessions).set({ lastSeenAt: sql`now()` }).where(eq(adminSessions.idHash, sessionHash));
}

export async function verifyAdminSession(central: CentralDb, sessionHash: string): Promise<void> {
  await central.update(adminSessions).set({ verifiedAt: sql`now()` }).where(eq(adminSessions.idHash, sessionHash));
}

export async function revokeAdminSession(central: CentralDb, sessionHash: string): Promise<void> {
  await central.delete(adminSessions).where(eq(adminSessions.idHash, sessionHash));
}
