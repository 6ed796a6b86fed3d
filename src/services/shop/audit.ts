import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import { listAuditLog, type AuditEntry } from '../../queries/audit';
import type { ShopContext } from './context';

export type { AuditEntry };

/** The shop's activity log, newest first (owner only): a page before an entry id, optionally only some kinds. */
export async function listActivity(
  ctx: ShopContext,
  options: { before: number | null; limit: number; kinds?: readonly string[] },
): Promise<{ rows: AuditEntry[]; next: number | null }> {
  if (!can(ctx.actor, 'audit.view')) throw new AppError('forbidden');
  return listAuditLog(ctx.db, options);
}
