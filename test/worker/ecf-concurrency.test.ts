/**
 * Issue 11, "Done when": 200 concurrent E32 issues give 200 consecutive e-NCFs, each sent to DGII
 * once. The issues are 200 simultaneous API requests in one shop; some invoices are over
 * RD$250,000, so both channels run (the whole e-CF to Recepción, the RFCE summary to the FC
 * service). The real queue then drains against the DGII stand-in, whose per-RNC counts say how
 * many times each e-NCF was received.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ecfDocuments, fiscalSequences, invoices } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { api } from '../support/worker/api';
import { ecfShop } from '../support/worker/ecf';
import { testEnv } from '../support/worker/helpers';
import { insertDrafts } from '../support/worker/invoices';

interface Received {
  counts: Record<string, number>;
  submissions: Array<{ kind: 'ecf' | 'rfce'; encf: string; tipo: string; receivedAt: number }>;
}

async function received(rnc: string): Promise<Received> {
  return (await (await fetch(`${testEnv.DGII_BASE_URL}/_control/state?rnc=${rnc}`)).json()) as Received;
}

const total = 200;
const overThreshold = 20;

describe('200 concurrent E32 issues', { timeout: 240_000 }, () => {
  it('give e-NCFs 1..200 with no gap, and the queue sends each to DGII exactly once', async () => {
    const s = await ecfShop();
    const [sequence] = await s.db
      .insert(fiscalSequences)
      .values({
        docType: 'E32',
        prefix: 'E32',
        rangeStart: 1,
        rangeEnd: 10_000,
        nextNumber: 1,
        validUntil: addDays(shopToday(), 365),
        isDefault: true,
      })
      .returning();
    const line = (unitPrice: string) => ({
      description: 'Lentes progresivos',
      quantity: '1',
      unitPrice,
      discount: '0',
      taxRate: '18.00',
      exempt: false,
      taxId: s.tax('ITBIS18').id,
    });
    const small = await insertDrafts(s, total - overThreshold, {
      ncfType: 'E32',
      sequenceId: sequence!.id,
      customerId: s.walkIn.id,
      lines: [line('1500')],
    });
    // RD$295,000 each: over the threshold, so the buyer is identified and the whole e-CF goes to Recepción.
    const big = await insertDrafts(s, overThreshold, {
      ncfType: 'E32',
      sequenceId: sequence!.id,
      customerId: s.company.id,
      lines: [line('250000')],
    });
    const ids = [...small, ...big].sort(() => Math.random() - 0.5);

    const started = Date.now();
    const answers = await Promise.all(
      ids.map((id) =>
        api(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { ncf: string; ecf: { encf: string; channel: string } | null },
        })),
      ),
    );
    const issueSeconds = (Date.now() - started) / 1000;
    console.log(`200 concurrent E32: issued in ${issueSeconds.toFixed(1)} s`);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const expected = Array.from({ length: total }, (_, i) => `E32${String(i + 1).padStart(10, '0')}`);
    expect(answers.map((a) => a.body.ncf).sort()).toEqual(expected);
    // Every answer already carries its signed e-CF, under the same number.
    expect(answers.every((a) => a.body.ecf?.encf === a.body.ncf)).toBe(true);
    expect(answers.filter((a) => a.body.ecf?.channel === 'ecf')).toHaveLength(overThreshold);

    const [seqAfter] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, sequence!.id));
    expect(seqAfter!.nextNumber).toBe(total + 1);

    // Drain: every e-CF reaches DGII's final answer through the real queue.
    await expect
      .poll(
        async () =>
          (await s.db.select({ state: ecfDocuments.state }).from(ecfDocuments)).filter((r) => r.state === 'accepted')
            .length,
        { timeout: 150_000, interval: 500 },
      )
      .toBe(total);
    const drainSeconds = (Date.now() - started) / 1000;

    const dgii = await received(s.rnc);
    expect(Object.keys(dgii.counts).sort()).toEqual(expected.map((encf) => `${s.rnc}:${encf}`));
    expect(Object.values(dgii.counts).every((count) => count === 1)).toBe(true);
    const kinds = dgii.submissions.reduce<Record<string, number>>((acc, x) => {
      acc[x.kind] = (acc[x.kind] ?? 0) + 1;
      return acc;
    }, {});
    expect(kinds).toEqual({ ecf: overThreshold, rfce: total - overThreshold });
    const rows = await s.db
      .select({ attempts: ecfDocuments.attempts, encf: ecfDocuments.encf, ncf: invoices.ncf })
      .from(ecfDocuments)
      .innerJoin(invoices, eq(invoices.id, ecfDocuments.invoiceId));
    expect(rows).toHaveLength(total);
    expect(rows.every((row) => row.attempts === 1 && row.encf === row.ncf)).toBe(true);
    const times = dgii.submissions.map((x) => x.receivedAt);
    const perSecond = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
    console.log(
      `200 concurrent E32: issued in ${issueSeconds.toFixed(1)} s, all accepted after ${drainSeconds.toFixed(1)} s, ` +
        `${perSecond.toFixed(1)} submissions/s received by the stand-in`,
    );
  });
});
