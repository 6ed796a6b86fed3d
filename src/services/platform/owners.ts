import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { tenantDb } from '../../db/client';
import { users, userTokens } from '../../db/tenant-schema';
import { AppError } from '../../errors';
import { tenantConnection } from '../../tenancy/lifecycle';
import { getTenantRow } from '../../tenancy/provisioning';
import type { Platform } from '../../tenancy/platform';
import { emailField } from '../../schemas/common';
import { issuePasswordLink, normalizeEmail } from '../../auth/users';
import { recordPlatformAudit } from './audit';
import { assertActor, type PlatformContext } from './context';

/**
 * Why a platform admin cannot invite this owner: the shop already has an active owner (who invites
 * colleagues from the Users screen), the address is already an active owner, belongs to a colleague
 * or to a disabled account, or a new owner came without a name.
 */
export type OwnerInviteRefusal = 'active_owner' | 'already_active' | 'other_role' | 'disabled' | 'name_required';

export type OwnerInvite =
  | { ok: true; email: string; name: string; token: string; expiresAt: Date; reinvited: boolean }
  | { ok: false; reason: OwnerInviteRefusal; email: string; role?: string };

/**
 * The first owner of a shop (there is no self-registration): creates the account, or re-invites an
 * owner who has not set a password yet (the first link expired or was lost), with a new one-time,
 * expiring set-password link. Returns the token once; only its hash is stored.
 */
export async function inviteOwner(
  platform: Platform,
  tenantId: string,
  values: { email: string; name?: string | null },
): Promise<OwnerInvite> {
  const parsed = emailField.safeParse(values.email);
  if (!parsed.success) throw new AppError('validation', `"${values.email}" is not a valid email address`);
  const email = normalizeEmail(parsed.data);
  const { row, connectionString } = await tenantConnection(platform, tenantId);
  if (row.status !== 'active') throw new AppError('conflict', `Tenant "${tenantId}" is ${row.status}`);
  const db = tenantDb(connectionString);
  const known = await db
    .select({ id: users.id, email: users.email, role: users.role, status: users.status, name: users.name })
    .from(users)
    .where(or(eq(users.email, email), and(eq(users.role, 'owner'), eq(users.status, 'active'))));
  const same = known.find((user) => user.email === email);
  const activeOwner = known.find((user) => user.role === 'owner' && user.status === 'active');
  if (same?.status === 'disabled') return { ok: false, reason: 'disabled', email };
  if (same && same.role !== 'owner') return { ok: false, reason: 'other_role', email, role: same.role };
  if (same?.status === 'active') return { ok: false, reason: 'already_active', email };
  if (activeOwner) return { ok: false, reason: 'active_owner', email: activeOwner.email };
  const name = values.name?.trim() || same?.name;
  if (!name) return { ok: false, reason: 'name_required', email };
  if (same) {
    // A lost link may be in someone else's hands: the new one replaces every earlier one.
    await db.batch([
      db.update(users).set({ name, updatedAt: sql`now()` }).where(eq(users.id, same.id)),
      db
        .update(userTokens)
        .set({ usedAt: sql`now()` })
        .where(and(eq(userTokens.userId, same.id), isNull(userTokens.usedAt))),
    ]);
  }
  const link = await issuePasswordLink(db, { email, name, role: 'owner' });
  return { ok: true, email, name, token: link.token, expiresAt: link.expiresAt, reinvited: same !== undefined };
}

export interface ShopOwners {
  /** The owner support signs in as (the oldest active one), if any. */
  active: { email: string; name: string } | null;
  /** Owners invited who have not set a password yet. */
  invited: Array<{ email: string; name: string }>;
}

/** Who can run an active shop, for the admin panel: its active owner, or the owners still invited. */
export async function shopOwners(ctx: PlatformContext, tenantId: string): Promise<ShopOwners> {
  const { connectionString } = await tenantConnection(ctx.platform, tenantId);
  const owners = await tenantDb(connectionString)
    .select({ email: users.email, name: users.name, status: users.status })
    .from(users)
    .where(and(eq(users.role, 'owner'), or(eq(users.status, 'active'), eq(users.status, 'invited'))))
    .orderBy(users.createdAt);
  const active = owners.find((owner) => owner.status === 'active');
  return {
    active: active ? { email: active.email, name: active.name } : null,
    invited: owners.filter((owner) => owner.status === 'invited').map(({ email, name }) => ({ email, name })),
  };
}

/**
 * Invites a shop's first owner (panel and CLI alike): 404 for an unknown tenant, 409 unless it is
 * active, a refusal (returned, each edge words it) for the cases of `OwnerInviteRefusal`. The link
 * is in the result once; the audit line records who was invited, never the link.
 */
export async function inviteTenantOwner(
  ctx: PlatformContext,
  tenantId: string,
  values: { email: string; name?: string | null },
): Promise<OwnerInvite> {
  assertActor(ctx);
  const row = await getTenantRow(ctx.platform, tenantId);
  if (!row) throw new AppError('not_found');
  if (row.status !== 'active') throw new AppError('conflict', `Tenant "${tenantId}" is ${row.status}`);
  const invite = await inviteOwner(ctx.platform, tenantId, values);
  if (invite.ok) {
    await recordPlatformAudit(ctx, {
      action: 'tenant.owner_invited',
      tenantId,
      details: {
        email: invite.email,
        name: invite.name,
        reinvited: invite.reinvited,
        expiresAt: invite.expiresAt.toISOString(),
      },
    });
  }
  return invite;
}
