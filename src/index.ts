import { createCentralApp, createTenantApp } from './app';
import { readConfig } from './config';
import type { Bindings } from './env';
import { AppError, errorResponse } from './errors';
import { jobHandlers } from './jobs';
import { matchHost, requestHost } from './tenancy/host';
import type { JobMessage } from './tenancy/jobs';
import { consumeJobs } from './tenancy/queue';

const centralApp = createCentralApp();
const tenantApp = createTenantApp();

export default {
  /** The host decides everything: a central domain, a shop's subdomain or custom domain, or nothing. */
  fetch(request, env, ctx) {
    const match = matchHost(requestHost(request), readConfig(env).centralDomains);
    switch (match.kind) {
      case 'central':
        return centralApp.fetch(request, env, ctx);
      case 'tenant':
        return tenantApp.fetch(request, env, ctx);
      case 'invalid':
        return errorResponse(new AppError('bad_host'), request);
      case 'unknown':
        return errorResponse(new AppError('not_found'), request);
    }
  },

  queue(batch, env) {
    return consumeJobs(batch, env, jobHandlers);
  },
} satisfies ExportedHandler<Bindings, JobMessage>;
