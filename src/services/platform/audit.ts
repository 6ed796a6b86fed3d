import { adminAuditLog } from '../../db/central-schema';
import type { CentralDb } from '../../db/client';
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
