import type { Context } from 'hono';
import { desc, lt } from 'drizzle-orm';
import { requirePermission } from '../auth/middleware';
import { auditLog } from '../db/tenant-schema';
import type { AppEnv, TenantDb } from '../env';
import { factory } from '../factory';
import { t } from '../i18n/es-DO';
import { AuditPage, AuditResults, type AuditEntry } from '../views/audit';
import { AppShell } from '../views/layout';

/** The shop's own audit log (owner only). */
export const auditRoutes = factory.createApp();

const pageSize = 50;

/** Newest first, keyset on the id (bigserial: insertion order). */
export async function listAuditLog(db: TenantDb, options: { before: number | null; limit: number }): Promise<{ rows: AuditEntry[]; next: number | null }> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(options.before === null ? undefined : lt(auditLog.id, options.before))
    .orderBy(desc(auditLog.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return { rows: page, next: rows.length > options.limit ? page[page.length - 1]!.id : null };
}

function wantsFragment(c: Context<AppEnv>): boolean {
  return c.req.header('HX-Request') === 'true' && !c.req.header('HX-Boosted') && !c.req.header('HX-History-Restore-Request');
}

auditRoutes.get('/audit', requirePermission('audit.view'), async (c) => {
  const beforeParam = c.req.query('before');
  const before = beforeParam && /^[1-9]\d{0,15}$/.test(beforeParam) ? Number(beforeParam) : null;
  const { rows, next } = await listAuditLog(c.var.db, { before, limit: pageSize });
  const page = { rows, nextHref: next ? `/audit?before=${next}` : null, firstHref: before ? '/audit' : null };
  if (wantsFragment(c)) return c.html(<AuditResults {...page} />);
  return c.html(
    <AppShell title={t('support.audit.title')} user={c.var.session!} current="/audit">
      <AuditPage {...page} />
    </AppShell>,
  );
});
