/**
 * Cancelling unused e-NCF ranges with a signed ANECF (issue 11 item 5): the range is reserved under
 * the sequence's lock, sent to the DGII stand-in, and never allocated afterwards; used or overlapping
 * ranges are refused (422), DGII's refusal frees the numbers, DGII out of reach keeps them blocked.
 * Each test has its own shop and RNC, so stand-in modes stay its own.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, company, fiscalSequences } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { apiJson } from '../support/worker/api';
import { ecfShop, randomDigits, control } from '../support/worker/ecf';
import { get, postForm, testEnv } from '../support/worker/helpers';

type Shop = Awaited<ReturnType<typeof ecfShop>>;
const standin = testEnv.DGII_BASE_URL;

async function dgiiCancellations(rnc: string): Promise<Array<{ desde: string; hasta: string }>> {
  const state = (await (await fetch(`${standin}/_control/state?rnc=${rnc}`)).json()) as {
    cancellations: Array<{ desde: string; hasta: string }>;
  };
  return state.cancellations;
}

async function eSequence(s: Shop, type: string, rangeEnd: number, nextNumber = 1) {
  const [row] = await s.db
    .insert(fiscalSequences)
    .values({
      docType: type,
      prefix: type,
      rangeStart: 1,
      rangeEnd,
      nextNumber,
      validUntil: addDays(shopToday(), 365),
      isDefault: true,
    })
    .returning();
  return row!;
}

async function allocate(s: Shop, sequenceId: string, type: string): Promise<string> {
  const result = await s.db.execute<{ number: string }>(
    sql`SELECT number FROM allocate_document_number(${sequenceId}::uuid, ${type}, NULL, ${shopToday()}::date)`,
  );
  return result.rows[0]!.number;
}

async function e32Draft(s: Shop): Promise<string> {
  const created = await apiJson(s.host, '/invoices', s.bearer, {
    method: 'POST',
    body: JSON.stringify({
      ncfType: 'E32',
      customerId: s.walkIn.id,
      lines: [{ productId: s.service.id, quantity: '1', unitPrice: '500' }],
    }),
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const cancel = (s: Shop, body: object) =>
  apiJson(s.host, '/ecf/cancellations', s.bearer, { method: 'POST', body: JSON.stringify(body) });

describe('ANECF range cancellation', { timeout: 90_000 }, () => {
  it('cancels an unused range at DGII; allocation skips it; used and overlapping ranges are 422', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E32', 20);
    expect(await allocate(s, sequence.id, 'E32')).toBe('E320000000001');

    const done = await cancel(s, { sequenceId: sequence.id, from: 3, to: 5 });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      state: 'accepted',
      firstEncf: 'E320000000003',
      lastEncf: 'E320000000005',
      count: 3,
      environment: 'TesteCF',
    });
    expect(await dgiiCancellations(s.rnc)).toEqual([
      expect.objectContaining({ desde: 'E320000000003', hasta: 'E320000000005' }),
    ]);
    // The signed ANECF and DGII's answer are in the shop's files.
    const files = await s.ctx.files.list(`ecf/anecf/${done.body.id}/`);
    expect(files.map((o) => o.key.split('/').at(-1))).toEqual(
      expect.arrayContaining([`${s.rnc}-E320000000003-E320000000005.xml`]),
    );
    expect(files).toHaveLength(2);

    // Numbers 3-5 are never handed out.
    const next = [];
    for (let i = 0; i < 3; i++) next.push(await allocate(s, sequence.id, 'E32'));
    expect(next).toEqual(['E320000000002', 'E320000000006', 'E320000000007']);

    const used = await cancel(s, { sequenceId: sequence.id, from: 7, to: 9 });
    expect(used.status).toBe(422);
    expect(used.body.errors).toContainEqual({ field: 'from', message: expect.stringMatching(/ya emitidos/) });
    const overlap = await cancel(s, { sequenceId: sequence.id, from: 4, to: 4 });
    expect(overlap.status).toBe(422);
    const outside = await cancel(s, { sequenceId: sequence.id, from: 10, to: 21 });
    expect(outside.status).toBe(422);
    expect(outside.body.errors).toContainEqual({ field: 'to', message: expect.stringMatching(/dentro/) });
    const backwards = await cancel(s, { sequenceId: sequence.id, from: 12, to: 11 });
    expect(backwards.status).toBe(422);
    // Only the accepted one reached DGII, and the log has one entry for it.
    expect(await dgiiCancellations(s.rnc)).toHaveLength(1);
    const entries = await s.db.select().from(auditLog).where(eq(auditLog.action, 'ecf.range.cancelled'));
    expect(entries).toHaveLength(1);

    // A cancellation running to the end of the range exhausts it.
    expect((await cancel(s, { sequenceId: sequence.id, from: 8, to: 20 })).status).toBe(201);
    const exhausted = await s.db
      .execute(sql`SELECT * FROM allocate_document_number(${sequence.id}::uuid, 'E32', NULL, ${shopToday()}::date)`)
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(String((exhausted as { cause?: { message?: string } })?.cause?.message ?? exhausted)).toMatch(
      /sequence_exhausted/,
    );
  });

  it('issues at the same moment as a cancellation never take a cancelled number', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E32', 500);
    for (let round = 0; round < 2; round++) {
      const start = (await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, sequence.id)))[0]!
        .nextNumber;
      const from = start + 3;
      const to = from + 20;
      const drafts = await Promise.all(Array.from({ length: 8 }, () => e32Draft(s)));
      // The issues go through the API, as a till would send them, at the same moment as the cancellation.
      const [outcome, ...issued] = await Promise.all([
        cancel(s, { sequenceId: sequence.id, from, to }),
        ...drafts.map((id) => apiJson(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' })),
      ]);
      expect(issued.map((answer) => answer.status)).toEqual(Array(8).fill(200));
      const taken = issued.map((answer) => Number(String(answer.body.ncf).slice(3)));
      expect(new Set(taken).size).toBe(8);
      if (outcome.status === 201) {
        expect(taken.filter((n) => n >= from && n <= to)).toEqual([]);
      } else {
        // Refused only because an issue took a number of the range first.
        expect(outcome.status).toBe(422);
        expect(taken.some((n) => n >= from)).toBe(true);
      }
    }
  });

  it('DGII refusing the ANECF frees the numbers again; DGII out of reach keeps them blocked until a retry', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E31', 50);
    // The company's RNC is not the certificate's: DGII answers that the signer is not delegated for it.
    await s.db
      .update(company)
      .set({ rnc: `1${randomDigits(8)}` })
      .where(eq(company.id, 1));
    const refused = await cancel(s, { sequenceId: sequence.id, from: 1, to: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/delegado/);
    expect(await allocate(s, sequence.id, 'E31')).toBe('E310000000001');
    await s.db.update(company).set({ rnc: s.rnc }).where(eq(company.id, 1));

    await control('mode', { rnc: s.rnc, down: '503' });
    try {
      const parked = await cancel(s, { sequenceId: sequence.id, from: 2, to: 4 });
      expect(parked.status).toBe(201);
      expect(parked.body.state).toBe('unconfirmed');
      expect(await allocate(s, sequence.id, 'E31')).toBe('E310000000005');
    } finally {
      await control('mode', { rnc: s.rnc, down: false });
    }
    // The UI lists it with a retry; the retry sends the same ANECF and DGII accepts it.
    const page = await (await get(s.host, '/ecf/cancellations', { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('E310000000002 – E310000000004');
    const retry = /action="(\/ecf\/cancellations\/[0-9a-f-]{36}\/retry)"/.exec(page)![1]!;
    const retried = await postForm(s.host, retry, {}, { Cookie: s.cookie });
    expect(retried.status).toBe(303);
    const list = await apiJson(s.host, '/ecf/cancellations', s.bearer);
    expect(list.body.data).toEqual([expect.objectContaining({ state: 'accepted', firstEncf: 'E310000000002' })]);
    expect(await dgiiCancellations(s.rnc)).toHaveLength(1);
  });

  it("isolation: another shop neither lists nor retries a shop's cancellation", async () => {
    const a = await ecfShop();
    const b = await ecfShop();
    const sequence = await eSequence(a, 'E32', 10);
    const done = await cancel(a, { sequenceId: sequence.id, from: 9, to: 10 });
    expect(done.status).toBe(201);
    expect((await apiJson(b.host, '/ecf/cancellations', b.bearer)).body.data).toEqual([]);
    const retry = await postForm(b.host, `/ecf/cancellations/${done.body.id}/retry`, {}, { Cookie: b.cookie });
    expect(retry.status).toBe(404);
    // Nor can it cancel numbers of A's sequence by its id.
    const foreign = await cancel(b, { sequenceId: sequence.id, from: 1, to: 2 });
    expect(foreign.status).toBe(422);
    expect(await a.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, sequence.id))).toMatchObject([
      { nextNumber: 1 },
    ]);
  });

  it('UI: an owner cancels from the form; a used range comes back as 422 with the field message', async () => {
    const s = await ecfShop();
    const sequence = await eSequence(s, 'E32', 30, 11);
    const pending = await (await get(s.host, '/ecf', { headers: { Cookie: s.cookie } })).text();
    expect(pending).toContain('href="/ecf/cancellations"');
    const refused = await postForm(
      s.host,
      '/ecf/cancellations',
      { sequenceId: sequence.id, from: '5', to: '12' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('ya emitidos');
    const done = await postForm(
      s.host,
      '/ecf/cancellations',
      { sequenceId: sequence.id, from: '25', to: '30' },
      { Cookie: s.cookie },
    );
    expect(done.status).toBe(303);
    const page = await (await get(s.host, done.headers.get('location')!, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('La DGII anuló los e-NCF E320000000025 a E320000000030.');
  });
});
