import type { Bindings } from '../env';
import { deliverWebhook, webhookDeliverJob, webhookDeliverPayload } from '../services/shop/webhooks';
import type { TenantContext } from '../tenancy/context';

type WebhookJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/** Outbound webhook jobs; a delivery claims its row first, so a repeated message sends nothing twice. */
export const webhookJobHandlers: Record<string, WebhookJobHandler> = {
  [webhookDeliverJob]: async (context, payload, env) => {
    await deliverWebhook({ ...context, env }, webhookDeliverPayload.parse(payload).id);
  },
};
