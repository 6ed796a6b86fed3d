/**
 * The share page's "send by e-mail" button: a new link, sent through the shop's e-mail channel as a
 * message the user asked for (opt-out still blocks it; consent is for automations). Apart from
 * share-links.ts, so that the messaging module can use share links without an import cycle.
 */
import { AppError } from '../../errors';
import { t, type MessageKey } from '../../i18n/es-DO';
import type { ShopContext } from './context';
import { queueDirectMessage } from './messaging';
import { issueShareLink, type ShareKind, shareMessage, subjectShareLinks } from './share-links';

export interface EmailedShareLink {
  email: string;
  status: string;
  /** Why the message was not queued (opt-out, channel off), in the catalogue's words. */
  reason: string | null;
}

export async function emailShareLink(
  ctx: ShopContext,
  subject: { kind: ShareKind; id: string },
  days: number,
): Promise<EmailedShareLink> {
  const document = await subjectShareLinks(ctx, subject.kind, subject.id);
  const recipient = document.recipient;
  if (!recipient?.email) throw new AppError('validation', t('share.noEmail'), { days: t('share.noEmail') });
  const issued = await issueShareLink(ctx, subject, { days });
  const kindName = t(`share.kind.${subject.kind}` as MessageKey);
  const message = await queueDirectMessage(ctx, {
    channel: 'email',
    contactId: recipient.id,
    event: 'share_link.sent',
    eventKey: `share_link.sent:${issued.id}`,
    subject: t('share.emailSubject', {
      kindTitle: kindName.charAt(0).toUpperCase() + kindName.slice(1),
      label: document.label ?? '',
      shop: ctx.actor.shopName,
    }),
    body: shareMessage(subject.kind, {
      name: recipient.name,
      label: document.label,
      shop: ctx.actor.shopName,
      url: issued.url,
    }),
    createdBy: ctx.actor.id,
  });
  return { email: recipient.email, status: message.status, reason: message.reason ?? null };
}
