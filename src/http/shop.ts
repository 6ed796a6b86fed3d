import type { Context } from 'hono';
import type { ShopContext } from '../services/shop/context';
import type { SignedInEnv } from './env';

/** The service context of a signed-in shop request (UI or API alike). */
export function shopContext(c: Context<SignedInEnv>): ShopContext {
  const { db, tenant, cache, files, jobs, requestId, session } = c.var;
  return { db, tenant, cache, files, jobs, requestId, env: c.env, actor: session };
}
