import { raw } from 'hono/html';
import { formatDate, formatDateTime } from '../domain/dates';
import { whatsappLink } from '../domain/whatsapp';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { ShareLinkRow } from '../queries/documents';
import type { LabOrderStatus, ShareKind, SubjectShareLinks } from '../queries/share-links';
import { ErrorSummary, Field, Notice } from './components';
import { staticUrl } from './static-url';

/** Where each kind's pages live. */
export const shareBasePaths: Record<ShareKind, string> = {
  invoice: '/invoices',
  quotation: '/quotations',
  prescription: '/prescriptions',
  payment: '/payments',
  lab_order: '/lab-orders',
};

/** The button a document's page shows: it opens that document's share page. */
export function ShareButton(props: { kind: ShareKind; id: string }) {
  return (
    <a class="button" href={`${shareBasePaths[props.kind]}/${props.id}/share-links`}>
      {t('share.button')}
    </a>
  );
}

function dateTimeOrNever(iso: string | null): string {
  return iso ? formatDateTime(iso) : t('documents.share.never');
}

function linkStatus(link: ShareLinkRow): string {
  if (link.revokedAt) return t('documents.share.revoked');
  return link.active ? t('documents.share.active') : t('documents.share.expired');
}

export interface ShareLinksPageProps {
  subject: SubjectShareLinks;
  canManage: boolean;
  /** A link just made: its URL (shown once) and the customer message that carries it. */
  created?: { url: string; message: string } | null;
  notice?: string | null;
  values?: { days?: string };
  errors?: FieldErrors;
}

export const shareTitle = (subject: Pick<SubjectShareLinks, 'kind' | 'label'>) =>
  t('share.title', { kind: t(`share.kind.${subject.kind}` as MessageKey), label: subject.label ?? '' });

/** One document's links: create (the URL shown once, copy, WhatsApp), list, revoke. */
export function ShareLinksPage(props: ShareLinksPageProps) {
  const { subject } = props;
  const base = `${shareBasePaths[subject.kind]}/${subject.subjectId}`;
  const recipient = subject.recipient;
  const wa = recipient && !recipient.optedOut ? whatsappLink(recipient.phone) : null;
  return (
    <section id="share-links" aria-labelledby="share-title">
      <h1 id="share-title">{shareTitle(subject)}</h1>
      <p class="lead">{t('share.lead')}</p>
      <p>
        <a href={base}>← {t('share.back')}</a>
      </p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.created ? (
        <Notice>
          <p>{t('documents.share.created')}</p>
          <div class="field">
            <label for="share-url">{t('documents.share.url')}</label>
            <input id="share-url" type="text" readonly value={props.created.url} data-select-on-focus />
          </div>
          <div class="actions">
            <button type="button" class="button button-small" data-copy="share-url">
              {t('documents.share.copy')}
            </button>
            {wa ? (
              <a
                class="button button-small"
                href={`${wa}?text=${encodeURIComponent(props.created.message)}`}
                target="_blank"
                rel="noopener noreferrer"
              >
                {t('share.whatsapp')}
              </a>
            ) : null}
          </div>
          {wa ? null : <p class="hint">{recipient?.optedOut ? t('share.optedOut') : t('share.whatsappNoPhone')}</p>}
        </Notice>
      ) : null}
      {props.canManage && subject.shareable ? (
        <form
          method="post"
          action={`${base}/share-links`}
          class="card"
          hx-post={`${base}/share-links`}
          hx-target="#share-links"
          hx-swap="outerHTML"
        >
          <ErrorSummary errors={props.errors} />
          <Field
            name="days"
            label={t('documents.share.days')}
            type="number"
            value={props.values?.days ?? '7'}
            errors={props.errors}
            required
            inputmode="numeric"
            hint={t('documents.share.daysHint')}
            attrs={{ min: '1', max: '30', step: '1' }}
          />
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('documents.share.create')}
            </button>
            {recipient?.email && !recipient.optedOut ? (
              <button
                type="submit"
                class="button"
                formaction={`${base}/share-links/email`}
                hx-post={`${base}/share-links/email`}
                hx-target="#share-links"
                hx-swap="outerHTML"
              >
                {t('share.email', { email: recipient.email })}
              </button>
            ) : null}
          </div>
          {recipient?.email ? null : <p class="hint">{t('share.noEmail')}</p>}
          {recipient?.optedOut ? <p class="hint">{t('share.optedOut')}</p> : null}
        </form>
      ) : null}
      {subject.shareable ? null : <p>{t('share.notShareable')}</p>}
      <h2>{t('share.links')}</h2>
      {subject.links.length === 0 ? (
        <p>{t('documents.share.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('documents.share.createdAt')}</th>
              <th scope="col">{t('documents.share.expiresAt')}</th>
              <th scope="col">{t('documents.share.lastOpened')}</th>
              <th scope="col">{t('documents.share.status')}</th>
              {props.canManage ? <th scope="col">{t('documents.share.revoke')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {subject.links.map((link) => (
              <tr>
                <td>{dateTimeOrNever(link.createdAt)}</td>
                <td>{dateTimeOrNever(link.expiresAt)}</td>
                <td>{dateTimeOrNever(link.lastOpenedAt)}</td>
                <td>{linkStatus(link)}</td>
                {props.canManage ? (
                  <td>
                    {link.active ? (
                      <form method="post" action={`${base}/share-links/${link.id}/revoke`}>
                        <button type="submit" class="button button-small button-danger">
                          {t('documents.share.revoke')}
                        </button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const phases = ['initial', 'lab', 'ready', 'delivered'] as const;

/**
 * "¿Ya están listos mis lentes?": the customer's view of a lab order - the stage in their words,
 * the promised date and how to reach the shop. No prices, no Rx, no notes.
 */
export function LabStatusPage(props: { status: LabOrderStatus; customerFirstName: string }) {
  const { status } = props;
  const label = `LAB-${String(status.number).padStart(6, '0')}`;
  const phone = status.branch.phone ?? status.shop.phones;
  const wa = whatsappLink(phone);
  const reached = phases.indexOf(status.phase as (typeof phases)[number]);
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="es-DO">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex, nofollow" />
          <meta name="referrer" content="no-referrer" />
          <title>{`${t('status.title')} · ${status.shop.name}`}</title>
          <link rel="stylesheet" href={staticUrl('app.css')} />
        </head>
        <body class="public-status">
          <main class="status-page" aria-labelledby="status-title">
            <p class="status-shop">{status.shop.name}</p>
            <h1 id="status-title">{t('status.title')}</h1>
            <p>{t('status.greeting', { name: props.customerFirstName })}</p>
            <section class="card status-card" aria-live="polite">
              <p class="status-order">{t('status.order', { label })}</p>
              <p class={`status-phase status-${status.phase}`}>
                <strong>{t(`status.phase.${status.phase}` as MessageKey)}</strong>
              </p>
              <p>{t(`status.phaseHint.${status.phase}` as MessageKey)}</p>
              <p class="hint">{t('status.since', { date: formatDateTime(status.stageEnteredAt) })}</p>
              {status.phase === 'cancelled' ? null : (
                <ol class="status-steps" aria-label={t('status.steps')}>
                  {phases.map((phase, index) => (
                    <li
                      class={index <= reached ? 'done' : undefined}
                      aria-current={index === reached ? 'step' : undefined}
                    >
                      {index < reached ? <span aria-hidden="true">✓ </span> : null}
                      {index === reached ? (
                        <strong>{t(`status.phase.${phase}` as MessageKey)}</strong>
                      ) : (
                        t(`status.phase.${phase}` as MessageKey)
                      )}
                    </li>
                  ))}
                </ol>
              )}
              {status.promisedOn && status.phase !== 'delivered' && status.phase !== 'cancelled' ? (
                <dl>
                  <dt>{t('status.promised')}</dt>
                  <dd>{formatDate(status.promisedOn)}</dd>
                </dl>
              ) : null}
            </section>
            <section class="card" aria-labelledby="status-contact">
              <h2 id="status-contact">{t('status.contact')}</h2>
              <p>
                <strong>{status.shop.name}</strong>
                {status.branch.name ? ` · ${status.branch.name}` : ''}
              </p>
              {status.branch.address || status.shop.address ? (
                <p>{status.branch.address ?? status.shop.address}</p>
              ) : null}
              {phone ? (
                <p>
                  <a href={`tel:${phone.replace(/[^\d+]/g, '')}`}>{phone}</a>
                </p>
              ) : null}
              {wa ? (
                <p>
                  <a class="button button-primary" href={wa} rel="noopener noreferrer">
                    {t('status.whatsapp')}
                  </a>
                </p>
              ) : null}
            </section>
            <p class="hint">{t('status.noindex')}</p>
          </main>
        </body>
      </html>
    </>
  );
}
