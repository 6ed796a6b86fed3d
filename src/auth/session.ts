import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Role } from '../db/tenant-schema';
import type { Permission } from './permissions';
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
  /** A custom role's permission list (it replaces the base role's column of the matrix); null without one. */
  permissions?: readonly Permission[] | null;
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

/**
 * What the database says of a session (the jsonb `session_check` returns): what the claims cookie
 * carries, signed, and what the check compares them with.
 */
export interface SessionState {
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** The custom role's permissions, read in the same query: editing the role makes the claims stale. */
  permissions: Permission[] | null;
  branchId: string | null;
  impersonatedBy: string | null;
  shopName: string | null;
  logoKey: string | null;
  branches: BranchRef[];
}

const checkSql = 'SELECT session_check($1, $2::jsonb, $3, $4) AS state';

/**
 * The session check as a statement: with claims it raises (SQLSTATE `sessionRefusals`) when the
 * session ended or the claims are stale, and touches last_seen_at when due.
 */
export function sessionCheckStatement(idHash: string, claims: SessionState | null) {
  return {
    query: checkSql,
    params: [
      idHash,
      claims ? JSON.stringify(claims) : null,
      sessionPolicy.idleMinutes,
      sessionPolicy.touchEveryMinutes,
    ] as unknown[],
  };
}

/** The SQLSTATEs `session_check` raises when it is given claims. */
export const sessionRefusals = { ended: 'OFS01', stale: 'OFS02' } as const;

export function sessionFromState(sessionHash: string, state: SessionState): SessionUser {
  const branches = state.branches;
  return {
    sessionHash,
    id: state.userId,
    email: state.email,
    name: state.name,
    role: state.role,
    permissions: state.permissions ?? null,
    shopName: state.shopName ?? '',
    logoKey: state.logoKey,
    branches,
    branch: branches.find((candidate) => candidate.id === state.branchId) ?? branches[0] ?? null,
    impersonatedBy: state.impersonatedBy,
    needsTouch: false,
  };
}

/**
 * The signed-in user for a session token (and the state its claims cookie may carry), or null when
 * it is unknown, expired, idle or disabled. One statement, which also touches last_seen_at when due.
 */
export async function loadSession(
  db: TenantDb,
  token: string,
): Promise<{ session: SessionUser; state: SessionState } | null> {
  const idHash = await sha256Hex(token);
  const result = await db.execute<{ state: SessionState | null }>(
    sql`SELECT session_check(${idHash}, NULL, ${sessionPolicy.idleMinutes}, ${sessionPolicy.touchEveryMinutes}) AS state`,
  );
  const state = result.rows[0]?.state ?? null;
  return state ? { session: sessionFromState(idHash, state), state } : null;
}

/** One trivial statement: what a pending session check rides on when the request has no query of its own. */
export async function pingDatabase(db: TenantDb): Promise<void> {
  await db.execute(sql`SELECT 1`);
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
