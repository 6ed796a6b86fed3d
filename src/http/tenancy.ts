import { readConfig } from '../config';
import { AppError } from '../errors';
import { factory } from './factory';
import { openTenantContext, lookupDeps } from '../tenancy/context';
import { matchHost, requestHost } from '../tenancy/host';
import { resolveTenantByDomain } from '../tenancy/lookup';

/** Identifies the tenant from the Host header alone and puts its context on `c.var`. */
export const tenancy = factory.createMiddleware(async (c, next) => {
  const config = readConfig(c.env);
  const match = matchHost(requestHost(c.req.raw), config.centralDomains);
  if (match.kind !== 'tenant') throw new AppError('not_found');
  const ctx = executionContext(c);
  const defer = ctx ? (promise: Promise<unknown>) => ctx.waitUntil(promise) : undefined;
  const tenant = await resolveTenantByDomain(lookupDeps(c.env, defer), match.lookupKey);
  if (!tenant || tenant.status === 'failed' || tenant.status === 'deleting') throw new AppError('not_found');
  if (tenant.status === 'suspended') throw new AppError('suspended', tenant.suspendedMessage);
  if (tenant.status === 'provisioning') throw new AppError('provisioning');
  const context = await openTenantContext(c.env, tenant, c.var.requestId);
  c.set('tenant', context.tenant);
  c.set('db', context.db);
  c.set('cache', context.cache);
  c.set('files', context.files);
  c.set('jobs', context.jobs);
  await next();
});

function executionContext(c: { executionCtx: { waitUntil(promise: Promise<unknown>): void } }) {
  try {
    return c.executionCtx;
  } catch {
    return undefined; // app.request() in unit tests has no execution context
  }
}
