import { raisedCode, raisedDetail } from '../db/raised';
import { refusals, type Refusal, type RefusalSource } from '../domain/refusals';
import { AppError, sequenceFix } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';

type CataloguedRefusal = Refusal & { message?: MessageKey };

// Typed with catalogue keys: a registry message that is not one does not compile.
const registry: Record<string, Partial<Record<RefusalSource | 'any', CataloguedRefusal>>> = refusals;

/**
 * The AppError for a refusal raised by one of our SQL functions (src/domain/refusals.ts); `type` is
 * the document type being numbered (messages, and the fix link of a missing series). A code the
 * registry does not know is a generic 409, never a 500; an error that is no refusal is thrown as it is.
 */
export function refusalError(error: unknown, source: RefusalSource, params: { type?: string } = {}): AppError {
  const code = raisedCode(error);
  if (code === null) throw error;
  const entry = Object.hasOwn(registry, code) ? registry[code] : undefined;
  const refusal = entry?.[source] ?? entry?.any;
  if (!refusal) {
    console.error(`unmapped SQL refusal optiflow:${code} (${source})`);
    return new AppError('conflict', t('error.conflict.body'));
  }
  const values: Record<string, string> = params.type === undefined ? {} : { type: params.type };
  if (refusal.detailParam) values[refusal.detailParam] = raisedDetail(error) ?? '';
  const message = refusal.message ? t(refusal.message, values) : null;
  const fix =
    refusal.fix === 'sequence'
      ? sequenceFix(code, params.type ?? '')
      : refusal.fix === 'company'
        ? { href: '/company', label: t('invoices.fix.company') }
        : null;
  return new AppError(refusal.error, message, refusal.field && message ? { [refusal.field]: message } : null, fix);
}
