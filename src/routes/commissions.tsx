import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { commissionRuleForm } from '../schemas/commissions';
import {
  closeCommissionPeriod,
  commissionPeriod,
  type CommissionReport,
  getCommissionReport,
  commissionRulesPage,
  retireCommissionRule,
  saveCommissionRule,
} from '../services/shop/commissions';
import { CommissionRulesPage, CommissionsPage, CommissionsPrintPage, type RuleFormValues } from '../views/commissions';

/** Shop screens: the commission report per month (screen, print, CSV, close) and its rules. */
export const commissionsRoutes = factory.createApp();

const periodOf = (c: Context<SignedInEnv>) => commissionPeriod(c.req.query('period'));

commissionsRoutes.get('/commissions', requirePermission('commissions.manage'), async (c) => {
  const report = await getCommissionReport(shopContext(c), periodOf(c));
  const notice = c.req.query('notice') === 'closed' ? t('commissions.closed', { period: report.period }) : null;
  return c.render(<CommissionsPage report={report} notice={notice} />, {
    title: t('commissions.title'),
    current: '/commissions',
  });
});

commissionsRoutes.post('/commissions/close', requirePermission('commissions.manage'), async (c) => {
  const ctx = shopContext(c);
  const period = periodOf(c);
  try {
    await closeCommissionPeriod(ctx, period);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    c.status(409);
    return c.render(<CommissionsPage report={await getCommissionReport(ctx, period)} error={error.message} />, {
      title: t('commissions.title'),
      current: '/commissions',
    });
  }
  return c.redirect(`/commissions?period=${period}&notice=closed`, 303);
});

commissionsRoutes.get('/commissions/print', requirePermission('commissions.manage'), async (c) => {
  const report = await getCommissionReport(shopContext(c), periodOf(c));
  return c.html(<CommissionsPrintPage report={report} shopName={c.var.session.shopName} />);
});

/** One quoted CSV field (RFC 4180), with a leading formula character neutralised for spreadsheets. */
const csvField = (value: string) => {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n;]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

function reportCsv(report: CommissionReport): string {
  const header = [
    t('commissions.csv.period'),
    t('commissions.seller'),
    t('commissions.document'),
    'NCF',
    t('commissions.issuedOn'),
    t('commissions.countsOn'),
    t('commissions.customer'),
    t('commissions.base'),
    t('commissions.amount'),
  ];
  const rows = report.sellers.flatMap((seller) =>
    seller.documents.map((doc) => [
      report.period,
      seller.sellerName,
      t(`commissions.kind.${doc.kind}`),
      doc.ncf ?? '',
      doc.issuedOn,
      doc.countsOn ?? '',
      doc.customerName ?? '',
      doc.base,
      doc.amount,
    ]),
  );
  const totals = report.sellers.map((seller) => [
    report.period,
    seller.sellerName,
    t('commissions.total'),
    '',
    '',
    '',
    '',
    seller.base,
    seller.amount,
  ]);
  return `\uFEFF${[header, ...rows, ...totals].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

commissionsRoutes.get('/commissions.csv', requirePermission('commissions.manage'), async (c) => {
  const report = await getCommissionReport(shopContext(c), periodOf(c));
  return c.body(reportCsv(report), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="comisiones-${report.period}.csv"`,
  });
});

async function renderRules(
  c: Context<SignedInEnv>,
  form: { values?: RuleFormValues; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  const ctx = shopContext(c);
  const { rules, sellers } = await commissionRulesPage(ctx);
  const notice = status === 200 ? c.req.query('notice') : undefined;
  c.status(status);
  return c.render(
    <CommissionRulesPage
      rules={rules}
      sellers={sellers}
      values={form.values ?? {}}
      errors={form.errors}
      notice={
        notice === 'saved' ? t('commissions.rules.saved') : notice === 'retired' ? t('commissions.rules.retired') : null
      }
    />,
    { title: t('commissions.rules.title'), current: '/commissions' },
  );
}

const submittedRule = (body: Record<string, unknown>): RuleFormValues => ({
  sellerId: typeof body.sellerId === 'string' ? body.sellerId : null,
  category: typeof body.category === 'string' ? body.category : null,
  rate: typeof body.rate === 'string' ? body.rate : null,
});

commissionsRoutes.get('/commissions/rules', requirePermission('commissions.manage'), (c) => renderRules(c));

commissionsRoutes.post(
  '/commissions/rules',
  requirePermission('commissions.manage'),
  validForm(commissionRuleForm, (c, errors, submitted) =>
    renderRules(c as Context<SignedInEnv>, { values: submittedRule(submitted), errors }, 422),
  ),
  async (c) => {
    try {
      await saveCommissionRule(shopContext(c), c.req.valid('form'));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation') throw error;
      const values = submittedRule(await c.req.parseBody());
      return renderRules(c, { values, errors: error.fields ?? {} }, 422);
    }
    return c.redirect('/commissions/rules?notice=saved', 303);
  },
);

commissionsRoutes.post('/commissions/rules/:id/retire', requirePermission('commissions.manage'), async (c) => {
  await retireCommissionRule(shopContext(c), idParam(c));
  return c.redirect('/commissions/rules?notice=retired', 303);
});
