import { can, type Permission } from '../../auth/permissions';
import {
  build607,
  checkPeriod,
  format607,
  format608,
  reportFileName,
  reportRnc,
  type Period,
} from '../../domain/dgii-reports';
import { shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import { dgiiPeriodData, dgiiPreview, type DgiiPreview } from '../../queries/reports';
import type { ShopContext } from './context';

export type { DgiiPreview };

export interface DgiiReportFile {
  fileName: string;
  text: string;
}

function requireRight(ctx: ShopContext, permission: Permission): void {
  if (!can(ctx.actor.role, permission)) throw new AppError('forbidden');
}

/** The period of a request, or a 422 on `period` (malformed, or a month after the current one). */
export function requirePeriod(value: string | undefined | null, today = shopToday()): Period {
  const checked = checkPeriod(value, today);
  if (checked.ok) return checked.period;
  const message = t(checked.error === 'future' ? 'reports.validation.future' : 'reports.validation.period');
  throw new AppError('validation', message, { period: message });
}

/** The RNC digits the files are headed with, or a 422 telling the shop to configure it. */
export function requireRnc(rnc: string | null): string {
  const digits = reportRnc(rnc);
  if (digits) return digits;
  const message = t('reports.validation.noRnc');
  throw new AppError('validation', message, { rnc: message });
}

/** Counts and totals of both reports of a (checked) period, before downloading. */
export async function previewDgiiReports(ctx: ShopContext, period: Period): Promise<DgiiPreview> {
  requireRight(ctx, 'reports.dgii');
  return dgiiPreview(ctx.db, period);
}

/**
 * The 607 or 608 TXT of a requested period, read by the query that also writes `report.exported`
 * by the actor in the activity log.
 */
export async function exportDgiiReport(
  ctx: ShopContext,
  report: '607' | '608',
  requestedPeriod: string | undefined | null,
): Promise<DgiiReportFile> {
  requireRight(ctx, 'reports.dgii');
  const period = requirePeriod(requestedPeriod);
  const exportedBy = { actor: actorLabel(ctx.actor), report };
  const data = await dgiiPeriodData(
    ctx.db,
    period,
    report === '607' ? { sales: true, exportedBy } : { voided: true, exportedBy },
  );
  const rnc = requireRnc(data.rnc);
  const text = report === '607' ? format607(rnc, build607(period, data.sales)) : format608(rnc, period, data.voided);
  return { fileName: reportFileName(report, rnc, period), text };
}
