import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import type { EcfFallbackPage } from '../services/shop/ecf-fallbacks';
import { ErrorSummary, Field, Notice, Warning } from './components';

const dateTime = (at: Date) =>
  at.toLocaleString('es-DO', { timeZone: 'America/Santo_Domingo', dateStyle: 'short', timeStyle: 'short' });

/** /ecf/fallback: the B-series switch of DGII's incapacidad técnica (owner/admin) and its periods. */
export function EcfFallbackView(
  props: EcfFallbackPage & {
    canManage: boolean;
    errors?: FieldErrors;
    message?: string | null;
    notice?: string | null;
  },
) {
  const pending = props.periods.reduce((sum, period) => sum + (period.endedAt ? period.pending : 0), 0);
  return (
    <>
      <h1>{t('ecfFallback.title')}</h1>
      <p>{t('ecfFallback.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.open ? (
        <Warning>
          {t('ecfFallback.open', {
            since: dateTime(props.open.startedAt),
            by: props.open.startedBy,
            reason: props.open.reason,
          })}
        </Warning>
      ) : (
        <p>{t('ecfFallback.closed')}</p>
      )}
      {props.canManage ? (
        props.open ? (
          <form method="post" action="/ecf/fallback/end" class="card">
            <ErrorSummary errors={props.errors} message={props.message} />
            <button type="submit">{t('ecfFallback.end')}</button>
          </form>
        ) : (
          <form method="post" action="/ecf/fallback/start" class="card">
            <ErrorSummary errors={props.errors} message={props.message} />
            <Field name="reason" label={t('ecfFallback.reason')} errors={props.errors} required />
            <button type="submit">{t('ecfFallback.start')}</button>
          </form>
        )
      ) : null}
      {props.canManage && pending > 0 ? (
        <form method="post" action="/ecf/fallback/replace">
          <button type="submit" class="secondary">
            {t('ecfFallback.retry')}
          </button>
        </form>
      ) : null}
      <section aria-labelledby="ecf-fallback-periods">
        <h2 id="ecf-fallback-periods">{t('ecfFallback.periods')}</h2>
        {props.periods.length ? (
          <table>
            <thead>
              <tr>
                <th>{t('ecfFallback.column.start')}</th>
                <th>{t('ecfFallback.column.end')}</th>
                <th>{t('ecfFallback.column.reason')}</th>
                <th>{t('ecfFallback.column.issued')}</th>
                <th>{t('ecfFallback.column.pending')}</th>
              </tr>
            </thead>
            <tbody>
              {props.periods.map((period) => (
                <tr>
                  <td>
                    {dateTime(period.startedAt)} ({period.startedBy})
                  </td>
                  <td>
                    {period.endedAt
                      ? `${dateTime(period.endedAt)} (${period.endedBy ?? ''})`
                      : t('ecfFallback.ongoing')}
                  </td>
                  <td>{period.reason}</td>
                  <td>{period.issued}</td>
                  <td>{period.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty card">{t('ecfFallback.none')}</p>
        )}
      </section>
    </>
  );
}
