import { z } from 'zod';
import { reportExportJob, runReportExport } from '../services/shop/business-reports';
import type { Bindings } from '../env';
import type { TenantContext } from '../tenancy/context';

type JobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const exportPayload = z.object({ id: z.uuid() });

/** Background report exports; a repeated message finds its export claimed and does nothing. */
export const businessReportJobHandlers: Record<string, JobHandler> = {
  [reportExportJob]: async (context, payload) => {
    await runReportExport(context, exportPayload.parse(payload).id);
  },
};
