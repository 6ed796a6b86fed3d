import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { formatDate, shopToday } from '../domain/dates';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { currencyCodeParam, isIsoDate, rateForm } from '../schemas/currencies';
import { listCurrencies, rateHistory, recordRate } from '../services/shop/currencies';
import { CurrenciesPage, RateHistoryPage, RateResults, formatRate, type RateFormValues } from '../views/currencies';

/** Shop screens: currencies. */
export const currenciesRoutes = factory.createApp();

async function renderCurrencies(
  c: Context<SignedInEnv>,
  form: { values?: RateFormValues; errors?: FieldErrors; notice?: string | null } = {},
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const currencies = await listCurrencies(shopContext(c));
  const canManage = can(user, 'currencies.manage');
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
    let saved: Awaited<ReturnType<typeof recordRate>>;
    try {
      saved = await recordRate(shopContext(c), { currency, rate, validOn });
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      return renderCurrencies(c, { values: { currency, rate, validOn }, errors: error.fields }, 422);
    }
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
  const history = await rateHistory(shopContext(c), code.data, { before, limit: 50 });
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
