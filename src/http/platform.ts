import type { Context } from 'hono';
import { AppError } from '../errors';
import type { PlatformContext } from '../services/platform/context';
import type { AdminEnv } from './env';

/** The service context of a signed-in admin request of the panel. */
export function platformContext(c: Context<AdminEnv>): PlatformContext {
  const { platform, requestId, admin } = c.var;
  return {
    platform,
    env: c.env,
    requestId,
    actor: {
      kind: 'admin',
      id: admin.id,
      email: admin.email,
      verified: admin.verified,
      sessionHash: admin.sessionHash,
    },
  };
}

/** A tenant id in the path (a DNS label): anything else names no tenant, 404 without a query. */
export function tenantIdParam(c: Context, name = 'id'): string {
  const id = c.req.param(name) ?? '';
  if (!/^[a-z0-9-]{1,63}$/.test(id)) throw new AppError('not_found');
  return id;
}
