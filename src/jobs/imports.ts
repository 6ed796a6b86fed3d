import { z } from 'zod';
import type { Bindings } from '../env';
import { importJobs, runImport } from '../services/shop/imports';
import type { TenantContext } from '../tenancy/context';

type JobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const runPayload = z.object({ id: z.uuid() });

/** Imports from the shop's old system; the run is claimed in one UPDATE, so a repeated message does nothing. */
export const importJobHandlers: Record<string, JobHandler> = {
  [importJobs.run]: async (context, payload, env) => {
    await runImport({ ...context, env, userId: null }, runPayload.parse(payload).id);
  },
};
