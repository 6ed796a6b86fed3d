import { createTenantApp } from '../app';
import { readConfig } from '../config';
import type { Bindings } from '../env';
import { deliverEcf, ecfDeliveryJob, ecfDeliveryPayload } from '../services/shop/ecf-delivery';
import { approvalSendJob, approvalSendPayload, sendApprovalCopies } from '../services/shop/received-ecf';
import type { TenantContext } from '../tenancy/context';
import { matchHost } from '../tenancy/host';

type EcfExchangeJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const tenantApp = createTenantApp();

/**
 * How the peer client reaches another taxpayer. A shop of this platform (a subdomain of a central
 * domain) is answered in-process by the same app: a Worker's subrequest to a host its own routes
 * serve does not come back to the Worker, and `*.localhost` does not resolve inside workerd under
 * `npm run dev`. Any other host (custom domains, other providers) goes over the network.
 */
export function platformPeerFetch(env: Bindings, senderTenantId: string): typeof fetch {
  const { centralDomains } = readConfig(env);
  return async (input, init) => {
    const request = new Request(input, init);
    const match = matchHost(new URL(request.url).host, centralDomains);
    if (match.kind !== 'tenant' || match.lookupKey.includes('.')) return fetch(request);
    // The receiver counts requests per sender address; in-process each sending shop is its own.
    request.headers.set('cf-connecting-ip', `platform:${senderTenantId}`);
    const pending: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (promise: Promise<unknown>) => void pending.push(promise),
      passThroughOnException: () => {},
      props: {},
    } as unknown as ExecutionContext;
    const response = await tenantApp.fetch(request, env, ctx);
    await Promise.allSettled(pending);
    return response;
  };
}

/** e-CF exchange with other taxpayers: delivering accepted e-CF to their buyers, sending the shop's ACECF. */
export const ecfExchangeJobHandlers: Record<string, EcfExchangeJobHandler> = {
  [ecfDeliveryJob]: async (context, payload, env) => {
    await deliverEcf({ ...context, env }, ecfDeliveryPayload.parse(payload).id, {
      peerFetch: platformPeerFetch(env, context.tenant.id),
    });
  },
  [approvalSendJob]: async (context, payload, env) => {
    await sendApprovalCopies({ ...context, env }, approvalSendPayload.parse(payload).id, {
      peerFetch: platformPeerFetch(env, context.tenant.id),
    });
  },
};
