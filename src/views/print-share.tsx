import { formatDateTime } from '../domain/dates';
import { t } from '../i18n/es-DO';
import type { InvoiceShareLinks, ShareLinkRow } from '../queries/documents';
import { ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';

/** `dd/mm/aaaa hh:mm` in the shop's time zone, or "never". */
function dateTimeOrNever(iso: string | null): string {
  return iso ? formatDateTime(iso) : t('documents.share.never');
}

function linkStatus(link: ShareLinkRow): string {
  if (link.revokedAt) return t('documents.share.revoked');
  return link.active ? t('documents.share.active') : t('documents.share.expired');
}

export interface SharePageProps {
  invoice: InvoiceShareLinks;
  canManage: boolean;
  /** The full URL of a link just created: shown once. */
  createdUrl?: string | null;
  revoked?: boolean;
  values?: { days?: string };
  errors?: FieldErrors;
}

/** Share links of one invoice: create (the URL shown once, with a copy button), list, revoke. */
export function SharePage(props: SharePageProps) {
  const { invoice } = props;
  return (
    <section id="share-links" aria-labelledby="share-title">
      <h1 id="share-title">{t('documents.share.title', { ncf: invoice.ncf ?? '' })}</h1>
      <p class="lead">{t('documents.share.lead')}</p>
      <p>
        <a href={`/invoices/${invoice.invoiceId}`}>← {t('documents.share.backToInvoice')}</a>
      </p>
      {props.revoked ? <Notice>{t('documents.share.revokedNotice')}</Notice> : null}
      {props.createdUrl ? (
        <Notice>
          <p>{t('documents.share.created')}</p>
          <div class="field">
            <label for="share-url">{t('documents.share.url')}</label>
            <input id="share-url" type="text" readonly value={props.createdUrl} data-select-on-focus />
          </div>
          <button type="button" class="button button-small" data-copy="share-url">
            {t('documents.share.copy')}
          </button>
        </Notice>
      ) : null}
      {props.canManage ? (
        <form
          method="post"
          action={`/invoices/${invoice.invoiceId}/share-links`}
          class="card"
          hx-post={`/invoices/${invoice.invoiceId}/share-links`}
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
          </div>
        </form>
      ) : null}
      <h2>{t('documents.share.links')}</h2>
      {invoice.links.length === 0 ? (
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
            {invoice.links.map((link) => (
              <tr>
                <td>{dateTimeOrNever(link.createdAt)}</td>
                <td>{dateTimeOrNever(link.expiresAt)}</td>
                <td>{dateTimeOrNever(link.lastOpenedAt)}</td>
                <td>{linkStatus(link)}</td>
                {props.canManage ? (
                  <td>
                    {link.active ? (
                      <form method="post" action={`/share-links/${link.id}/revoke`}>
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
