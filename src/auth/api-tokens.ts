import { and, desc, eq, getTableColumns, isNull, sql } from 'drizzle-orm';
import { randomToken, sha256Hex } from './crypto';
import type { BranchRef, SessionUser } from './session';
import { apiTokens, users } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { activityEntry, changeWithActivity, type ActivityLog } from '../queries/audit';

/** `ofk_` marks an OptiFlow key (secret scanners can find leaked ones); the rest is 32 random bytes. */
const tokenPrefix = 'ofk_';

/** A new token (returned once; only its hash is kept); with `log`, its activity entry in the same transaction. */
export async function createApiToken(
  db: TenantDb,
  values: { name: string; scope: 'read' | 'read_write'; userId: string },
  log?: ActivityLog,
) {
  const token = tokenPrefix + randomToken();
  const insert = db
    .insert(apiTokens)
    .values({ ...values, prefix: token.slice(0, 12), tokenHash: await sha256Hex(token) })
    .returning({ id: apiTokens.id, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt });
  const [row] = log ? (await db.batch([insert, activityEntry(db, log.actor, log.action, log.extra)]))[0] : await insert;
  return { ...row!, token };
}

/** Live tokens with whose they are; only those of `userId` when given (everyone but the owner sees only their own). */
export function listApiTokens(db: TenantDb, filter: { userId?: string } = {}) {
  return db
    .select({ ...getTableColumns(apiTokens), userName: users.name, userEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(isNull(apiTokens.revokedAt), filter.userId ? eq(apiTokens.userId, filter.userId) : undefined))
    .orderBy(desc(apiTokens.createdAt));
}

export type ApiTokenRow = Awaited<ReturnType<typeof listApiTokens>>[number];

/**
 * Revokes a live token (only one of `userId` when given); false when there is no such token. With
 * `log`, its activity entry is written by the same statement, only when a token was revoked.
 */
export async function revokeApiToken(
  db: TenantDb,
  id: string,
  filter: { userId?: string } = {},
  log?: ActivityLog,
): Promise<boolean> {
  const update = db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.id, id),
        isNull(apiTokens.revokedAt),
        filter.userId ? eq(apiTokens.userId, filter.userId) : undefined,
      ),
    )
    .returning({ id: apiTokens.id });
  const rows = log ? await changeWithActivity(db, update, log, sql`'{}'::jsonb`) : await update;
  return rows.length > 0;
}

interface TokenRow extends Record<string, unknown> {
  token_id: string;
  scope: 'read' | 'read_write';
  stale: boolean;
  user_id: string;
  email: string;
  name: string;
  role: SessionUser['role'];
  permissions: SessionUser['permissions'];
  shop_name: string | null;
  branches: BranchRef[];
}

/**
 * The principal behind a bearer token, in one query: the token's user, acting with the user's
 * role, branches (the first is the default for writes) and the token's scope. Unknown, revoked, or a disabled user's tokens give null.
 */
export async function authenticateApiToken(
  db: TenantDb,
  token: string,
): Promise<(SessionUser & { tokenId: string; stale: boolean }) | null> {
  if (!token.startsWith(tokenPrefix)) return null;
  const result = await db.execute<TokenRow>(sql`
    SELECT t.id AS token_id, t.scope, coalesce(t.last_used_at < now() - interval '1 minute', true) AS stale,
           u.id AS user_id, u.email, u.name, u.role, cr.permissions, c.name AS shop_name,
           (SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name, 'code', b.code) ORDER BY b.name), '[]'::json)
              FROM branches b
             WHERE b.active AND (u.role IN ('owner', 'admin')
                   OR EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = u.id AND ub.branch_id = b.id))) AS branches
      FROM api_tokens t
      JOIN users u ON u.id = t.user_id
      LEFT JOIN custom_roles cr ON cr.id = u.custom_role_id
      LEFT JOIN company c ON c.id = 1
     WHERE t.token_hash = ${await sha256Hex(token)} AND t.revoked_at IS NULL AND u.status = 'active'`);
  const row = result.rows[0];
  if (!row) return null;
  return {
    sessionHash: '',
    tokenId: row.token_id,
    stale: row.stale,
    id: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    permissions: row.permissions ?? null,
    shopName: row.shop_name ?? '',
    logoKey: null,
    branches: row.branches,
    branch: row.branches[0] ?? null,
    impersonatedBy: null,
    needsTouch: false,
    apiScope: row.scope,
  };
}

export async function touchApiToken(db: TenantDb, tokenId: string): Promise<void> {
  await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, tokenId));
}
