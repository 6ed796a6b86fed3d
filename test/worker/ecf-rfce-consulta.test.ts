/**
 * ConsultaRFCE before re-sending a consumer invoice summary: an RFCE whose earlier send may have
 * reached DGII is looked up first (RNC, e-NCF, security code), and DGII's answer on it is taken
 * instead of sending it twice; one DGII never got is sent. Each test has its own shop and RNC.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ecfDocuments } from '../../src/db/tenant-schema';
import { prepareEcf, submitEcf } from '../../src/services/shop/ecf';
import type { TenantJobs } from '../../src/tenancy/jobs';
import { ecfShop, issued, control, ecfDocument as row } from '../support/worker/ecf';
import { testEnv } from '../support/worker/helpers';

const standin = testEnv.DGII_BASE_URL;

interface StandinState {
  counts: Record<string, number>;
  requests: Array<{ method: string; path: string; status: number }>;
}

async function standinState(rnc: string): Promise<StandinState> {
  return (await (await fetch(`${standin}/_control/state?rnc=${rnc}`)).json()) as StandinState;
}

const silentJobs = { send: async () => {} } as unknown as TenantJobs;

const consultas = (state: StandinState) => state.requests.filter((r) => r.path.includes('/consultarfce/')).length;

describe('ConsultaRFCE before re-sending an RFCE', { timeout: 60_000 }, () => {
  it('an RFCE DGII received before the Worker died is adopted from ConsultaRFCE, not sent again', async () => {
    const s = await ecfShop();
    const ctx = { ...s.ctx, jobs: silentJobs };
    const doc = await issued(s, 'E32');
    const prepared = (await prepareEcf(ctx, doc.id))!;
    expect(prepared.channel).toBe('rfce');
    expect(await submitEcf(ctx, prepared.id)).toBe('accepted');
    // As if the Worker died after DGII took the summary and before the answer was written.
    await ctx.db
      .update(ecfDocuments)
      .set({ state: 'sending', dgiiStatus: null, finishedAt: null, updatedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(ecfDocuments.id, prepared.id));

    expect(await submitEcf(ctx, prepared.id)).toBe('accepted');
    const adopted = await row(ctx, prepared.id);
    expect(adopted).toMatchObject({ attempts: 2, state: 'accepted', dgiiStatus: 'Aceptado' });
    expect(adopted.exchanges.map((e) => e.service)).toEqual(['recepcionfc', 'consultarfce']);
    const state = await standinState(s.rnc);
    expect(state.counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
    expect(consultas(state)).toBe(1);
  });

  it('an RFCE DGII never received (the connection dropped) is found missing and sent once', async () => {
    const s = await ecfShop();
    const ctx = { ...s.ctx, jobs: silentJobs };
    const doc = await issued(s, 'E32');
    const prepared = (await prepareEcf(ctx, doc.id))!;
    await control('mode', { rnc: s.rnc, down: 'reset' });
    try {
      expect(await submitEcf(ctx, prepared.id)).toBe('contingency');
    } finally {
      await control('mode', { rnc: s.rnc, down: false });
    }
    expect((await standinState(s.rnc)).counts).toEqual({});
    await ctx.db.update(ecfDocuments).set({ nextAttemptAt: new Date() }).where(eq(ecfDocuments.id, prepared.id));

    expect(await submitEcf(ctx, prepared.id)).toBe('accepted');
    const state = await standinState(s.rnc);
    expect(state.counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
    expect(consultas(state)).toBe(1);
    expect((await row(ctx, prepared.id)).exchanges.at(-1)?.service).toBe('recepcionfc');
  });

  it('the first send asks nothing: ConsultaRFCE is for a send whose fate is unknown', async () => {
    const s = await ecfShop();
    const ctx = { ...s.ctx, jobs: silentJobs };
    const prepared = (await prepareEcf(ctx, (await issued(s, 'E32')).id))!;
    expect(await submitEcf(ctx, prepared.id)).toBe('accepted');
    expect(consultas(await standinState(s.rnc))).toBe(0);
  });
});
