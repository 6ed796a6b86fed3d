import { verifyPassword } from '../../auth/password';
import {
  createSession,
  revokeSession,
  revokeUserSessions,
  switchBranch as switchSessionBranch,
  userById,
} from '../../auth/session';
import { markAttemptSucceeded, reserveLoginAttempt } from '../../auth/throttle';
import {
  findUserByEmail,
  loginThrottle,
  markLoggedIn,
  normalizeEmail,
  peekPasswordLink,
  redeemPasswordLink,
  setPassword,
} from '../../auth/users';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { getCompany } from '../../queries/company';
import type { ShopContext } from './context';

/** Signing in and setting a password happen before there is an actor: the shop's database and record only. */
export type PublicShopContext = Pick<ShopContext, 'db' | 'tenant'>;

/** Where a request comes from: recorded with the session it opens. */
export interface Client {
  userAgent: string | undefined;
  ipAddress: string;
}

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** The name the sign-in pages show: the company's, else the shop's. */
export async function shopName(ctx: PublicShopContext): Promise<string> {
  return (await getCompany(ctx.db))?.name ?? ctx.tenant.name;
}

export type SignIn =
  | { ok: true; session: NewSession }
  | { ok: false; reason: 'throttled'; retryAfterMinutes: number }
  | { ok: false; reason: 'failed' };

/**
 * Checks an e-mail and password and opens a session. Attempts are throttled per account and
 * address; the answer is the same whether the account exists, is disabled or the password is wrong.
 */
export async function signIn(
  ctx: PublicShopContext,
  input: { email: string; password: string },
  client: Client,
): Promise<SignIn> {
  const account = normalizeEmail(input.email);
  const slot = await reserveLoginAttempt(ctx.db, account, client.ipAddress, loginThrottle);
  if (slot === null) return { ok: false, reason: 'throttled', retryAfterMinutes: loginThrottle.windowMinutes };
  const user = await findUserByEmail(ctx.db, account);
  // Always run the KDF, whether or not the account exists.
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !passwordOk || user.status !== 'active') return { ok: false, reason: 'failed' };
  const session = await createSession(ctx.db, { userId: user.id, ...client });
  await Promise.all([markAttemptSucceeded(ctx.db, 'login_attempts', account, slot), markLoggedIn(ctx.db, user.id)]);
  return { ok: true, session };
}

export async function signOut(ctx: ShopContext): Promise<void> {
  await revokeSession(ctx.db, ctx.actor.sessionHash);
}

/** The e-mail a set-password link is for, or null when the link is unknown, used or expired. */
export async function passwordLinkEmail(ctx: PublicShopContext, token: string): Promise<string | null> {
  return (await peekPasswordLink(ctx.db, token))?.email ?? null;
}

/** Sets the password of a link (once), ends the user's other sessions and opens a new one; null for a bad link. */
export async function setPasswordWithLink(
  ctx: PublicShopContext,
  token: string,
  password: string,
  client: Client,
): Promise<NewSession | null> {
  const userId = await redeemPasswordLink(ctx.db, token, password);
  if (!userId) return null;
  await revokeUserSessions(ctx.db, userId);
  return createSession(ctx.db, { userId, ...client });
}

/** Changes the actor's password (the current one required); their other sessions end. */
export async function changePassword(ctx: ShopContext, input: { current: string; password: string }): Promise<void> {
  const user = await userById(ctx.db, ctx.actor.id);
  if (!user || !(await verifyPassword(input.current, user.passwordHash))) {
    const message = t('auth.changePassword.wrongCurrent');
    throw new AppError('validation', message, { current: message });
  }
  await setPassword(ctx.db, ctx.actor.id, input.password);
  await revokeUserSessions(ctx.db, ctx.actor.id, ctx.actor.sessionHash);
}

/** Moves the actor's session to another of their branches; 403 for any other branch. */
export async function switchBranch(ctx: ShopContext, branchId: string): Promise<void> {
  if (!ctx.actor.branches.some((branch) => branch.id === branchId)) throw new AppError('forbidden');
  await switchSessionBranch(ctx.db, ctx.actor.sessionHash, branchId);
}
