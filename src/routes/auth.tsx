import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import type { AppEnv, SignedInEnv } from '../http/env';
import { z } from 'zod';
import {
  clearSessionCookie,
  publicRoute,
  refuseInSupportSession,
  requirePermission,
  setSessionCookie,
} from '../http/session';
import { verifyPassword } from '../auth/password';
import { createSession, revokeSession, revokeUserSessions, switchBranch } from '../auth/session';
import {
  findUserByEmail,
  loginThrottle,
  markLoggedIn,
  normalizeEmail,
  peekPasswordLink,
  redeemPasswordLink,
  setPassword,
} from '../auth/users';
import { userById } from '../auth/session';
import { markAttemptSucceeded, reserveLoginAttempt } from '../auth/throttle';
import { getCompany } from '../queries/company';
import { AppError } from '../errors';
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

async function shopName(c: Context<AppEnv>) {
  return (await getCompany(c.var.db))?.name ?? c.var.tenant.name;
}

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
    const account = normalizeEmail(email);
    const address = clientAddress(c.req);
    const slot = await reserveLoginAttempt(c.var.db, account, address, loginThrottle);
    if (slot === null) {
      c.header('Retry-After', String(loginThrottle.windowMinutes * 60));
      const message = t('auth.login.throttled', { minutes: loginThrottle.windowMinutes });
      return c.html(
        <LoginPage shopName={await shopName(c)} email={email} next={c.req.query('next')} message={message} />,
        429,
      );
    }
    const user = await findUserByEmail(c.var.db, account);
    // Always run the KDF, and answer the same whether the account exists, is disabled or the password is wrong.
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? null);
    if (!user || !passwordOk || user.status !== 'active') {
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
    const session = await createSession(c.var.db, {
      userId: user.id,
      userAgent: c.req.header('user-agent'),
      ipAddress: address,
    });
    await Promise.all([
      markAttemptSucceeded(c.var.db, 'login_attempts', account, slot),
      markLoggedIn(c.var.db, user.id),
    ]);
    setSessionCookie(c, session.token, session.expiresAt);
    return c.redirect(safeNextPath(c.req.query('next')), 303);
  },
);

auth.post('/logout', requirePermission('account.manage'), async (c) => {
  await revokeSession(c.var.db, c.var.session.sessionHash);
  clearSessionCookie(c);
  return c.redirect('/login?logged_out=1', 303);
});

auth.get('/set-password/:token', publicRoute, async (c) => {
  const link = await peekPasswordLink(c.var.db, c.req.param('token'));
  if (!link)
    return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
  return c.html(<SetPasswordPage shopName={await shopName(c)} email={link.email} />);
});

auth.post(
  '/set-password/:token',
  publicRoute,
  validForm(newPasswordFields, async (c, errors) => {
    const link = await peekPasswordLink(c.var.db, c.req.param('token')!);
    if (!link)
      return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
    return c.html(<SetPasswordPage shopName={await shopName(c)} email={link.email} errors={errors} />, 422);
  }),
  async (c) => {
    const userId = await redeemPasswordLink(c.var.db, c.req.param('token'), c.req.valid('form').password);
    if (!userId)
      return c.html(<ErrorPage title={t('auth.setPassword.title')} message={t('auth.setPassword.invalid')} />, 404);
    await revokeUserSessions(c.var.db, userId);
    const session = await createSession(c.var.db, {
      userId,
      userAgent: c.req.header('user-agent'),
      ipAddress: clientAddress(c.req),
    });
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
    const session = c.var.session;
    const { current, password } = c.req.valid('form');
    const user = await userById(c.var.db, session.id);
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      return renderChangePassword(c, { errors: { current: t('auth.changePassword.wrongCurrent') } }, 422);
    }
    await setPassword(c.var.db, session.id, password);
    await revokeUserSessions(c.var.db, session.id, session.sessionHash);
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
    const session = c.var.session;
    const { branchId } = c.req.valid('form');
    if (!session.branches.some((branch) => branch.id === branchId)) throw new AppError('forbidden');
    await switchBranch(c.var.db, session.sessionHash, branchId);
    return c.redirect(safeNextPath(refererPath(c.req.header('referer'))), 303);
  },
);
