import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Role } from '../db/tenant-schema';
import { loginAttempts, sessions, users } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { randomToken, sha256Hex } from './crypto';

export const sessionPolicy = {
  /** A session unused for this long ends (a shop's till left open over lunch stays signed in). */
  idleMinutes: 240,
  /** And every session ends after a working day, used or not. */
  absoluteHours: 12,
  /** last_seen_at is written at most this often, not on every request. */
  touchEveryMinutes: 5,
};

export interface BranchRef {
  id: string;
  name: string;
  code: string;
}

/** Who is signed in, with what the layout needs, loaded in one query. */
export interface SessionUser {
  sessionHash: string;
  id: string;
  email: string;
  name: string;
  role: Role;
  shopName: string;
  logoKey: string | null;
  /** Branches this user may work in (all active ones for owners and admins). */
  branches: BranchRef[];
  branch: BranchRef | null;
  impersonatedBy: string | null;
  needsTouch: boolean;
  /** Set when the request came with an API token instead of a browser session. */
  apiScope?: 'read' | 'read_write';
}

export async function createSession(
  db: TenantDb,
  values: {
    userId: string;
    branchId?: string | null;
    userAgent?: string | null;
    ipAddress?: string | null;
    impersonatedBy?: string | null;
    /** Shorter than the policy's absolute limit (support sessions). */
    lifetimeMinutes?: number;
  },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + (values.lifetimeMinutes ?? sessionPolicy.absoluteHours * 60) * 60_000);
  await db.insert(sessions).values({
    idHash: await sha256Hex(token),
    userId: values.userId,
    branchId: values.branchId ?? null,
    expiresAt,
    userAgent: values.userAgent?.slice(0, 300) ?? null,
    ipAddress: values.ipAddress ?? null,
    impersonatedBy: values.impersonatedBy ?? null,
  });
  return { token, expiresAt };
}

interface SessionRow extends Record<string, unknown> {
  id_hash: string;
  user_id: string;
  branch_id: string | null;
  email: string;
  name: string;
  role: Role;
  shop_name: string | null;
  logo_key: string | null;
  impersonated_by: string | null;
  needs_touch: boolean;
  branches: BranchRef[];
}

/** The signed-in user for a session token, or null when it is unknown, expired, idle or disabled. */
export async function loadSession(db: TenantDb, token: string): Promise<SessionUser | null> {
  const idHash = await sha256Hex(token);
  const result = await db.execute<SessionRow>(sql`
    SELECT s.id_hash, s.user_id, s.branch_id, s.impersonated_by,
           s.last_seen_at < now() - make_interval(mins => ${sessionPolicy.touchEveryMinutes}) AS needs_touch,
           u.email, u.name, u.role, c.name AS shop_name, c.logo_key,
           (SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name, 'code', b.code) ORDER BY b.name), '[]'::json)
              FROM branches b
             WHERE b.active AND (u.role IN ('owner', 'admin')
                   OR EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = u.id AND ub.branch_id = b.id))) AS branches
      FROM sessions s
      JOIN users u ON u.id = s.user_id
      LEFT JOIN company c ON c.id = 1
     WHERE s.id_hash = ${idHash}
       AND s.expires_at > now()
       AND s.last_seen_at > now() - make_interval(mins => ${sessionPolicy.idleMinutes})
       AND u.status = 'active'`);
  const row = result.rows[0];
  if (!row) return null;
  const branches = row.branches;
  const branch = branches.find((candidate) => candidate.id === row.branch_id) ?? branches[0] ?? null;
  return {
    sessionHash: row.id_hash,
    id: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    shopName: row.shop_name ?? '',
    logoKey: row.logo_key,
    branches,
    branch,
    impersonatedBy: row.impersonated_by,
    needsTouch: row.needs_touch,
  };
}

export async function touchSession(db: TenantDb, sessionHash: string): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.idHash, sessionHash));
}

export async function switchBranch(db: TenantDb, sessionHash: string, branchId: string): Promise<void> {
  await db.update(sessions).set({ branchId }).where(eq(sessions.idHash, sessionHash));
}

export async function revokeSession(db: TenantDb, sessionHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sessionHash));
}

/** Ends every session of a user at once (disabled account, password change elsewhere). */
export async function revokeUserSessions(db: TenantDb, userId: string, except?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(
      except ? and(eq(sessions.userId, userId), sql`${sessions.idHash} <> ${except}`) : eq(sessions.userId, userId),
    );
}

/**
 * Removes sessions past their absolute or idle limit and login attempts older than the throttle
 * window (neither can matter any more). Run by `npx optiflow tenants:run auth:prune`.
 */
export async function pruneAuthRecords(
  db: TenantDb,
  throttleWindowMinutes: number,
): Promise<{ sessions: number; attempts: number }> {
  const [expired, attempts] = await db.batch([
    db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, sql`now()`),
          lt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${sessionPolicy.idleMinutes})`),
        ),
      )
      .returning({ idHash: sessions.idHash }),
    db
      .delete(loginAttempts)
      .where(lt(loginAttempts.createdAt, sql`now() - make_interval(mins => ${throttleWindowMinutes})`))
      .returning({ id: loginAttempts.id }),
  ]);
  return { sessions: expired.length, attempts: attempts.length };
}

export function userById(db: TenantDb, userId: string) {
  return db.query.users.findFirst({ where: eq(users.id, userId) });
}
