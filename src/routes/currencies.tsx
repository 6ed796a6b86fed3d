import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { recordActivity } from '../queries/audit';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { listCurrencies, rateHistory, saveRate } from '../queries/currencies';
import { currencyCodeParam, isIsoDate, rateForm } from '../schemas/currencies';
import type { FieldErrors } from '../errors';
import { formatDate, shopToday } from '../domain/dates';
import { CurrenciesPage, RateHistoryPage, RateResults, formatRate, type RateFormValues } from '../views/currencies';
import { wantsFragment } from '../http/fragments';

/** Shop screens: currencies. */
export const currenciesRoutes = factory.createApp();

async function renderCurrencies(
  c: Context<SignedInEnv>,
  form: { values?: RateFormValues; errors?: FieldErrors; notice?: string | null } = {},
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const currencies = await listCurrencies(c.var.db);
  const canManage = can(user.role, 'currencies.manage');
  c.status(status);
  return c.render(
    <CurrenciesPage
      currencies={currencies}
      form={
        canManage ? { values: form.values ?? { validOn: shopToday() }, errors: form.errors, notice: form.notice } : null
      }
    />,
    { title: t('currencies.title'), current: '/currencies' },
  );
}

currenciesRoutes.get('/currencies', requirePermission('currencies.view'), (c) => renderCurrencies(c));

function submittedRate(form: Record<string, unknown>): RateFormValues {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  return { currency: text('currency'), rate: text('rate'), validOn: text('validOn') };
}

currenciesRoutes.post(
  '/currencies/rates',
  requirePermission('currencies.manage'),
  validForm(rateForm, (c, errors, submitted) => renderCurrencies(c, { values: submittedRate(submitted), errors }, 422)),
  async (c) => {
    const { currency, rate, validOn } = c.req.valid('form');
    const saved = await saveRate(c.var.db, currency, rate, validOn);
    if (!saved.ok) {
      const message = saved.reason === 'base' ? t('currencies.validation.base') : t('currencies.validation.unknown');
      return renderCurrencies(c, { values: { currency, rate, validOn }, errors: { currency: message } }, 422);
    }
    await recordActivity(c.var.db, c.var.session, 'currency.rate.saved', {
      currency,
      rate: saved.rate.rate,
      validOn: saved.rate.validOn,
    });
    const notice = t('currencies.addRate.done', {
      currency,
      date: formatDate(saved.rate.validOn),
      rate: formatRate(saved.rate.rate),
    });
    return renderCurrencies(c, { values: { currency, validOn }, notice });
  },
);

currenciesRoutes.get('/currencies/:code', requirePermission('currencies.view'), async (c) => {
  const code = currencyCodeParam.safeParse(c.req.param('code'));
  if (!code.success) throw new AppError('not_found');
  const beforeParam = c.req.query('before');
  const before = beforeParam && isIsoDate(beforeParam) ? beforeParam : null;
  const history = await rateHistory(c.var.db, code.data, { before, limit: 50 });
  if (!history) throw new AppError('not_found');
  const page = {
    rates: history.rates,
    nextHref: history.next ? `/currencies/${code.data}?before=${history.next}` : null,
    firstHref: before ? `/currencies/${code.data}` : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<RateResults {...page} />);
  return c.render(<RateHistoryPage currency={history.currency} {...page} />, {
    title: t('currencies.history.title', { code: history.currency.code, name: history.currency.name }),
    current: '/currencies',
  });
});
