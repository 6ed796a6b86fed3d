/**
 * Share links for every document a customer receives: an invoice's PDF, a quotation, a prescription,
 * a payment receipt and a lab order's status page. Signed (a random token of which only the SHA-256
 * is stored), expiring (1-30 days), revocable; one public route opens them all (`/share/<token>`).
 */
import type { SessionUser } from '../../auth/session';
import { can, type Permission } from '../../auth/permissions';
import { sha256Hex } from '../../auth/crypto';
import { readConfig } from '../../config';
import { centralDb } from '../../db/client';
import { isShareToken, newShareToken, shareLinkPolicy, shareUrl } from '../../documents/share';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  anyBranch,
  printablePayment,
  printableQuotation,
  type ShareLinkRow,
  type Viewer,
} from '../../queries/documents';
import { getPrescription } from '../../queries/prescriptions';
import {
  checkShareSubject,
  insertShareLink,
  labOrderStatus,
  openAnyShareLink,
  revokeSubjectShareLink as revokeSubjectShareLinkSql,
  subjectShareLinks as loadSubjectShareLinks,
  type LabOrderStatus,
  type ShareKind,
  type SubjectShareLinks,
} from '../../queries/share-links';
import { findTenantById } from '../../tenancy/central-queries';
import { requireRight, type ShopContext } from './context';
import { eventInsert, queueEventDispatch } from './events';
import { invoicePdfOfLink } from './documents';

export type { LabOrderStatus, ShareKind, SubjectShareLinks };

/** Who may see a kind's links, and who may make or revoke them. */
export const sharePermissions: Record<ShareKind, { view: Permission; share: Permission }> = {
  invoice: { view: 'invoices.view', share: 'invoices.manage' },
  quotation: { view: 'quotations.view', share: 'quotations.manage' },
  prescription: { view: 'prescriptions.view', share: 'prescriptions.view' },
  payment: { view: 'invoices.view', share: 'payments.manage' },
  lab_order: { view: 'labOrders.view', share: 'labOrders.view' },
};

function viewerOf(actor: SessionUser): Viewer {
  return { userId: actor.id, allBranches: can(actor, 'branches.all') };
}

export function canShare(actor: SessionUser, kind: ShareKind): boolean {
  return can(actor, sharePermissions[kind].share);
}

/**
 * `scheme://host[:port]` of the shop's own links, made without a request (a queue job too): the
 * SHOP_ORIGIN pattern with the tenant's first domain. A cached tenant record from before
 * `primaryDomain` existed is completed from the central database.
 */
export async function shopOrigin(ctx: Pick<ShopContext, 'tenant' | 'env'>): Promise<string> {
  let domain = ctx.tenant.primaryDomain;
  if (domain === undefined)
    domain = (await findTenantById(centralDb(ctx.env.CENTRAL_DATABASE_URL), ctx.tenant.id))?.primaryDomain;
  if (!domain) throw new Error(`Tenant ${ctx.tenant.id} has no domain`);
  const host = domain.includes('.') ? domain : `${domain}.${readConfig(ctx.env).centralDomains[0]}`;
  return (ctx.env.SHOP_ORIGIN || 'https://{host}').replace('{host}', host);
}

export interface IssuedShareLink {
  id: string;
  url: string;
  expiresAt: string;
  link: ShareLinkRow;
}

/**
 * A new link to a document, with its absolute URL on the shop's host (the token is returned only
 * here). With an actor the actor's permission and branches are checked; without one (a queue job)
 * the caller has already decided. A quotation shared by a user emits `quotation.shared` in the same
 * transaction; a link made by a job emits nothing (the message it goes in would share it again).
 */
export async function issueShareLink(
  ctx: Pick<ShopContext, 'db' | 'tenant' | 'env'> & { actor?: SessionUser; jobs?: ShopContext['jobs'] },
  subject: { kind: ShareKind; id: string },
  options: { days?: number; createdBy?: string | null } = {},
): Promise<IssuedShareLink> {
  const { actor } = ctx;
  if (actor) requireRight({ actor: actor }, sharePermissions[subject.kind].share);
  const days = options.days ?? shareLinkPolicy.defaultDays;
  if (!Number.isInteger(days) || days < shareLinkPolicy.minDays || days > shareLinkPolicy.maxDays) {
    throw new AppError('validation', t('documents.share.daysInvalid'), { days: t('documents.share.daysInvalid') });
  }
  const check = await checkShareSubject(ctx.db, subject.kind, subject.id, actor ? viewerOf(actor) : null);
  if (check.outcome === 'not_found') throw new AppError('not_found');
  if (check.outcome === 'not_shareable') {
    throw new AppError('conflict', t(subject.kind === 'invoice' ? 'documents.draftNoPdf' : 'share.notShareable'));
  }
  const { token, hash } = await newShareToken();
  const id = crypto.randomUUID();
  const insert = insertShareLink(ctx.db, {
    id,
    kind: subject.kind,
    subjectId: subject.id,
    tokenHash: hash,
    days,
    createdBy: options.createdBy !== undefined ? options.createdBy : (actor?.id ?? null),
    supportSessionHash: actor?.impersonatedBy ? actor.sessionHash : null,
  });
  const emits = subject.kind === 'quotation' && actor !== undefined;
  const [inserted] = emits
    ? await ctx.db.batch([
        insert,
        eventInsert(ctx.db, {
          type: 'quotation.shared',
          key: `quotation.shared:${id}`,
          subjectId: subject.id,
          payload: { shareLinkId: id },
        }),
      ])
    : [await insert];
  const link = inserted.rows[0]!.link;
  if (emits && ctx.jobs) await queueEventDispatch({ jobs: ctx.jobs });
  return { id, url: shareUrl(await shopOrigin(ctx), token), expiresAt: link.expiresAt, link };
}

/** A document's links, newest first, with its customer (for the WhatsApp and e-mail buttons). */
export async function subjectShareLinks(ctx: ShopContext, kind: ShareKind, id: string): Promise<SubjectShareLinks> {
  requireRight({ actor: ctx.actor }, sharePermissions[kind].view);
  const links = await loadSubjectShareLinks(ctx.db, kind, id, viewerOf(ctx.actor));
  if (!links) throw new AppError('not_found');
  return links;
}

/** Revokes one link of a document (idempotent). */
export async function revokeSubjectShareLink(
  ctx: ShopContext,
  kind: ShareKind,
  subjectId: string,
  linkId: string,
): Promise<ShareLinkRow> {
  requireRight({ actor: ctx.actor }, sharePermissions[kind].share);
  const link = await revokeSubjectShareLinkSql(ctx.db, kind, subjectId, linkId, viewerOf(ctx.actor));
  if (!link) throw new AppError('not_found');
  return link;
}

/** The wa.me / e-mail text of a link: the customer's first name, the document, the shop and the URL. */
export function shareMessage(
  kind: ShareKind,
  values: { name: string | null; label: string | null; shop: string; url: string },
): string {
  return t(`share.message.${kind}`, {
    name: firstName(values.name),
    label: values.label ?? '',
    shop: values.shop,
    url: values.url,
  }).replace(/\s+/g, ' ');
}

/** The first word of a name: what a public page and a greeting show of the customer. */
export function firstName(name: string | null | undefined): string {
  return (name ?? '').trim().split(/\s+/)[0] ?? '';
}

export type SharedDocument =
  | { kind: 'invoice'; bytes: Uint8Array; doc: { id: string; ncf: string | null } }
  | { kind: 'quotation'; doc: NonNullable<Awaited<ReturnType<typeof printableQuotation>>> }
  | { kind: 'payment'; doc: NonNullable<Awaited<ReturnType<typeof printablePayment>>> }
  | { kind: 'prescription'; prescription: NonNullable<Awaited<ReturnType<typeof getPrescription>>> }
  | { kind: 'lab_order'; status: LabOrderStatus };

/** No logo on public pages: the logo route needs a session. */
function withoutLogo<T extends { company: { logoKey: string | null } | null }>(doc: T): T {
  return doc.company ? { ...doc, company: { ...doc.company, logoKey: null } } : doc;
}

/**
 * What a share token opens, for the public route: no account, the token is the only credential.
 * Null for anything but a valid, unexpired, unrevoked token (one neutral 404 for all of them).
 */
export async function openSharedDocument(
  ctx: Pick<ShopContext, 'db' | 'files'>,
  token: string,
): Promise<SharedDocument | null> {
  if (!isShareToken(token)) return null;
  const opened = await openAnyShareLink(ctx.db, await sha256Hex(token));
  if (!opened) return null;
  switch (opened.kind) {
    case 'invoice': {
      const pdf = await invoicePdfOfLink(ctx, { invoiceId: opened.subjectId, pdfKey: opened.pdfKey, ncf: opened.ncf });
      return pdf ? { kind: 'invoice', ...pdf } : null;
    }
    case 'quotation': {
      const doc = await printableQuotation(ctx.db, opened.subjectId, anyBranch);
      return doc ? { kind: 'quotation', doc: withoutLogo(doc) } : null;
    }
    case 'payment': {
      const doc = await printablePayment(ctx.db, opened.subjectId, anyBranch);
      return doc ? { kind: 'payment', doc: withoutLogo(doc) } : null;
    }
    case 'prescription': {
      const prescription = await getPrescription(ctx.db, opened.subjectId, null);
      return prescription ? { kind: 'prescription', prescription: withoutLogo(prescription) } : null;
    }
    case 'lab_order': {
      const status = await labOrderStatus(ctx.db, opened.subjectId);
      return status ? { kind: 'lab_order', status } : null;
    }
  }
}

/** The kind of document an event's subject is, when the customer can be sent a link to it. */
const eventKinds: Record<string, ShareKind> = {
  'invoice.issued': 'invoice',
  'payment.received': 'payment',
  'quotation.shared': 'quotation',
  'lab_order.stage_entered': 'lab_order',
  'lab_order.overdue': 'lab_order',
  'recall.due': 'prescription',
};

/**
 * The `{{enlace}}` of a message: a new link (default days, no author) to the event's subject, or
 * null when the event has none or its subject can no longer be shared (a voided receipt).
 */
export async function shareLinkForEvent(
  ctx: Pick<ShopContext, 'db' | 'tenant' | 'env'>,
  event: { type: string; subjectId?: string | null },
): Promise<string | null> {
  const kind = eventKinds[event.type];
  if (!kind || !event.subjectId) return null;
  try {
    return (await issueShareLink({ db: ctx.db, tenant: ctx.tenant, env: ctx.env }, { kind, id: event.subjectId })).url;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'conflict')) return null;
    throw error;
  }
}
