import { formatDate } from '../domain/dates';
import { formatMoney, sumDecimals } from '../domain/money';
import { paymentForms } from '../domain/ncf';
import { t, type MessageKey } from '../i18n/es-DO';
import type { DaySales, MethodAmount } from '../queries/dashboard';
import { lowStockThreshold } from '../queries/dashboard';
import type { Dashboard, SetupItem } from '../services/shop/dashboard';

const methodName = (method: string) => paymentForms[method as keyof typeof paymentForms] ?? method;

/** Where each checklist item is done. */
const setupLinks: Record<SetupItem, string> = {
  company: '/company',
  logo: '/company',
  sequences: '/sequences/new',
  ecf: '/settings/ecf',
  products: '/products/new',
  users: '/users/new',
  sale: '/invoices/new',
};

function href(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * The branch a figure's list is narrowed to: the dashboard's own; none for every branch, or when the
 * user has one branch (the list shows only it anyway).
 */
const listBranch = (dashboard: Dashboard): string | undefined =>
  dashboard.branch === 'all' || dashboard.branches.length < 2 ? undefined : dashboard.branch;

/** A figure that links to the list behind it. */
function Figure(props: { label: string; value: string; href: string; id?: string }) {
  return (
    <div class="dash-figure">
      <dt>{props.label}</dt>
      <dd>
        <a href={props.href} data-figure={props.id}>
          {props.value}
        </a>
      </dd>
    </div>
  );
}

function Card(props: { id: string; title: string; wide?: boolean; children: unknown }) {
  return (
    <section
      class={props.wide ? 'card dash-card dash-wide' : 'card dash-card'}
      id={`dash-${props.id}`}
      aria-labelledby={`dash-${props.id}-title`}
    >
      <h2 id={`dash-${props.id}-title`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/**
 * Bars drawn on the server: the SVG carries a title and a description, and the same numbers are in a
 * table for screen readers (the bars are only a picture of it).
 */
function BarChart(props: {
  id: string;
  title: string;
  description: string;
  bars: Array<{ label: string; amount: string }>;
  columns: [string, string];
  horizontal?: boolean;
}) {
  const values = props.bars.map((bar) => Math.max(0, Number(bar.amount)));
  const max = Math.max(...values, 0) || 1;
  const width = 300;
  const row = 32;
  const height = props.horizontal ? props.bars.length * row : 100;
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <figure class="dash-chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio={props.horizontal ? 'xMinYMin meet' : 'none'}
        class={props.horizontal ? 'dash-chart-h' : 'dash-chart-v'}
      >
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{props.description}</desc>
        {props.bars.map((bar, index) => {
          const share = values[index]! / max;
          if (props.horizontal) {
            return (
              <g>
                <text x="0" y={index * row + 11}>
                  {`${bar.label} · ${formatMoney(bar.amount)}`}
                </text>
                <rect
                  x="0"
                  y={index * row + 15}
                  width={Math.max(share * width, 1).toFixed(1)}
                  height="12"
                  class="dash-bar"
                >
                  <title>{`${bar.label}: ${formatMoney(bar.amount)}`}</title>
                </rect>
              </g>
            );
          }
          const slot = width / props.bars.length;
          const barHeight = share * (height - 2);
          return (
            <rect
              x={(index * slot + 1).toFixed(1)}
              y={(height - barHeight).toFixed(1)}
              width={(slot - 2).toFixed(1)}
              height={barHeight.toFixed(1)}
              class="dash-bar"
            >
              <title>{`${bar.label}: ${formatMoney(bar.amount)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption>{props.title}</figcaption>
      <table class="dash-hidden">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.columns[0]}</th>
            <th scope="col">{props.columns[1]}</th>
          </tr>
        </thead>
        <tbody>
          {props.bars.map((bar) => (
            <tr>
              <th scope="row">{bar.label}</th>
              <td>{formatMoney(bar.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function BranchFilter(props: { dashboard: Dashboard }) {
  const { branches, branch } = props.dashboard;
  if (branches.length < 2) return null;
  return (
    <form method="get" action="/" class="dash-filter">
      <label for="dash-branch">{t('dashboard.branch.label')}</label>
      <select id="dash-branch" name="branch">
        <option value="all" selected={branch === 'all'}>
          {t('dashboard.branch.all')}
        </option>
        {branches.map((option) => (
          <option value={option.id} selected={branch === option.id}>
            {option.name}
          </option>
        ))}
      </select>
      <button type="submit">{t('dashboard.branch.show')}</button>
    </form>
  );
}

function SetupChecklist(props: { setup: NonNullable<Dashboard['setup']> }) {
  const done = props.setup.items.filter((entry) => entry.done).length;
  return (
    <Card id="setup" title={t('dashboard.setup.title')}>
      <p>{t('dashboard.setup.lead', { done: String(done), total: String(props.setup.items.length) })}</p>
      <ol class="dash-checklist">
        {props.setup.items.map((entry) => (
          <li
            data-item={entry.item}
            data-done={entry.done ? 'true' : 'false'}
            class={entry.done ? 'is-done' : undefined}
          >
            <span class="dash-check" aria-hidden="true">
              {entry.done ? '✓' : '○'}
            </span>
            {entry.done ? (
              <span>
                {t(`dashboard.setup.${entry.item}` as MessageKey)}{' '}
                <span class="dash-hidden">— {t('dashboard.setup.done')}</span>
              </span>
            ) : (
              <a href={setupLinks[entry.item]}>
                {t(`dashboard.setup.${entry.item}` as MessageKey)}
                <span class="dash-hidden"> — {t('dashboard.setup.pending')}</span>
              </a>
            )}
          </li>
        ))}
      </ol>
      {props.setup.canDismiss ? (
        <form method="post" action="/setup/dismiss">
          <button type="submit" class="secondary">
            {t('dashboard.setup.dismiss')}
          </button>
        </form>
      ) : null}
    </Card>
  );
}

function SalesCard(props: { dashboard: Dashboard }) {
  const { figures, dates } = props.dashboard;
  const days: DaySales[] = figures.salesByDay ?? [];
  const total = sumDecimals(
    days.map((day) => day.amount),
    2,
  );
  const max = days.reduce((best, day) => (Number(day.amount) > Number(best.amount) ? day : best), days[0]!);
  return (
    <Card id="sales" title={t('dashboard.sales.title')}>
      <dl class="dash-figures">
        <Figure
          id="sales-today"
          label={t('dashboard.sales.today')}
          value={formatMoney(figures.salesToday)}
          href={href('/invoices', { from: dates.today, to: dates.today, branch: listBranch(props.dashboard) })}
        />
        <Figure
          id="sales-month"
          label={t('dashboard.sales.month')}
          value={formatMoney(figures.salesMonth)}
          href={href('/invoices', { from: dates.monthStart, to: dates.today, branch: listBranch(props.dashboard) })}
        />
      </dl>
      <p class="dash-note">{t('dashboard.sales.note')}</p>
      {days.length ? (
        <BarChart
          id="dash-sales-chart"
          title={t('dashboard.sales.chart')}
          description={t('dashboard.sales.chartDesc', {
            from: formatDate(dates.chartStart),
            to: formatDate(dates.today),
            total: formatMoney(total),
            max: `${formatDate(max?.day)} (${formatMoney(max?.amount)})`,
          })}
          bars={days.map((day) => ({ label: formatDate(day.day), amount: day.amount }))}
          columns={[t('dashboard.sales.day'), t('dashboard.sales.amount')]}
        />
      ) : null}
    </Card>
  );
}

function CollectionsCard(props: { dashboard: Dashboard }) {
  const { figures, dates } = props.dashboard;
  const month: MethodAmount[] = figures.collectedMonth ?? [];
  const today = new Map((figures.collectedToday ?? []).map((row) => [row.method, row.amount]));
  const monthTotal = sumDecimals(
    month.map((row) => row.amount),
    2,
  );
  const todayTotal = sumDecimals([...today.values()], 2);
  const link = (method: string | undefined, from: string) =>
    href('/payments', { from, to: dates.today, method, branch: listBranch(props.dashboard) });
  return (
    <Card id="collections" title={t('dashboard.collections.title')} wide>
      {month.length ? (
        <div class="dash-table-scroll">
          <table class="dash-table">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.collections.method')}</th>
                <th scope="col" class="number">
                  {t('dashboard.collections.today')}
                </th>
                <th scope="col" class="number">
                  {t('dashboard.collections.month')}
                </th>
              </tr>
            </thead>
            <tbody>
              {month.map((row) => (
                <tr data-method={row.method}>
                  <th scope="row">{methodName(row.method)}</th>
                  <td class="number">
                    <a href={link(row.method, dates.today)}>{formatMoney(today.get(row.method) ?? '0')}</a>
                  </td>
                  <td class="number">
                    <a href={link(row.method, dates.monthStart)}>{formatMoney(row.amount)}</a>
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-method="total">
                <th scope="row">{t('dashboard.collections.total')}</th>
                <td class="number">
                  <a href={link(undefined, dates.today)}>{formatMoney(todayTotal)}</a>
                </td>
                <td class="number">
                  <a href={link(undefined, dates.monthStart)}>{formatMoney(monthTotal)}</a>
                </td>
              </tr>
              <tr data-method="refunds">
                <th scope="row">{t('dashboard.collections.refunds')}</th>
                <td class="number">{formatMoney(figures.refundedToday)}</td>
                <td class="number">{formatMoney(figures.refundedMonth)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p>{t('dashboard.collections.none')}</p>
      )}
      {month.length ? (
        <BarChart
          id="dash-methods-chart"
          horizontal
          title={t('dashboard.collections.chart')}
          description={t('dashboard.collections.chartDesc', { total: formatMoney(monthTotal) })}
          bars={month.map((row) => ({ label: methodName(row.method), amount: row.amount }))}
          columns={[t('dashboard.collections.method'), t('dashboard.collections.month')]}
        />
      ) : null}
    </Card>
  );
}

function ReceivablesCard(props: { dashboard: Dashboard }) {
  const ageing = props.dashboard.receivables;
  if (!ageing) return null;
  const link = (bucket?: string) => href('/receivables', { age: bucket, branchId: listBranch(props.dashboard) });
  return (
    <Card id="receivables" title={t('dashboard.receivables.title')}>
      <dl class="dash-figures">
        {(['current', 'days31to60', 'days61to90', 'over90'] as const).map((bucket) => (
          <Figure
            id={`receivables-${bucket}`}
            label={t(`dashboard.receivables.${bucket}`)}
            value={formatMoney(ageing[bucket])}
            href={link(bucket)}
          />
        ))}
        <Figure
          id="receivables-total"
          label={t('dashboard.receivables.total')}
          value={formatMoney(ageing.total)}
          href={link()}
        />
      </dl>
      <p class="dash-note">{t('dashboard.receivables.customers', { count: String(ageing.customers) })}</p>
    </Card>
  );
}

function QuotationsCard(props: { dashboard: Dashboard }) {
  const { figures } = props.dashboard;
  return (
    <Card id="quotations" title={t('dashboard.quotations.title')}>
      <dl class="dash-figures">
        <Figure
          id="quotations-open"
          label={t('dashboard.quotations.open')}
          value={String(figures.openQuotations ?? 0)}
          href={href('/quotations', { status: 'open', branch: listBranch(props.dashboard) })}
        />
        <Figure
          id="quotations-open-total"
          label={t('dashboard.quotations.openTotal')}
          value={formatMoney(figures.openQuotationsTotal)}
          href={href('/quotations', { status: 'open', branch: listBranch(props.dashboard) })}
        />
        <Figure
          id="drafts"
          label={t('dashboard.quotations.drafts')}
          value={String(figures.drafts ?? 0)}
          href={href('/invoices', { status: 'draft', branch: listBranch(props.dashboard) })}
        />
      </dl>
    </Card>
  );
}

function MarginCard(props: { dashboard: Dashboard }) {
  if (!props.dashboard.show.margins) return null;
  return (
    <Card id="margin" title={t('dashboard.margin.title')}>
      <p class="dash-big" data-figure="margin-month">
        {formatMoney(props.dashboard.figures.marginMonth)}
      </p>
      <p class="dash-note">{t('dashboard.margin.note')}</p>
    </Card>
  );
}

function SequencesCard(props: { dashboard: Dashboard }) {
  const sequences = props.dashboard.figures.sequences;
  if (!props.dashboard.show.sequences || !sequences) return null;
  return (
    <Card id="sequences" title={t('dashboard.sequences.title')}>
      {sequences.length ? (
        <ul class="dash-list">
          {sequences.map((sequence) => (
            <li data-sequence={sequence.id}>
              <a href={`/sequences/${sequence.id}`}>{sequence.prefix}</a>{' '}
              {t('dashboard.sequences.remaining', {
                count: sequence.remaining.toLocaleString('en-US'),
                size: sequence.size.toLocaleString('en-US'),
              })}
              {sequence.validUntil
                ? `, ${t('dashboard.sequences.expires', { date: formatDate(sequence.validUntil) })}`
                : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('dashboard.sequences.none')}</p>
      )}
      <p>
        <a href="/sequences">{t('dashboard.more')}</a>
      </p>
    </Card>
  );
}

function StockCard(props: { dashboard: Dashboard; branch: string }) {
  const { figures } = props.dashboard;
  // An empty branch is every branch on /stock (absent would mean the current one).
  const list = `/stock?${new URLSearchParams({ low: '1', branch: props.branch })}`;
  return (
    <Card id="stock" title={t('dashboard.stock.title')}>
      {figures.lowStockCount ? (
        <>
          <p>
            <a href={list} data-figure="low-stock">
              {t('dashboard.stock.lead', {
                count: String(figures.lowStockCount),
                threshold: String(lowStockThreshold),
              })}
            </a>
          </p>
          <ul class="dash-list">
            {figures.lowStock.map((item) => (
              <li>
                <a href={`/products/${item.productId}`}>{item.name}</a> · {item.branchName} ·{' '}
                {t('dashboard.stock.units', { count: String(item.quantity) })}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('dashboard.stock.none')}</p>
      )}
    </Card>
  );
}

function PatientsCard(props: { dashboard: Dashboard }) {
  const { figures, dates } = props.dashboard;
  return (
    <Card id="patients" title={t('dashboard.patients.title')}>
      {figures.dueCount ? (
        <>
          <p>
            <a
              href={href('/prescriptions', { due: 'week', branch: listBranch(props.dashboard) })}
              data-figure="patients-due"
            >
              {t('dashboard.patients.lead', {
                count: String(figures.dueCount),
                from: formatDate(dates.weekStart),
                to: formatDate(dates.weekEnd),
              })}
            </a>
          </p>
          <ul class="dash-list">
            {figures.due.map((patient) => (
              <li>
                <a href={`/contacts/${patient.patientId}`}>{patient.name}</a> · {formatDate(patient.nextVisitOn)}
                {patient.phone ? ` · ${patient.phone}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('dashboard.patients.none')}</p>
      )}
    </Card>
  );
}

/** Lab orders due or ready arrive with issue 14: their card goes here, with no figure until then. */
function LabOrdersCard() {
  return null;
}

export function DashboardPage(props: { name: string; dashboard: Dashboard }) {
  const { dashboard } = props;
  const stockBranch = dashboard.branch === 'all' ? '' : dashboard.branch;
  return (
    <div class="dashboard">
      <div class="page-head">
        <h1>{t('dashboard.hello', { name: props.name })}</h1>
        <BranchFilter dashboard={dashboard} />
      </div>
      <p class="dash-note">{t('dashboard.asOf', { date: formatDate(dashboard.dates.today) })}</p>
      {dashboard.setup ? <SetupChecklist setup={dashboard.setup} /> : null}
      <div class="dash-grid">
        {dashboard.show.sales ? (
          <>
            <SalesCard dashboard={dashboard} />
            <CollectionsCard dashboard={dashboard} />
          </>
        ) : null}
        <ReceivablesCard dashboard={dashboard} />
        {dashboard.show.sales ? <QuotationsCard dashboard={dashboard} /> : null}
        <MarginCard dashboard={dashboard} />
        <SequencesCard dashboard={dashboard} />
        <PatientsCard dashboard={dashboard} />
        <StockCard dashboard={dashboard} branch={stockBranch} />
        <LabOrdersCard />
      </div>
    </div>
  );
}
