import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { approvalFilter, decisionForm } from '../schemas/received-ecf';
import {
  approvableEcfTypes,
  decideReceivedEcfDocument,
  getReceivedEcfDocument,
  listReceivedEcfDocuments,
  printableReceivedEcf,
  receivedEcfXml,
} from '../services/shop/received-ecf';
import { InboxDocumentPage, type InboxDocumentProps, InboxPage, InboxResults, inboxPath } from '../views/ecf-inbox';
import { PrintPage, printFormat } from '../views/print';

/** Shop screens: the inbox of e-CF received from suppliers and their commercial approval. */
export const ecfInboxRoutes = factory.createApp();

const pageSize = 50;

function listHref(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${inboxPath}?${query}` : inboxPath;
}

ecfInboxRoutes.get(inboxPath, requirePermission('ecf.inbox.view'), async (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const approvalText = c.req.query('approval') ?? '';
  const parsed = approvalText ? approvalFilter.safeParse(approvalText) : null;
  if (parsed && !parsed.success)
    throw new AppError('validation', t('ecfInbox.error.approvalFilter'), {
      approval: t('ecfInbox.error.approvalFilter'),
    });
  const approval = parsed?.data;
  const after = createdCursor.decode(c.req.query('cursor'));
  const { rows, next } = await listReceivedEcfDocuments(shopContext(c), {
    q: q || undefined,
    approval,
    after,
    limit: pageSize,
  });
  const list = {
    rows,
    nextHref: next ? listHref({ q, approval, cursor: createdCursor.encode(next) }) : null,
    firstHref: after ? listHref({ q, approval }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<InboxResults {...list} />);
  return c.render(<InboxPage {...list} q={q} approval={approval ?? ''} />, {
    title: t('ecfInbox.title'),
    current: inboxPath,
  });
});

async function renderDocument(
  c: Context<SignedInEnv>,
  state: Omit<InboxDocumentProps, 'document' | 'canApprove' | 'approvable'> = {},
  status: 200 | 409 | 422 = 200,
) {
  const document = await getReceivedEcfDocument(shopContext(c), idParam(c));
  c.status(status);
  return c.render(
    <InboxDocumentPage
      document={document}
      canApprove={can(c.var.session, 'ecf.inbox.approve')}
      canRecordExpense={can(c.var.session, 'expenses.manage')}
      approvable={approvableEcfTypes.includes(document.row.ecfType) && !!document.row.buyerRnc}
      {...state}
    />,
    { title: t('ecfInbox.detail.title', { encf: document.row.encf }), current: inboxPath },
  );
}

ecfInboxRoutes.get(`${inboxPath}/:id`, requirePermission('ecf.inbox.view'), async (c) => {
  const decided = c.req.query('decided');
  const notice =
    decided === 'approved' || decided === 'rejected'
      ? t('ecfInbox.decision.done', { approval: t(`ecfInbox.approval.${decided}`) })
      : null;
  return renderDocument(c, { notice });
});

ecfInboxRoutes.get(`${inboxPath}/:id/xml`, requirePermission('ecf.inbox.view'), async (c) => {
  const { fileName, xml } = await receivedEcfXml(shopContext(c), idParam(c));
  return c.body(xml, 200, {
    'Content-Type': 'application/xml; charset=utf-8',
    'Content-Disposition': `attachment; filename="${fileName}"`,
  });
});

ecfInboxRoutes.get(`${inboxPath}/:id/print`, requirePermission('ecf.inbox.view'), async (c) => {
  const id = idParam(c);
  const model = await printableReceivedEcf(shopContext(c), id);
  const path = `${inboxPath}/${id}/print`;
  return c.html(
    <PrintPage model={model} format={printFormat(c.req.query('format'))} path={path} backHref={`${inboxPath}/${id}`} />,
  );
});

ecfInboxRoutes.post(`${inboxPath}/:id/decision`, requirePermission('ecf.inbox.approve'), async (c) => {
  const id = idParam(c);
  const body = await c.req.parseBody();
  const values = {
    decision: typeof body.decision === 'string' ? body.decision : undefined,
    reason: typeof body.reason === 'string' ? body.reason : undefined,
  };
  const parsed = decisionForm.safeParse(values);
  if (!parsed.success) return renderDocument(c, { values, errors: fieldErrors(parsed.error) }, 422);
  try {
    await decideReceivedEcfDocument(shopContext(c), id, parsed.data);
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
    const errors: FieldErrors = error.fields ?? {};
    return renderDocument(
      c,
      { values, errors, message: Object.keys(errors).length ? null : error.message },
      error.code === 'conflict' ? 409 : 422,
    );
  }
  return c.redirect(`${inboxPath}/${id}?decided=${parsed.data.decision}`, 303);
});
