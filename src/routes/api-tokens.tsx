import type { Context } from 'hono';
import type { FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { refuseInSupportSession, requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { apiTokenForm } from '../schemas/users';
import { createToken, listTokens, revokeToken } from '../services/shop/api-tokens';
import { ApiTokensPage } from '../views/api-tokens';

/** Shop screens: api-tokens. */
export const apiTokensRoutes = factory.createApp();

async function renderTokens(
  c: Context<SignedInEnv>,
  options: {
    values?: { name?: string; scope?: string };
    errors?: FieldErrors;
    created?: { name: string; token: string };
    notice?: string | null;
  } = {},
  status: 200 | 201 | 422 = 200,
) {
  if (options.created) c.header('Cache-Control', 'no-store');
  c.status(status);
  return c.render(
    <ApiTokensPage
      tokens={await listTokens(shopContext(c))}
      showOwners={c.var.session.role === 'owner'}
      supportSession={Boolean(c.var.session.impersonatedBy)}
      apiBase={`${new URL(c.req.url).origin}/api/v1`}
      {...options}
    />,
    { title: t('apiTokens.title'), current: '/api-tokens' },
  );
}

apiTokensRoutes.get('/api-tokens', requirePermission('apiTokens.manage'), (c) =>
  renderTokens(c, { notice: c.req.query('revoked') ? t('apiTokens.revoked') : null }),
);

apiTokensRoutes.post(
  '/api-tokens',
  requirePermission('apiTokens.manage'),
  refuseInSupportSession,
  validForm(apiTokenForm, (c, errors, submitted) =>
    renderTokens(c, { values: submitted as { name?: string; scope?: string }, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    const created = await createToken(shopContext(c), form);
    return renderTokens(c, { created: { name: form.name, token: created.token } }, 201);
  },
);

apiTokensRoutes.post('/api-tokens/:id/revoke', requirePermission('apiTokens.manage'), async (c) => {
  await revokeToken(shopContext(c), idParam(c));
  return c.redirect('/api-tokens?revoked=1', 303);
});
