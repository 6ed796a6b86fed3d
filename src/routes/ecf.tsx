import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { ecfRangeCancel } from '../schemas/ecf-cancellations';
import { listUnfinishedEcfDocuments, retryEcf } from '../services/shop/ecf';
import { cancelEcfRange, ecfCancellationsPage, retryEcfCancellation } from '../services/shop/ecf-cancellations';
import { EcfPendingPage } from '../views/ecf';
import {
  ecfFallbackPage,
  endEcfFallback,
  retryFallbackReplacements,
  startEcfFallback,
} from '../services/shop/ecf-fallbacks';
import { EcfCancellationsPage, type EcfCancellationsPageProps } from '../views/ecf-cancellations';
import { EcfFallbackView } from '../views/ecf-fallbacks';

/** Shop screens: e-CF waiting for DGII or rejected by it (/ecf), and "Reintentar ahora". */
export const ecfRoutes = factory.createApp();

ecfRoutes.get('/ecf', requirePermission('invoices.view'), async (c) => {
  const rows = await listUnfinishedEcfDocuments(shopContext(c));
  const retried = c.req.query('retried');
  return c.render(
    <EcfPendingPage
      rows={rows}
      canRetry={can(c.var.session, 'invoices.manage')}
      notice={retried ? t('ecfSubmissions.retried', { encf: retried }) : null}
    />,
    { title: t('ecfSubmissions.title'), current: '/ecf' },
  );
});

ecfRoutes.post('/ecf/:id/retry', requirePermission('invoices.manage'), async (c) => {
  const row = await retryEcf(shopContext(c), idParam(c));
  return c.redirect(`${documentPage(c.req.header('referer')) ?? '/ecf'}?retried=${encodeURIComponent(row.encf)}`, 303);
});

type Ctx = Context<SignedInEnv>;

async function cancellationsPage(
  c: Ctx,
  extra: Partial<EcfCancellationsPageProps> = {},
  status: 200 | 422 = 200,
  done?: string,
) {
  const data = await ecfCancellationsPage(shopContext(c));
  const row = done ? data.cancellations.find((r) => r.id === done) : null;
  const notice = row
    ? t(row.state === 'accepted' ? 'ecfCancellations.done' : 'ecfCancellations.doneUnconfirmed', {
        from: row.firstEncf,
        to: row.lastEncf,
      })
    : null;
  c.status(status);
  return c.render(
    <EcfCancellationsPage {...data} canManage={can(c.var.session, 'sequences.manage')} notice={notice} {...extra} />,
    { title: t('ecfCancellations.title'), current: '/ecf' },
  );
}

ecfRoutes.get('/ecf/cancellations', requirePermission('sequences.view'), async (c) =>
  cancellationsPage(c, {}, 200, c.req.query('cancelled')),
);

ecfRoutes.post(
  '/ecf/cancellations',
  requirePermission('sequences.manage'),
  validForm(ecfRangeCancel, (c, errors, submitted) =>
    cancellationsPage(c as Ctx, { errors, values: formValues(submitted) }, 422),
  ),
  async (c) => {
    const input = c.req.valid('form');
    try {
      const row = await cancelEcfRange(shopContext(c), input);
      return c.redirect(`/ecf/cancellations?cancelled=${row.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
      const values = { sequenceId: input.sequenceId, from: String(input.from), to: String(input.to) };
      return cancellationsPage(c, { errors: error.fields ?? {}, message: error.publicMessage, values }, 422);
    }
  },
);

ecfRoutes.post('/ecf/cancellations/:id/retry', requirePermission('sequences.manage'), async (c) => {
  const row = await retryEcfCancellation(shopContext(c), idParam(c));
  return c.redirect(`/ecf/cancellations?cancelled=${row.id}`, 303);
});

async function fallbackPage(
  c: Ctx,
  extra: { notice?: string | null; errors?: Record<string, string>; message?: string | null } = {},
  status: 200 | 409 | 422 = 200,
) {
  const data = await ecfFallbackPage(shopContext(c));
  c.status(status);
  return c.render(<EcfFallbackView {...data} canManage={can(c.var.session, 'sequences.manage')} {...extra} />, {
    title: t('ecfFallback.title'),
    current: '/ecf',
  });
}

/** Back to the page with what was done (a query the GET turns into the notice), or the page again with the refusal (422 / 409). */
async function fallbackAction(c: Ctx, action: () => Promise<string>) {
  try {
    return c.redirect(`/ecf/fallback?${await action()}`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) throw error;
    const status = error.code === 'validation' ? 422 : 409;
    return fallbackPage(c, { errors: error.fields ?? {}, message: error.publicMessage }, status);
  }
}

ecfRoutes.get('/ecf/fallback', requirePermission('invoices.view'), async (c) => {
  const done = c.req.query('done');
  const count = (key: string) => String(Number.parseInt(c.req.query(key) ?? '', 10) || 0);
  const notice =
    done === 'started'
      ? t('ecfFallback.started')
      : done === 'replaced'
        ? t('ecfFallback.ended', { replaced: count('replaced'), pending: count('pending') })
        : null;
  return fallbackPage(c, { notice });
});

ecfRoutes.post('/ecf/fallback/start', requirePermission('sequences.manage'), async (c) => {
  const body = await c.req.parseBody();
  const reason = typeof body.reason === 'string' ? body.reason.slice(0, 500) : '';
  return fallbackAction(c, async () => {
    await startEcfFallback(shopContext(c), { reason });
    return 'done=started';
  });
});

ecfRoutes.post('/ecf/fallback/end', requirePermission('sequences.manage'), async (c) =>
  fallbackAction(c, async () => {
    const { replaced, pending } = await endEcfFallback(shopContext(c));
    return `done=replaced&replaced=${replaced}&pending=${pending}`;
  }),
);

ecfRoutes.post('/ecf/fallback/replace', requirePermission('sequences.manage'), async (c) =>
  fallbackAction(c, async () => {
    const { replaced, pending } = await retryFallbackReplacements(shopContext(c));
    return `done=replaced&replaced=${replaced}&pending=${pending}`;
  }),
);

function formValues(submitted: Record<string, unknown>) {
  const text = (key: string) => (typeof submitted[key] === 'string' ? (submitted[key] as string) : undefined);
  return { sequenceId: text('sequenceId'), from: text('from'), to: text('to') };
}

/** Back to the invoice or credit note the retry came from (its panel), else to the list. */
function documentPage(referer: string | undefined): string | null {
  if (!referer || !URL.canParse(referer)) return null;
  const path = new URL(referer).pathname;
  return /^\/(invoices|credit-notes)\/[0-9a-f-]{36}$/i.test(path) ? path : null;
}
