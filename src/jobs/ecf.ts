import type { Bindings } from '../env';
import {
  ecfJobPayload,
  ecfJobs,
  pollEcf,
  prepareEcf,
  prepareMissingEcf,
  resendPending,
  submitEcf,
} from '../services/shop/ecf';
import { queueEcfDelivery, resendDueDeliveries } from '../services/shop/ecf-delivery';
import { replaceFallbackDocuments } from '../services/shop/ecf-fallbacks';
import { resendDueApprovals } from '../services/shop/received-ecf';
import type { TenantContext } from '../tenancy/context';

type EcfJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/** The e-CF queue jobs of a shop; each runs with the context of the tenant stamped on its message. */
export const ecfJobHandlers: Record<string, EcfJobHandler> = {
  // Signs and stores an issued document's e-CF, then queues its submission (idempotent; the id is the document's).
  [ecfJobs.prepare]: async (context, payload, env) => {
    await prepareEcf({ ...context, env }, ecfJobPayload.parse(payload).id);
  },
  [ecfJobs.submit]: async (context, payload, env) => {
    await submitEcf({ ...context, env }, ecfJobPayload.parse(payload).id);
  },
  [ecfJobs.poll]: async (context, payload, env) => {
    const id = ecfJobPayload.parse(payload).id;
    const state = await pollEcf({ ...context, env }, id);
    // DGII's acceptance is what allows sending the e-CF on to its buyer.
    if (state === 'accepted' || state === 'accepted_conditional') await queueEcfDelivery(context, id);
  },
  [ecfJobs.sweep]: async (context, _payload, env) => {
    await prepareMissingEcf({ ...context, env });
    await resendPending(context);
    await resendDueDeliveries(context);
    await resendDueApprovals(context);
    await replaceFallbackDocuments({ ...context, env });
  },
};
