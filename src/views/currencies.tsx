import { formatDate } from '../domain/dates';
import { formatDecimal } from '../domain/money';
import { t } from '../i18n/es-DO';
import type { CurrencyWithRate, ExchangeRate } from '../queries/currencies';
import { ErrorSummary, Field, Notice, ResultsTable, SelectField } from './components';
import type { FieldErrors } from '../errors';

/** A rate always shows its 4 decimals: `RD$ 60.1250`. */
export const formatRate = (rate: string) => `RD$ ${formatDecimal(rate, 4)}`;

export interface RateFormValues {
  currency?: string;
  rate?: string;
  validOn?: string;
}

export function RateForm(props: {
  currencies: CurrencyWithRate[];
  values: RateFormValues;
  errors?: FieldErrors;
  notice?: string | null;
}) {
  const { values, errors } = props;
  return (
    <section class="card" aria-labelledby="rate-title">
      <h2 id="rate-title">{t('currencies.addRate')}</h2>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={errors} />
      <form method="post" action="/currencies/rates" hx-boost="false" novalidate>
        <div class="form-grid">
          <SelectField
            name="currency"
            label={t('currencies.field.currency')}
            value={values.currency}
            errors={errors}
            required
            options={props.currencies
              .filter((currency) => !currency.isBase)
              .map((currency) => ({ value: currency.code, label: `${currency.code} · ${currency.name}` }))}
          />
          <Field
            name="rate"
            label={t('currencies.field.rate')}
            value={values.rate}
            errors={errors}
            required
            inputmode="decimal"
            hint={t('currencies.hint.rate')}
          />
          <Field
            name="validOn"
            type="date"
            label={t('currencies.field.validOn')}
            value={values.validOn}
            errors={errors}
            required
          />
        </div>
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('currencies.addRate.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function CurrenciesPage(props: {
  currencies: CurrencyWithRate[];
  form: { values: RateFormValues; errors?: FieldErrors; notice?: string | null } | null;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{t('currencies.title')}</h1>
      </div>
      <p class="lead">{t('currencies.lead')}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('currencies.field.code')}</th>
            <th scope="col">{t('currencies.field.name')}</th>
            <th scope="col">{t('currencies.field.symbol')}</th>
            <th scope="col" class="number">
              {t('currencies.field.latestRate')}
            </th>
            <th scope="col">{t('currencies.field.validOn')}</th>
            <th scope="col">{t('currencies.history')}</th>
          </tr>
        </thead>
        <tbody>
          {props.currencies.map((currency) => (
            <tr>
              <td>
                <strong>{currency.code}</strong>
                {currency.isBase ? (
                  <>
                    {' '}
                    <span class="badge">{t('currencies.base')}</span>
                  </>
                ) : null}
              </td>
              <td>{currency.name}</td>
              <td>{currency.symbol}</td>
              <td class="number">
                {currency.latestRate ? (
                  formatRate(currency.latestRate)
                ) : (
                  <span class="hint">{t('currencies.noRate')}</span>
                )}
              </td>
              <td>{currency.isBase ? '—' : formatDate(currency.latestRateOn)}</td>
              <td>{currency.isBase ? null : <a href={`/currencies/${currency.code}`}>{t('currencies.history')}</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.form ? (
        <div style="margin-top: 1.5rem">
          <RateForm currencies={props.currencies} {...props.form} />
        </div>
      ) : null}
    </>
  );
}

export function RateResults(props: { rates: ExchangeRate[]; nextHref: string | null; firstHref: string | null }) {
  return (
    <ResultsTable
      id="rate-results"
      live={false}
      empty={t('currencies.history.empty')}
      columns={[{ label: t('currencies.field.validOn') }, { label: t('currencies.field.rate'), numeric: true }]}
      rows={props.rates}
      row={(rate) => (
        <tr>
          <td>{formatDate(rate.validOn)}</td>
          <td class="number">{formatRate(rate.rate)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('currencies.history.older'),
        firstLabel: t('currencies.history.newest'),
      }}
    />
  );
}

export function RateHistoryPage(props: {
  currency: CurrencyWithRate;
  rates: ExchangeRate[];
  nextHref: string | null;
  firstHref: string | null;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{t('currencies.history.title', { code: props.currency.code, name: props.currency.name })}</h1>
        <a class="button" href="/currencies">
          {t('currencies.title')}
        </a>
      </div>
      <RateResults rates={props.rates} nextHref={props.nextHref} firstHref={props.firstHref} />
    </>
  );
}
