import { PrintDocument, PrintToolbar } from './print-document';
import { formatDate, formatDateTime } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { t } from '../i18n/es-DO';
import type { LabOrderDetail } from '../queries/lab-orders';
import { labOrderNumber, priorityLabel } from './lab-orders';
import { displayMeasure } from './prescriptions';

const rxColumns = [
  ['Sphere', 'lab.rx.sphere'],
  ['Cylinder', 'lab.rx.cylinder'],
  ['Axis', 'lab.rx.axis'],
  ['Add', 'lab.rx.add'],
  ['Prism', 'lab.rx.prism'],
  ['Pd', 'lab.rx.pd'],
  ['Height', 'lab.rx.height'],
] as const;

/** One eye on one line for the 80 mm ticket: `Esf -2.25 · Cil -0.75 · Eje 180° · …`. */
function eyeLine(rx: Record<string, unknown>, eye: 'od' | 'oi'): string {
  return rxColumns
    .map(([measure, label]) => {
      const value = displayMeasure(rx, eye, measure);
      const base = measure === 'Prism' && rx[`${eye}PrismBase`] ? ` ${displayMeasure(rx, eye, 'PrismBase')}` : '';
      return value ? `${t(label)} ${value}${base}` : '';
    })
    .filter(Boolean)
    .join(' · ');
}

function Row(props: { label: string; value: string | null | undefined }) {
  if (!props.value) return null;
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

/** The lab ticket: what the lab needs (Rx, frame, lens), never prices unless asked for (`?prices=1`). */
export function LabOrderPrintPage(props: {
  order: LabOrderDetail;
  company: { name: string; phones: string | null; address: string | null } | null;
  format: 'a4' | '80mm';
  lines: Array<{ description: string; quantity: string; amount: string }> | null;
  today: string;
}) {
  const { order, format } = props;
  const number = labOrderNumber(order.number);
  const rx = order as unknown as Record<string, unknown>;
  const path = `/lab-orders/${order.id}/print`;
  return (
    <PrintDocument title={`${t('lab.order')} ${number}`} bodyClass={`print print-${format}`}>
      <PrintToolbar label={t('lab.print')}>
        <a href={`/lab-orders/${order.id}`}>← {t('lab.order')}</a>
        <a href={`${path}?format=a4`} aria-current={format === 'a4' ? 'page' : undefined}>
          {t('lab.printA4')}
        </a>
        <a href={`${path}?format=80mm`} aria-current={format === '80mm' ? 'page' : undefined}>
          {t('lab.print80')}
        </a>
        {order.invoiceId ? <a href={`${path}?format=${format}&prices=1`}>{t('lab.printPrices')}</a> : null}
      </PrintToolbar>
      <main class="sheet">
        <header class="doc-header">
          <div class="doc-company">
            <div>
              <p class="company-name">{props.company?.name}</p>
              {props.company?.phones ? <p>{props.company.phones}</p> : null}
            </div>
          </div>
          <div class="doc-title">
            <h1>{t('lab.order')}</h1>
            <dl class="doc-meta">
              <Row label="No." value={number} />
              <Row label={t('lab.createdOn')} value={formatDateTime(order.createdAt)} />
              <Row label={t('lab.promisedOn')} value={order.promisedOn ? formatDate(order.promisedOn) : null} />
              <Row label={t('lab.priority')} value={priorityLabel(order.priority)} />
            </dl>
          </div>
        </header>
        <dl class="doc-party">
          <Row label={t('lab.customer')} value={order.customerName} />
          <Row label={t('lab.phone')} value={order.customerPhone} />
          <Row label={t('lab.lab')} value={order.labName} />
          <Row label={t('lab.labReference')} value={order.labReference} />
        </dl>
        {format === '80mm' ? (
          <dl class="doc-party">
            {(['od', 'oi'] as const).map((eye) => (
              <Row label={t(eye === 'od' ? 'lab.rx.od' : 'lab.rx.oi')} value={eyeLine(rx, eye)} />
            ))}
          </dl>
        ) : (
          <table class="doc-lines lab-rx">
            <caption>{t('lab.rx')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('lab.rx.eye')}</th>
                {rxColumns.map(([, label]) => (
                  <th scope="col" class="num">
                    {t(label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(['od', 'oi'] as const).map((eye) => (
                <tr>
                  <th scope="row">{t(eye === 'od' ? 'lab.rx.od' : 'lab.rx.oi')}</th>
                  {rxColumns.map(([measure]) => (
                    <td class="num">
                      {displayMeasure(rx, eye, measure)}
                      {measure === 'Prism' && rx[`${eye}PrismBase`] ? ` ${displayMeasure(rx, eye, 'PrismBase')}` : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <dl class="doc-party">
          <Row label={t('lab.rx.pdTotal')} value={order.pd} />
          <Row
            label={t('lab.frame')}
            value={[order.frameProductName, order.frameDescription, order.frameOwn ? t('lab.frameOwn') : null]
              .filter(Boolean)
              .join(' · ')}
          />
          <Row
            label="A / B / DBL"
            value={
              order.frameA || order.frameB || order.frameDbl
                ? [order.frameA, order.frameB, order.frameDbl].map((v) => v ?? '—').join(' / ')
                : null
            }
          />
          <Row
            label={t('lab.lens')}
            value={[order.lensType, order.lensMaterial, order.lensIndex].filter(Boolean).join(' · ')}
          />
          <Row label={t('lab.treatments')} value={order.treatments.join(', ')} />
          <Row label={t('lab.tint')} value={order.tint} />
          <Row label={t('lab.notes')} value={order.notes} />
        </dl>
        {props.lines ? (
          <table class="doc-lines">
            <caption>{t('lab.prices')}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t('lab.lineQuantity')}
                </th>
                <th scope="col">{t('lab.lineDescription')}</th>
                <th scope="col" class="num">
                  {t('lab.lineTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.lines.map((line) => (
                <tr>
                  <td class="num">{line.quantity}</td>
                  <td class="description">{line.description}</td>
                  <td class="num">{formatMoney(line.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </main>
    </PrintDocument>
  );
}
