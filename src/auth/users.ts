import { and, eq, gt, sql } from 'drizzle-orm';
import { userBranches, users, userTokens, type Role } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { randomToken, sha256Hex } from './crypto';
import { hashPassword } from './password';
import type { ThrottleLimits } from './throttle';

export const linkPolicy = {
  /** A set-password link for a new owner or an invited colleague. */
  validHours: 72,
};

export const loginThrottle: ThrottleLimits = {
  windowMinutes: 15,
  maxPerAccountAndAddress: 5,
  maxPerAccount: 10,
  maxPerAddress: 30,
};

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: TenantDb, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .limit(1);
  return user ?? null;
}

/**
 * Creates a user who has no password yet (or finds the one with that email) and a one-time,
 * expiring set-password link. Only the token's hash is stored; the token itself is returned once.
 */
export async function issuePasswordLink(
  db: TenantDb,
  values: {
    email: string;
    name: string;
    role: Role;
    createdBy?: string | null;
    branchIds?: string[];
    purpose?: 'set_password' | 'invitation';
  },
): Promise<{ userId: string; token: string; expiresAt: Date }> {
  const email = normalizeEmail(values.email);
  const token = randomToken();
  const expiresAt = new Date(Date.now() + linkPolicy.validHours * 3600_000);
  const [user] = await db
    .insert(users)
    .values({ email, name: values.name, role: values.role })
    .onConflictDoUpdate({ target: users.email, set: { updatedAt: sql`now()` } })
    .returning({ id: users.id });
  const userId = user!.id;
  await db.batch([
    db.insert(userTokens).values({
      userId,
      tokenHash: await sha256Hex(token),
      purpose: values.purpose ?? 'set_password',
      expiresAt,
      createdBy: values.createdBy ?? null,
    }),
    ...(values.branchIds?.length
      ? [
          db
            .insert(userBranches)
            .values(values.branchIds.map((branchId) => ({ userId, branchId })))
            .onConflictDoNothing(),
        ]
      : []),
  ]);
  return { userId, token, expiresAt };
}

/** The account a still-valid link belongs to, or null. Does not use the link up. */
export async function peekPasswordLink(db: TenantDb, token: string) {
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, status: users.status })
    .from(userTokens)
    .innerJoin(users, eq(users.id, userTokens.userId))
    .where(
      and(
        eq(userTokens.tokenHash, await sha256Hex(token)),
        sql`${userTokens.usedAt} is null`,
        gt(userTokens.expiresAt, sql`now()`),
      ),
    )
    .limit(1);
  return row && row.status !== 'disabled' ? row : null;
}

/**
 * Uses the link up and sets the password in one statement: a link works exactly once, even when
 * two requests race with it. Returns the user id, or null for an unknown, used or expired link.
 */
export async function redeemPasswordLink(db: TenantDb, token: string, password: string): Promise<string | null> {
  const tokenHash = await sha256Hex(token);
  const passwordHash = await hashPassword(password);
  const result = await db.execute<{ id: string }>(sql`
    WITH redeemed AS (
      UPDATE user_tokens SET used_at = now()
       WHERE token_hash = ${tokenHash} AND used_at IS NULL AND expires_at > now()
      RETURNING user_id)
    UPDATE users SET password_hash = ${passwordHash}, status = 'active', password_changed_at = now(), updated_at = now()
      FROM redeemed
     WHERE users.id = redeemed.user_id AND users.status <> 'disabled'
    RETURNING users.id`);
  return result.rows[0]?.id ?? null;
}

export async function setPassword(db: TenantDb, userId: string, password: string): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), passwordChangedAt: sql`now()`, updatedAt: sql`now()` })
    .where(eq(users.id, userId));
}

export async function markLoggedIn(db: TenantDb, userId: string): Promise<void> {
  await db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, userId));
}
