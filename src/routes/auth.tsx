import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import type { AppEnv, SignedInEnv } from '../http/env';
import { z } from 'zod';
import {
  clearClaimsCookie,
  clearSessionCookie,
  publicRoute,
  refuseInSupportSession,
  requirePermission,
  setSessionCookie,
} from '../http/session';
import { AppError } from '../errors';
import { shopContext } from '../http/shop';
import {
  changePassword,
  passwordLinkEmail,
  setPasswordWithLink,
  shopName as nameOfShop,
  signIn,
  signOut,
  switchBranch,
} from '../services/shop/auth';
import { factory } from '../http/factory';
import { clientAddress, refererPath, safeNextPath, validForm } from '../http/forms';
import { emailField, newPasswordFields } from '../schemas/common';
import { t } from '../i18n/es-DO';
import { ChangePasswordForm, LoginPage, SetPasswordPage } from '../views/auth';
import type { FieldErrors } from '../errors';
import { ErrorPage } from '../views/pages';

export const auth = factory.createApp();

const loginForm = z.object({
  email: emailField,
  password: z.string({ error: t('validation.required') }).min(1, t('validation.required')),
});

const shopName = (c: Context<AppEnv>) => nameOfShop(c.var);

const client = (c: Context<AppEnv>) => ({ userAgent: c.req.header('user-agent'), ipAddress: clientAddress(c.req) });

auth.get('/login', publicRoute, async (c) => {
  if (c.var.session) return c.redirect(safeNextPath(c.req.query('next')), 303);
  const notice = c.req.query('logged_out') ? t('auth.loggedOut') : null;
  return c.html(<LoginPage shopName={await shopName(c)} next={c.req.query('next')} notice={notice} />);
});

auth.post(
  '/login',
  publicRoute,
  validForm(loginForm, async (c, errors, submitted) =>
    c.html(
      <LoginPage
        shopName={await shopName(c)}
        email={String(submitted.email ?? '')}
        next={c.req.query('next')}
        errors={errors}
      />,
      422,
    ),
  ),
  async (c) => {
    const { email, password } = c.req.valid('form');
    const result = await signIn(c.var, { email, password }, client(c));
    if (!result.ok && result.reason === 'throttled') {
      c.header('Retry-After', String(result.retryAfterMinutes * 60));
      const message = t('auth.login.throttled', { minutes: result.retryAfterMinutes });
      return c.html(
        <LoginPage shopName={await shopName(c)} email={email} next={c.req.query('next')} message={message} />,
        429,
      );
    }
    if (!result.ok) {
      return c.html(
        <LoginPage
          shopName={await shopName(c)}
          email={email}
          next={c.req.query('next')}
          message={t('auth.login.failed')}
        />,
        401,
      );
    }
    setSessionCookie(c, result.session.token, result.session.expiresAt);
    return c.redirect(safeNextPath(c.req.query('next')), 303);
  },
);

auth.post('/logout', requirePermission('account.manage'), async (c) => {
  await signOut(shopContext(c));
  clearSessionCookie(c);
  return c.redirect('/login?logged_out=1', 303);
});

auth.get('/set-password/:token', publicRoute, async (c) => {
  const email = await passwordLinkEmail(c.var, c.req.param('token'));
  if (!email)
    return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
  return c.html(<SetPasswordPage shopName={await shopName(c)} email={email} />);
});

auth.post(
  '/set-password/:token',
  publicRoute,
  validForm(newPasswordFields, async (c, errors) => {
    const email = await passwordLinkEmail((c as Context<AppEnv>).var, c.req.param('token')!);
    if (!email)
      return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
    return c.html(<SetPasswordPage shopName={await shopName(c)} email={email} errors={errors} />, 422);
  }),
  async (c) => {
    const session = await setPasswordWithLink(c.var, c.req.param('token'), c.req.valid('form').password, client(c));
    if (!session)
      return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
    setSessionCookie(c, session.token, session.expiresAt);
    return c.redirect('/', 303);
  },
);

auth.get('/account/password', requirePermission('account.manage'), refuseInSupportSession, (c) =>
  c.render(<ChangePasswordForm />, { title: t('auth.changePassword.title'), current: '/account/password' }),
);

const changePasswordForm = newPasswordFields.and(
  z.object({ current: z.string({ error: t('validation.required') }).min(1, t('validation.required')) }),
);

auth.post(
  '/account/password',
  requirePermission('account.manage'),
  refuseInSupportSession,
  validForm(changePasswordForm, (c, errors) => renderChangePassword(c, { errors }, 422)),
  async (c) => {
    try {
      await changePassword(shopContext(c), c.req.valid('form'));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation' || !error.fields) throw error;
      return renderChangePassword(c, { errors: error.fields }, 422);
    }
    return renderChangePassword(c, { done: true }, 200);
  },
);

function renderChangePassword(
  c: Context<SignedInEnv>,
  props: { errors?: FieldErrors; done?: boolean },
  status: 200 | 422,
) {
  if (c.req.header('HX-Request')) return c.html(<ChangePasswordForm {...props} />, status);
  c.status(status);
  return c.render(<ChangePasswordForm {...props} />, {
    title: t('auth.changePassword.title'),
    current: '/account/password',
  });
}

auth.post(
  '/session/branch',
  requirePermission('dashboard.view'),
  zValidator('form', z.object({ branchId: z.uuid() })),
  async (c) => {
    await switchBranch(shopContext(c), c.req.valid('form').branchId);
    clearClaimsCookie(c);
    return c.redirect(safeNextPath(refererPath(c.req.header('referer'))), 303);
  },
);
