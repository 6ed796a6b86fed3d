import { idCursor } from '../../http/cursors';
import type { Context } from 'hono';
import { renderSVG } from 'uqr';
import { z } from 'zod';
import {
  adminAccountPolicy,
  adminLoginThrottle,
  adminTotpThrottle,
  changeAdminPassword,
  consumeTotpStep,
  disableAdminTotp,
  enableAdminTotp,
  findAdminByEmail,
  findAdminById,
  listAudit,
  markAdminLoggedIn,
  normalizeAdminEmail,
  peekAdminPasswordLink,
  readTotpSecret,
  redeemAdminPasswordLink,
  platformOverview,
  startTotpSetup,
  totpThrottleAccount,
  type PlatformAdmin,
} from '../../services/platform/accounts';
import { recordAdminAudit } from '../../services/platform/audit';
import {
  adminPublic,
  clearAdminCookie,
  requireAdmin,
  requireSecondFactorPending,
  setAdminCookie,
} from '../../http/admin-session';
import { createAdminSession, revokeAdminSession, verifyAdminSession } from '../../services/platform/sessions';
import { matchTotp, otpauthUri } from '../../services/platform/totp';
import { verifyPassword } from '../../auth/password';
import { accountFailures, markAttemptSucceeded, reserveLoginAttempt } from '../../auth/throttle';
import type { AdminEnv, AppEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { platformContext } from '../../http/platform';
import { clientAddress, safeNextPath, validForm } from '../../http/forms';
import { emailField } from '../../schemas/common';
import { t } from '../../i18n/es-DO';
import { isValidLabel } from '../../tenancy/host';
import { validateTenantId } from '../../tenancy/provisioning';
import {
  AdminAccountPage,
  AdminAuditList,
  AdminAuditPage,
  AdminDashboard,
  AdminLoginPage,
  AdminSetPasswordPage,
  AdminTotpPage,
  type TotpEnrolment,
} from '../../views/admin-accounts';
import type { FieldErrors } from '../../errors';
import { ErrorPage, CentralHome } from '../../views/pages';

/** Admin panel (central domain): sign-in, TOTP, set-password links, the admin's account, dashboard, audit log. */
export const adminAccountsRoutes = factory.createApp();

/** Only a path of the panel itself: anything else (another path, another host) goes to /admin. */
export function adminNextPath(next: string | undefined | null): string {
  const path = safeNextPath(next);
  return path === '/admin' || path.startsWith('/admin/') || path.startsWith('/admin?') ? path : '/admin';
}

const required = () => z.string({ error: t('validation.required') }).min(1, t('validation.required'));

const passwordLength = t('validation.passwordLength', {
  min: adminAccountPolicy.passwordMinLength,
  max: adminAccountPolicy.passwordMaxLength,
});
const newAdminPassword = z
  .object({
    password: z
      .string({ error: t('validation.required') })
      .min(adminAccountPolicy.passwordMinLength, passwordLength)
      .max(adminAccountPolicy.passwordMaxLength, passwordLength),
    confirm: z.string({ error: t('validation.required') }),
  })
  .refine((value) => value.password === value.confirm, { message: t('validation.passwordMatch'), path: ['confirm'] });

const totpCode = z
  .string({ error: t('validation.required') })
  .transform((value) => value.replace(/\s/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, t('admin.totp.invalidFormat')));

const loginForm = z.object({ email: emailField, password: required() });
const totpForm = z.object({ code: totpCode });
const changePasswordForm = newAdminPassword.and(z.object({ current: required() }));
const disableTotpForm = z.object({ password: required(), code: totpCode });

const who = (admin: { id: string; email: string }) => ({ id: admin.id, email: admin.email });

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

adminAccountsRoutes.get('/login', adminPublic, (c) => {
  const next = c.req.query('next');
  if (c.var.admin?.verified) return c.redirect(adminNextPath(next), 303);
  const notice = c.req.query('logged_out')
    ? t('admin.login.loggedOut')
    : c.req.query('password_set')
      ? t('admin.login.passwordSet')
      : c.req.query('locked')
        ? t('admin.login.totpLocked')
        : null;
  return c.html(<AdminLoginPage next={next} notice={notice} />);
});

adminAccountsRoutes.post(
  '/login',
  adminPublic,
  validForm(loginForm, (c, errors, submitted) =>
    c.html(<AdminLoginPage email={String(submitted.email ?? '')} next={c.req.query('next')} errors={errors} />, 422),
  ),
  async (c) => {
    const { central } = c.var.platform;
    const { email, password } = c.req.valid('form');
    const next = c.req.query('next');
    const account = normalizeAdminEmail(email);
    const address = clientAddress(c.req);
    const slot = await reserveLoginAttempt(central, account, address, adminLoginThrottle);
    if (slot === null) {
      c.header('Retry-After', String(adminLoginThrottle.windowMinutes * 60));
      return c.html(
        <AdminLoginPage
          email={email}
          next={next}
          message={t('admin.login.throttled', { minutes: adminLoginThrottle.windowMinutes })}
        />,
        429,
      );
    }
    const admin = await findAdminByEmail(central, account);
    // Always run the KDF, and answer the same whether the account exists, is disabled or the password is wrong.
    const passwordOk = await verifyPassword(password, admin?.passwordHash ?? null);
    if (!admin || !passwordOk || admin.status !== 'active') {
      if (admin)
        await recordAdminAudit(central, { admin: who(admin), action: 'admin.login_failed', details: { ip: address } });
      return c.html(<AdminLoginPage email={email} next={next} message={t('admin.login.failed')} />, 401);
    }
    const secondFactor = admin.totpEnabledAt !== null;
    const session = await createAdminSession(central, {
      adminId: admin.id,
      verified: !secondFactor,
      userAgent: c.req.header('user-agent'),
      ipAddress: address,
    });
    await markAttemptSucceeded(central, 'admin_login_attempts', account, slot);
    setAdminCookie(c, session.token, session.expiresAt);
    if (secondFactor) {
      return c.redirect(`/admin/login/totp${next ? `?next=${encodeURIComponent(adminNextPath(next))}` : ''}`, 303);
    }
    await Promise.all([
      markAdminLoggedIn(central, admin.id),
      recordAdminAudit(central, { admin: who(admin), action: 'admin.login', details: { ip: address } }),
    ]);
    return c.redirect(adminNextPath(next), 303);
  },
);

adminAccountsRoutes.get('/login/totp', requireSecondFactorPending, (c) => {
  if (c.var.admin.verified) return c.redirect(adminNextPath(c.req.query('next')), 303);
  return c.html(<AdminTotpPage next={c.req.query('next')} />);
});

adminAccountsRoutes.post(
  '/login/totp',
  requireSecondFactorPending,
  validForm(totpForm, (c, errors) => c.html(<AdminTotpPage next={c.req.query('next')} errors={errors} />, 422)),
  async (c) => {
    const session = c.var.admin;
    const next = c.req.query('next');
    if (session.verified) return c.redirect(adminNextPath(next), 303);
    const { central, encryptionKey } = c.var.platform;
    const address = clientAddress(c.req);
    const throttleAccount = totpThrottleAccount(session.id);
    const locked = async () => {
      await revokeAdminSession(central, session.sessionHash);
      clearAdminCookie(c);
      return c.redirect('/admin/login?locked=1', 303);
    };
    const slot = await reserveLoginAttempt(central, throttleAccount, address, adminTotpThrottle);
    if (slot === null) return locked();
    const admin = await findAdminById(central, session.id);
    const secret = admin?.totpEnabledAt ? await readTotpSecret(encryptionKey, admin) : null;
    const step = secret ? await matchTotp(secret, c.req.valid('form').code, Date.now(), admin!.totpLastStep) : null;
    if (step !== null && (await consumeTotpStep(central, session.id, step))) {
      await markAttemptSucceeded(central, 'admin_login_attempts', throttleAccount, slot);
      await verifyAdminSession(central, session.sessionHash);
      await Promise.all([
        markAdminLoggedIn(central, session.id),
        recordAdminAudit(central, {
          admin: who(session),
          action: 'admin.login',
          details: { ip: address, secondFactor: 'totp' },
        }),
      ]);
      return c.redirect(adminNextPath(next), 303);
    }
    const failures = await accountFailures(
      central,
      'admin_login_attempts',
      throttleAccount,
      adminTotpThrottle.windowMinutes,
    );
    await recordAdminAudit(central, {
      admin: who(session),
      action: 'admin.login_totp_failed',
      details: { ip: address, failures },
    });
    if (failures >= adminTotpThrottle.maxPerAccount) return locked();
    return c.html(<AdminTotpPage next={next} message={t('admin.totp.wrong')} />, 401);
  },
);

/** Also ends a half-signed-in session (the TOTP step's "cancel"). */
adminAccountsRoutes.post('/logout', requireSecondFactorPending, async (c) => {
  const session = c.var.admin;
  const { central } = c.var.platform;
  await revokeAdminSession(central, session.sessionHash);
  await recordAdminAudit(central, { admin: who(session), action: 'admin.logout' });
  clearAdminCookie(c);
  return c.redirect('/admin/login?logged_out=1', 303);
});

// ---------------------------------------------------------------------------------------------
// Set-password links (admins:create)
// ---------------------------------------------------------------------------------------------

function invalidLink(c: Context<AppEnv>) {
  return c.html(<ErrorPage title={t('admin.setPassword.title')} message={t('admin.setPassword.invalid')} />, 404);
}

function setPasswordPage(c: Context<AppEnv>, link: { email: string }, token: string, errors?: FieldErrors) {
  return c.html(
    <AdminSetPasswordPage
      email={link.email}
      token={token}
      errors={errors}
      minLength={adminAccountPolicy.passwordMinLength}
      maxLength={adminAccountPolicy.passwordMaxLength}
    />,
    errors ? 422 : 200,
  );
}

adminAccountsRoutes.get('/set-password', adminPublic, async (c) => {
  const token = c.req.query('token') ?? '';
  const link = token ? await peekAdminPasswordLink(c.var.platform.central, token) : null;
  if (!link) return invalidLink(c);
  return setPasswordPage(c, link, token);
});

adminAccountsRoutes.post(
  '/set-password',
  adminPublic,
  validForm(newAdminPassword, async (c, errors) => {
    const token = c.req.query('token') ?? '';
    const link = token ? await peekAdminPasswordLink(c.var.platform.central, token) : null;
    return link ? setPasswordPage(c, link, token, errors) : invalidLink(c);
  }),
  async (c) => {
    const { central } = c.var.platform;
    const token = c.req.query('token') ?? '';
    const admin = token ? await redeemAdminPasswordLink(central, token, c.req.valid('form').password) : null;
    if (!admin) return invalidLink(c);
    await recordAdminAudit(central, { admin, action: 'admin.password_set' });
    return c.redirect('/admin/login?password_set=1', 303);
  },
);

// ---------------------------------------------------------------------------------------------
// Dashboard, account, audit log
// ---------------------------------------------------------------------------------------------

adminAccountsRoutes.get('/', requireAdmin, async (c) => {
  const { counts, recent } = await platformOverview(platformContext(c));
  return c.render(<AdminDashboard admin={c.var.admin} counts={counts} recent={recent} />, {
    title: t('admin.dashboard.title'),
    current: '/admin',
  });
});

async function enrolmentOf(c: Context<AdminEnv>, admin: PlatformAdmin): Promise<TotpEnrolment | null> {
  if (admin.totpEnabledAt || !admin.totpSecret) return null;
  const secret = await readTotpSecret(c.var.platform.encryptionKey, admin);
  if (!secret) return null;
  const uri = otpauthUri(secret, admin.email);
  return { secret, uri, qr: `data:image/svg+xml;base64,${btoa(renderSVG(uri))}` };
}

async function accountPage(
  c: Context<AdminEnv>,
  props: {
    passwordErrors?: FieldErrors;
    totpErrors?: FieldErrors;
    notice?: string | null;
    passwordDone?: boolean;
  } = {},
  status: 200 | 409 | 422 | 429 = 200,
) {
  const admin = await findAdminById(c.var.platform.central, c.var.admin.id);
  if (!admin) throw new AppError('not_found');
  c.status(status);
  return c.render(
    <AdminAccountPage
      admin={admin}
      totpEnabled={admin.totpEnabledAt !== null}
      enrolment={await enrolmentOf(c, admin)}
      minLength={adminAccountPolicy.passwordMinLength}
      maxLength={adminAccountPolicy.passwordMaxLength}
      {...props}
    />,
    { title: t('admin.account.title'), current: '/admin/account' },
  );
}

adminAccountsRoutes.get('/account', requireAdmin, (c) => {
  const notice =
    c.req.query('totp') === 'enabled'
      ? t('admin.account.totpEnabled')
      : c.req.query('totp') === 'disabled'
        ? t('admin.account.totpDisabled')
        : null;
  return accountPage(c, { notice });
});

adminAccountsRoutes.post(
  '/account/password',
  requireAdmin,
  validForm(changePasswordForm, (c, errors) => accountPage(c, { passwordErrors: errors }, 422)),
  async (c) => {
    const { current, password } = c.req.valid('form');
    try {
      await changeAdminPassword(platformContext(c), { current, password });
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation' && error.fields)
        return accountPage(c, { passwordErrors: error.fields }, 422);
      throw error;
    }
    return accountPage(c, { passwordDone: true });
  },
);

/** A refused TOTP change: the account page with the notice (409), the field messages (422) or the budget spent (429). */
async function totpRefusal(c: Context<AdminEnv>, work: () => Promise<void>): Promise<Response | null> {
  try {
    await work();
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'conflict') return accountPage(c, { notice: error.publicMessage }, 409);
    if (error.code === 'too_many_requests') {
      c.header('Retry-After', String(adminTotpThrottle.windowMinutes * 60));
      return accountPage(c, { totpErrors: error.fields ?? {} }, 429);
    }
    if (error.code === 'validation' && error.fields) return accountPage(c, { totpErrors: error.fields }, 422);
    throw error;
  }
}

adminAccountsRoutes.post('/account/totp/setup', requireAdmin, async (c) => {
  const refused = await totpRefusal(c, () => startTotpSetup(platformContext(c)));
  return refused ?? c.redirect('/admin/account#admin-totp', 303);
});

adminAccountsRoutes.post(
  '/account/totp/enable',
  requireAdmin,
  validForm(totpForm, (c, errors) => accountPage(c, { totpErrors: errors }, 422)),
  async (c) => {
    const refused = await totpRefusal(c, () => enableAdminTotp(platformContext(c), c.req.valid('form').code));
    return refused ?? c.redirect('/admin/account?totp=enabled', 303);
  },
);

adminAccountsRoutes.post(
  '/account/totp/disable',
  requireAdmin,
  validForm(disableTotpForm, (c, errors) => accountPage(c, { totpErrors: errors }, 422)),
  async (c) => {
    const { password, code } = c.req.valid('form');
    let disabled = false;
    const refused = await totpRefusal(c, async () => {
      disabled = await disableAdminTotp(platformContext(c), { password, code, address: clientAddress(c.req) });
    });
    if (refused) return refused;
    if (!disabled) return c.redirect('/admin/account', 303);
    return c.redirect('/admin/account?totp=disabled', 303);
  },
);

const auditPageSize = 50;

adminAccountsRoutes.get('/audit', requireAdmin, async (c) => {
  const tenant = (c.req.query('tenant') ?? '').trim().toLowerCase();
  const adminId = c.req.query('admin') ?? '';
  const errors: FieldErrors = {};
  if (tenant && !isValidLabel(tenant)) errors.tenant = t('admin.audit.invalidTenant');
  if (adminId && !z.uuid().safeParse(adminId).success) errors.admin = t('admin.audit.invalidAdmin');
  const before = idCursor.decode(c.req.query('cursor'))?.id ?? null;
  const valid = Object.keys(errors).length === 0;
  const { admins, ...page } = await listAudit(
    platformContext(c),
    valid ? { tenantId: tenant || null, adminId: adminId || null, before, limit: auditPageSize } : null,
  );
  const href = (cursor: number | null) => {
    const params = new URLSearchParams();
    if (tenant) params.set('tenant', tenant);
    if (adminId) params.set('admin', adminId);
    if (cursor) params.set('cursor', idCursor.encode({ id: cursor }));
    const query = params.toString();
    return `/admin/audit${query ? `?${query}` : ''}`;
  };
  const nextHref = page.next ? href(page.next) : null;
  const firstHref = before ? href(null) : null;
  if (c.req.header('HX-Request') && !c.req.header('HX-Boosted') && valid) {
    return c.html(<AdminAuditList lines={page.lines} nextHref={nextHref} firstHref={firstHref} />);
  }
  c.status(valid ? 200 : 422);
  return c.render(
    <AdminAuditPage
      lines={page.lines}
      admins={admins}
      filter={{ tenant, admin: adminId }}
      nextHref={nextHref}
      firstHref={firstHref}
      errors={valid ? undefined : errors}
    />,
    { title: t('admin.audit.title'), current: '/admin/audit' },
  );
});

// ---------------------------------------------------------------------------------------------
// The landing page's "enter your shop" form (plain GET, no script)
// ---------------------------------------------------------------------------------------------

adminAccountsRoutes.get('/go', adminPublic, (c) => {
  const shop = (c.req.query('shop') ?? '').trim().toLowerCase();
  const url = new URL(c.req.url);
  const [domain = url.hostname] = c.var.platform.config.centralDomains;
  let valid = shop.length > 0;
  if (valid) {
    try {
      validateTenantId(c.var.platform, shop);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      valid = false;
    }
  }
  if (!valid) return c.html(<CentralHome domain={domain} shop={shop} error={t('landing.shop.invalid')} />, 422);
  return c.redirect(`${url.protocol}//${shop}.${url.hostname}${url.port ? `:${url.port}` : ''}/login`, 303);
});
