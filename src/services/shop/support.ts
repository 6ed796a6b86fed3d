import { createSession } from '../../auth/session';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { recordActivity, supportActor } from '../../queries/audit';
import { createPlatform } from '../../tenancy/platform';
import { recordAdminAudit } from '../platform/audit';
import {
  adminByEmail,
  consumeImpersonationToken,
  endSupportSession,
  firstActiveOwner,
  impersonationSigningKey,
  supportSessionMinutes,
  verifyImpersonationToken,
} from '../platform/impersonation';
import type { Client, NewSession } from './auth';
import type { ShopContext } from './context';

/**
 * Consumes a support token issued by the admin panel for THIS shop and opens a session as the
 * shop's first active owner, marked as a support session, recorded in the shop's activity log and
 * the panel's audit. Any refusal is the same neutral 404.
 */
export async function enterSupportSession(
  ctx: Pick<ShopContext, 'db' | 'tenant' | 'env'>,
  token: string | undefined,
  client: Client,
): Promise<NewSession> {
  const refused = () => new AppError('not_found', t('support.error.invalidToken'));
  if (!token) throw refused();
  const tenantId = ctx.tenant.id;
  const payload = await verifyImpersonationToken(
    await impersonationSigningKey(ctx.env.ENCRYPTION_KEY),
    token,
    tenantId,
  );
  if (!payload) throw refused();
  const platform = await createPlatform(ctx.env);
  const admin = await consumeImpersonationToken(platform.central, payload);
  if (!admin) throw refused();
  const owner = await firstActiveOwner(ctx.db);
  if (!owner) throw refused();
  const session = await createSession(ctx.db, {
    userId: owner.id,
    impersonatedBy: admin.email,
    lifetimeMinutes: supportSessionMinutes,
    ...client,
  });
  await recordActivity(ctx.db, supportActor(admin.email), 'support.session.start', {
    adminEmail: admin.email,
    userId: owner.id,
    userEmail: owner.email,
  });
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenant.impersonate.enter',
    tenantId,
    details: { userId: owner.id, userEmail: owner.email },
  });
  return session;
}

/** Ends the actor's support session (409 for a normal one); returns the panel's host to send the admin back to. */
export async function leaveSupportSession(ctx: ShopContext): Promise<{ centralHost: string }> {
  const session = ctx.actor;
  const adminEmail = session.impersonatedBy;
  if (!adminEmail || session.apiScope) throw new AppError('conflict', t('support.error.notSupportSession'));
  await endSupportSession(ctx.db, session.sessionHash);
  await recordActivity(ctx.db, supportActor(adminEmail), 'support.session.end', {
    adminEmail,
    userId: session.id,
    userEmail: session.email,
  });
  const platform = await createPlatform(ctx.env);
  const admin = await adminByEmail(platform.central, adminEmail);
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenant.impersonate.leave',
    tenantId: ctx.tenant.id,
    details: { adminEmail, userId: session.id, userEmail: session.email },
  });
  return { centralHost: platform.config.centralDomains[0]! };
}
