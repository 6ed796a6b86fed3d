import {
  checkPeriod,
  format607Line,
  format608Line,
  reportFileName,
  reportHeader,
  reportRnc,
  start607,
  type Period,
  type SalesDocument,
  type VoidedDocument,
} from '../../domain/dgii-reports';
import { shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import {
  dgiiPeriodHead,
  dgiiPreview,
  dgiiSalesPage,
  dgiiVoidedPage,
  type DgiiPreview,
  reportPageSize,
  type ReportCursor,
} from '../../queries/reports';
import { requireRight, type ShopContext } from './context';

export type { DgiiPreview };

export interface DgiiReportFile {
  fileName: string;
  /** The TXT, written page by page as the month's documents are read (bounded memory at any size). */
  body: ReadableStream<Uint8Array>;
}

/** Every page of a period's documents in file order, one keyset page in memory at a time. */
async function* pages<T extends ReportCursor>(
  first: T[],
  read: (cursor: ReportCursor) => Promise<T[]>,
): AsyncGenerator<T[]> {
  let page = first;
  for (;;) {
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < reportPageSize) return;
    page = await read({ issuedOn: last.issuedOn, ncf: last.ncf });
  }
}

/** The period of a request, or a 422 on `period` (malformed, or a month after the current one). */
/**
 * A DGII file's body: the generator's text, UTF-8, pulled one piece at a time as the client reads
 * (so a month's lines are never all in memory); a cancelled download stops the generator.
 */
export function textStream(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

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

/**
 * Counts and totals of both reports of a (checked) period, before downloading: aggregates computed
 * in Postgres (one row, one statement, whatever the month's size), equal to what start607 computes
 * while writing the file.
 */
export async function previewDgiiReports(ctx: ShopContext, period: Period): Promise<DgiiPreview> {
  requireRight(ctx, 'reports.dgii');
  return dgiiPreview(ctx.db, period);
}

/**
 * The 607 or 608 TXT of a requested period. The statement that counts the lines for the header
 * also writes `report.exported` by the actor in the activity log; the lines are then streamed a
 * page at a time. Should the month change between the count and the last page (a document issued
 * or voided meanwhile), the stream fails rather than hand over a file whose header lies.
 */
export async function exportDgiiReport(
  ctx: ShopContext,
  report: '607' | '608',
  requestedPeriod: string | undefined | null,
): Promise<DgiiReportFile> {
  requireRight(ctx, 'reports.dgii');
  const period = requirePeriod(requestedPeriod);
  const exportedBy = { actor: actorLabel(ctx.actor), report };
  const head =
    report === '607'
      ? await dgiiPeriodHead(ctx.db, period, 'sales', exportedBy)
      : await dgiiPeriodHead(ctx.db, period, 'voided', exportedBy);
  const rnc = requireRnc(head.rnc);
  const expected = report === '607' ? head.salesLines : head.voidedCount;
  async function* lines(): AsyncGenerator<string> {
    yield reportHeader(report, rnc, period, expected);
    let written = 0;
    if (report === '607') {
      const builder = start607();
      const first = head.firstPage as SalesDocument[];
      for await (const page of pages(first, (cursor) => dgiiSalesPage(ctx.db, period, cursor))) {
        let chunk = '';
        for (const document of page) {
          const line = builder.add(document);
          if (line) {
            chunk += format607Line(line);
            written += 1;
          }
        }
        yield chunk;
      }
    } else {
      const first = head.firstPage as VoidedDocument[];
      for await (const page of pages(first, (cursor) => dgiiVoidedPage(ctx.db, period, cursor))) {
        written += page.length;
        yield page.map(format608Line).join('');
      }
    }
    if (written !== expected)
      throw new Error(`${report} of ${period}: ${written} lines written, header says ${expected}`);
  }
  return { fileName: reportFileName(report, rnc, period), body: textStream(lines()) };
}
