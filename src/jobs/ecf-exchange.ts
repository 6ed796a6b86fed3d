import type { Bindings } from '../env';
import { deliverEcf, ecfDeliveryJob, ecfDeliveryPayload } from '../services/shop/ecf-delivery';
import { approvalSendJob, approvalSendPayload, sendApprovalCopies } from '../services/shop/received-ecf';
import type { TenantContext } from '../tenancy/context';

type EcfExchangeJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/** e-CF exchange with other taxpayers: delivering accepted e-CF to their buyers, sending the shop's ACECF. */
export const ecfExchangeJobHandlers: Record<string, EcfExchangeJobHandler> = {
  [ecfDeliveryJob]: async (context, payload, env) => {
    await deliverEcf({ ...context, env }, ecfDeliveryPayload.parse(payload).id);
  },
  [approvalSendJob]: async (context, payload, env) => {
    await sendApprovalCopies({ ...context, env }, approvalSendPayload.parse(payload).id);
  },
};
