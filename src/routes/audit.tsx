import { idCursor } from '../http/cursors';
import { wantsFragment } from '../http/fragments';
import { requirePermission } from '../http/session';
import { factory } from '../http/factory';
import { t } from '../i18n/es-DO';
import { shopContext } from '../http/shop';
import { listActivity } from '../services/shop/audit';
import { AuditPage, AuditResults, auditKinds, type AuditKind } from '../views/audit';

/** The shop's own audit log (owner only). */
export const auditRoutes = factory.createApp();

const pageSize = 50;

auditRoutes.get('/audit', requirePermission('audit.view'), async (c) => {
  const before = idCursor.decode(c.req.query('cursor'))?.id ?? null;
  const kindParam = c.req.query('kind') ?? '';
  const kind: AuditKind | '' = Object.hasOwn(auditKinds, kindParam) ? (kindParam as AuditKind) : '';
  const { rows, next } = await listActivity(shopContext(c), {
    before,
    limit: pageSize,
    kinds: kind ? auditKinds[kind] : undefined,
  });
  const kindQuery = kind ? `kind=${kind}` : '';
  const page = {
    rows,
    nextHref: next ? `/audit?${kindQuery ? `${kindQuery}&` : ''}cursor=${idCursor.encode({ id: next })}` : null,
    firstHref: before ? `/audit${kindQuery ? `?${kindQuery}` : ''}` : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<AuditResults {...page} />);
  return c.render(<AuditPage {...page} kind={kind} />, { title: t('support.audit.title'), current: '/audit' });
});
