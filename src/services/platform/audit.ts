import { adminAuditLog } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
import type { PlatformContext } from './context';
import type { AdminSession } from './sessions';

/** Writes one line of the central audit log: who (the admin), what, which tenant, when. */
export async function recordAdminAudit(
  central: CentralDb,
  entry: {
    admin: Pick<AdminSession, 'id' | 'email'> | null;
    action: string;
    tenantId?: string | null;
    details?: Record<string, unknown> | null;
  },
): Promise<void> {
  await central.insert(adminAuditLog).values({
    adminId: entry.admin?.id ?? null,
    adminEmail: entry.admin?.email ?? null,
    action: entry.action,
    tenantId: entry.tenantId ?? null,
    details: entry.details ?? null,
  });
}

/** The audit line of a platform operation, for whoever acts: an admin, or the CLI operator (`via: 'cli'`). */
export async function recordPlatformAudit(
  ctx: PlatformContext,
  entry: { action: string; tenantId?: string | null; details?: Record<string, unknown> | null },
): Promise<void> {
  const { actor } = ctx;
  await recordAdminAudit(ctx.platform.central, {
    admin: actor.kind === 'admin' ? { id: actor.id, email: actor.email } : null,
    action: entry.action,
    tenantId: entry.tenantId,
    details: actor.kind === 'operator' ? { ...entry.details, via: actor.via } : entry.details,
  });
}
