import type { Bindings } from '../env';
import { ecfJobPayload, ecfJobs, pollEcf, resendPending, submitEcf } from '../services/shop/ecf';
import type { TenantContext } from '../tenancy/context';

type EcfJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/** The e-CF queue jobs of a shop; each runs with the context of the tenant stamped on its message. */
export const ecfJobHandlers: Record<string, EcfJobHandler> = {
  [ecfJobs.submit]: async (context, payload, env) => {
    await submitEcf({ ...context, env }, ecfJobPayload.parse(payload).id);
  },
  [ecfJobs.poll]: async (context, payload, env) => {
    await pollEcf({ ...context, env }, ecfJobPayload.parse(payload).id);
  },
  [ecfJobs.sweep]: async (context) => {
    await resendPending(context);
  },
};
