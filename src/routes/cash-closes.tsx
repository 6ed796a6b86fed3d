import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { AppError, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  cashCloseForm,
  closeBranchDay,
  closeCashRegister,
  getCashClose,
  listCashCloses,
  type CountInput,
} from '../services/shop/cash-closes';
import {
  CashCloseResults,
  CashClosePage,
  CashClosesPage,
  CountDifferences,
  CountStatus,
  NewCashClosePage,
  cashClosePrintModel,
} from '../views/cash-closes';
import { PrintPage, printFormat } from '../views/print';

/** Shop screens: cash closes (cuadre de caja). */
export const cashClosesRoutes = factory.createApp();

const pageSize = 50;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string) : '';

/** The counts of a posted close form: one `lines` entry (`method:currency`) per line, its count in count_<method>_<currency>. */
function postedCounts(body: Record<string, unknown>): CountInput[] {
  const raw = body.lines;
  const lines = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(
    (value): value is string => typeof value === 'string',
  );
  return lines.map((line) => {
    const [method = '', currency = ''] = line.split(':');
    return { method, currency, counted: text(body, `count_${method}_${currency}`) };
  });
}

async function renderNew(
  c: Context<SignedInEnv>,
  input: { branchId?: string | null; counts?: CountInput[]; note?: string },
  state: { errors?: FieldErrors; message?: string | null } = {},
  status: 200 | 409 | 422 = 200,
) {
  const form = await cashCloseForm(shopContext(c), input);
  c.status(Object.keys(form.errors).length && status === 200 && input.counts ? 422 : status);
  return c.render(<NewCashClosePage form={form} note={input.note} errors={state.errors} message={state.message} />, {
    title: t('cashCloses.new.title'),
    current: '/cash-closes',
  });
}

cashClosesRoutes.get('/cash-closes', requirePermission('cashCloses.close'), async (c) => {
  const query = (name: string, pattern: RegExp) => {
    const value = c.req.query(name)?.trim();
    return value && pattern.test(value) ? value : undefined;
  };
  const filter = {
    branchId: query('branchId', uuidPattern),
    cashierId: query('cashierId', uuidPattern),
    from: query('from', datePattern),
    to: query('to', datePattern),
  };
  const after = createdCursor.decode(c.req.query('cursor'));
  const { rows, next, cashiers } = await listCashCloses(shopContext(c), { ...filter, after, limit: pageSize });
  const params = new URLSearchParams(
    Object.entries(filter).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const href = (extra: Record<string, string>) => {
    const all = new URLSearchParams(params);
    for (const [key, value] of Object.entries(extra)) all.set(key, value);
    const query = all.toString();
    return query ? `/cash-closes?${query}` : '/cash-closes';
  };
  const list = {
    rows,
    nextHref: next ? href({ cursor: createdCursor.encode(next) }) : null,
    firstHref: after ? href({}) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<CashCloseResults {...list} />);
  const user = c.var.session;
  return c.render(
    <CashClosesPage
      {...list}
      filter={filter}
      branches={user.branches}
      cashiers={cashiers}
      branchClose={can(user, 'cashCloses.viewAll') ? { branchId: user.branch?.id ?? null, today: shopToday() } : null}
    />,
    { title: t('cashCloses.title'), current: '/cash-closes' },
  );
});

cashClosesRoutes.get('/cash-closes/new', requirePermission('cashCloses.close'), (c) => {
  const branchId = c.req.query('branchId');
  return renderNew(c, { branchId: branchId && uuidPattern.test(branchId) ? branchId : null });
});

/** The "Calcular" submit without JavaScript: the same page with the differences of what was typed. */
cashClosesRoutes.post('/cash-closes/new', requirePermission('cashCloses.close'), async (c) => {
  const body = await c.req.parseBody({ all: true });
  return renderNew(c, {
    branchId: text(body, 'branchId') || null,
    counts: postedCounts(body),
    note: text(body, 'note'),
  });
});

/** htmx, as the cashier types: the differences (out of band) and the status line. */
cashClosesRoutes.post('/cash-closes/preview', requirePermission('cashCloses.close'), async (c) => {
  const body = await c.req.parseBody({ all: true });
  const form = await cashCloseForm(shopContext(c), {
    branchId: text(body, 'branchId') || null,
    counts: postedCounts(body),
  });
  return c.html(
    <>
      <CountStatus form={form} />
      <CountDifferences lines={form.lines} oob />
    </>,
  );
});

cashClosesRoutes.post('/cash-closes', requirePermission('cashCloses.close'), async (c) => {
  const body = await c.req.parseBody({ all: true });
  const input = {
    branchId: text(body, 'branchId') || null,
    counts: postedCounts(body),
    note: text(body, 'note'),
    through: text(body, 'through') || null,
  };
  try {
    const close = await closeCashRegister(shopContext(c), input);
    return c.redirect(`/cash-closes/${close.id}?notice=closed`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
    const { _form, ...fields } = error.fields ?? {};
    return renderNew(
      c,
      input,
      { errors: fields, message: _form ?? (Object.keys(fields).length ? null : error.publicMessage) },
      error.code === 'conflict' ? 409 : 422,
    );
  }
});

cashClosesRoutes.post('/cash-closes/branch', requirePermission('cashCloses.viewAll'), async (c) => {
  const body = await c.req.parseBody();
  const businessDate = text(body, 'businessDate');
  try {
    if (!datePattern.test(businessDate)) {
      const message = t('cashCloses.error.date');
      throw new AppError('validation', message, { businessDate: message });
    }
    const close = await closeBranchDay(shopContext(c), {
      branchId: text(body, 'branchId') || null,
      businessDate,
      note: text(body, 'note'),
    });
    return c.redirect(`/cash-closes/${close.id}?notice=closed`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
    const user = c.var.session;
    const { rows, next, cashiers } = await listCashCloses(shopContext(c), { limit: pageSize });
    c.status(error.code === 'conflict' ? 409 : 422);
    return c.render(
      <CashClosesPage
        rows={rows}
        nextHref={next ? `/cash-closes?cursor=${createdCursor.encode(next)}` : null}
        firstHref={null}
        filter={{}}
        branches={user.branches}
        cashiers={cashiers}
        branchClose={{
          branchId: text(body, 'branchId') || null,
          today: datePattern.test(businessDate) ? businessDate : shopToday(),
          errors: error.fields ?? undefined,
          message: error.publicMessage,
        }}
      />,
      { title: t('cashCloses.title'), current: '/cash-closes' },
    );
  }
});

cashClosesRoutes.get('/cash-closes/:id', requirePermission('cashCloses.close'), async (c) => {
  const close = await getCashClose(shopContext(c), idParam(c));
  return c.render(<CashClosePage close={close} notice={c.req.query('notice') === 'closed'} />, {
    title: t('cashCloses.detail.title', { number: close.number }),
    current: '/cash-closes',
  });
});

cashClosesRoutes.get('/cash-closes/:id/print', requirePermission('cashCloses.close'), async (c) => {
  const close = await getCashClose(shopContext(c), idParam(c));
  c.header('Cache-Control', 'private, no-store');
  return c.html(
    <PrintPage
      model={cashClosePrintModel(close)}
      format={printFormat(c.req.query('format'))}
      path={`/cash-closes/${close.id}/print`}
      backHref={`/cash-closes/${close.id}`}
    />,
  );
});
