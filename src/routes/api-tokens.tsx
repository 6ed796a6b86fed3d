import type { Context } from 'hono';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/api-tokens';
import { refuseInSupportSession, requirePermission } from '../http/session';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { recordActivity } from '../queries/audit';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { apiTokenForm, idParam } from '../schemas/users';
import { ApiTokensPage } from '../views/api-tokens';
import type { FieldErrors } from '../errors';

/** Shop screens: api-tokens. */
export const apiTokensRoutes = factory.createApp();

/** The owner sees and revokes every user's tokens; anyone else only their own. */
function tokenScope(c: Context<SignedInEnv>): { userId?: string } {
  const session = c.var.session;
  return session.role === 'owner' ? {} : { userId: session.id };
}

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
      tokens={await listApiTokens(c.var.db, tokenScope(c))}
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
    // The token acts as the user who created it: it can never do more than they can.
    const created = await createApiToken(c.var.db, { name: form.name, scope: form.scope, userId: c.var.session.id });
    await recordActivity(c.var.db, c.var.session, 'api_token.created', { name: form.name, scope: form.scope });
    return renderTokens(c, { created: { name: form.name, token: created.token } }, 201);
  },
);

apiTokensRoutes.post('/api-tokens/:id/revoke', requirePermission('apiTokens.manage'), async (c) => {
  const parsed = idParam.safeParse({ id: c.req.param('id') });
  if (!parsed.success || !(await revokeApiToken(c.var.db, parsed.data.id, tokenScope(c))))
    throw new AppError('not_found');
  await recordActivity(c.var.db, c.var.session, 'api_token.revoked', { tokenId: parsed.data.id });
  return c.redirect('/api-tokens?revoked=1', 303);
});
