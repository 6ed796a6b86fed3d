import type { EcfCancellationRow, CancellableSequence } from '../services/shop/ecf-cancellations';
import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice, SelectField } from './components';

export interface EcfCancellationsPageProps {
  sequences: readonly CancellableSequence[];
  cancellations: readonly EcfCancellationRow[];
  canManage: boolean;
  values?: { sequenceId?: string; from?: string; to?: string };
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
}

const dateTime = (at: Date) =>
  at.toLocaleString('es-DO', { timeZone: 'America/Santo_Domingo', dateStyle: 'short', timeStyle: 'short' });

/** /ecf/cancellations: the ANECF form (owner/admin) and every range cancelled so far. */
export function EcfCancellationsPage(props: EcfCancellationsPageProps) {
  const open = props.sequences.filter((sequence) => sequence.active && sequence.nextNumber <= sequence.rangeEnd);
  return (
    <>
      <h1>{t('ecfCancellations.title')}</h1>
      <p>{t('ecfCancellations.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.canManage ? (
        open.length ? (
          <form method="post" action="/ecf/cancellations" class="card">
            <ErrorSummary errors={props.errors} message={props.message} />
            <SelectField
              name="sequenceId"
              label={t('ecfCancellations.sequence')}
              value={props.values?.sequenceId ?? null}
              options={open.map((sequence) => ({
                value: sequence.id,
                label: t('ecfCancellations.sequenceOption', {
                  prefix: sequence.prefix,
                  from: String(sequence.rangeStart),
                  to: String(sequence.rangeEnd),
                  next: String(sequence.nextNumber),
                }),
              }))}
              errors={props.errors}
              required
            />
            <Field
              name="from"
              label={t('ecfCancellations.from')}
              inputmode="numeric"
              value={props.values?.from ?? null}
              errors={props.errors}
              required
            />
            <Field
              name="to"
              label={t('ecfCancellations.to')}
              inputmode="numeric"
              value={props.values?.to ?? null}
              errors={props.errors}
              required
            />
            <button type="submit">{t('ecfCancellations.submit')}</button>
          </form>
        ) : (
          <p class="empty card">{t('ecfCancellations.noSequences')}</p>
        )
      ) : null}
      <section aria-labelledby="ecf-cancelled">
        <h2 id="ecf-cancelled">{t('ecfCancellations.listHeading')}</h2>
        {props.cancellations.length ? (
          <table>
            <thead>
              <tr>
                <th>{t('ecfCancellations.column.range')}</th>
                <th>{t('ecfCancellations.column.count')}</th>
                <th>{t('ecfCancellations.column.state')}</th>
                <th>{t('ecfCancellations.column.answer')}</th>
                <th>{t('ecfCancellations.column.by')}</th>
                <th>{t('ecfCancellations.column.at')}</th>
              </tr>
            </thead>
            <tbody>
              {props.cancellations.map((row) => (
                <tr>
                  <td>
                    {row.firstEncf} – {row.lastEncf}
                  </td>
                  <td>{row.toNumber - row.fromNumber + 1}</td>
                  <td>
                    {t(`ecfCancellations.state.${row.state}`)}
                    {row.state === 'unconfirmed' && props.canManage ? (
                      <form method="post" action={`/ecf/cancellations/${row.id}/retry`}>
                        <button type="submit" class="secondary">
                          {t('ecfCancellations.retry')}
                        </button>
                      </form>
                    ) : null}
                  </td>
                  <td>{[...row.dgiiMessages, ...(row.lastError ? [row.lastError] : [])].join(' ')}</td>
                  <td>{row.requestedBy}</td>
                  <td>{dateTime(row.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty card">{t('ecfCancellations.none')}</p>
        )}
      </section>
    </>
  );
}
