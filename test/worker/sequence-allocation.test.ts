import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { raisedCode } from '../../src/db/raised';
import { fiscalSequences, branches } from '../../src/db/tenant-schema';
import type { TenantDb } from '../../src/db/client';
import { createTestTenant, tenantContext } from '../support/worker/helpers';

async function allocate(
  db: TenantDb,
  docType: string,
  options: { sequenceId?: string; branchId?: string; on?: string } = {},
) {
  const result = await db.execute<{ sequence_id: string; number: string; valid_until: string | null }>(
    sql`SELECT * FROM allocate_document_number(${options.sequenceId ?? null}::uuid, ${docType}, ${options.branchId ?? null}::uuid, ${options.on ?? '2026-11-28'}::date)`,
  );
  return result.rows[0]!;
}

async function refusal(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return raisedCode(error);
  }
}

describe('allocate_document_number', () => {
  it('numbers B-series with 8 digits, e-NCF with 10, and the seeded COT and REC series', async () => {
    const { id } = await createTestTenant();
    const { db } = await tenantContext(id);
    await db.insert(fiscalSequences).values([
      {
        docType: 'B01',
        prefix: 'B01',
        rangeStart: 41,
        rangeEnd: 50,
        nextNumber: 41,
        validUntil: '2027-12-31',
        isDefault: true,
      },
      {
        docType: 'E31',
        prefix: 'E31',
        rangeStart: 1,
        rangeEnd: 10,
        nextNumber: 1,
        validUntil: '2027-12-31',
        isDefault: true,
      },
    ]);
    expect((await allocate(db, 'B01')).number).toBe('B0100000041');
    expect((await allocate(db, 'B01')).number).toBe('B0100000042');
    expect((await allocate(db, 'E31')).number).toBe('E310000000001');
    expect((await allocate(db, 'COT')).number).toBe('COT-00000001');
    expect((await allocate(db, 'REC')).number).toBe('REC-00000001');
    expect((await allocate(db, 'B01')).valid_until).toBe('2027-12-31');
  });

  it('refuses expired, exhausted, inactive and missing sequences without taking a number', async () => {
    const { id } = await createTestTenant();
    const { db } = await tenantContext(id);
    const [expired, full, inactive] = await db
      .insert(fiscalSequences)
      .values([
        {
          docType: 'B01',
          prefix: 'B01',
          rangeStart: 1,
          rangeEnd: 10,
          nextNumber: 1,
          validUntil: '2026-11-27',
          isDefault: true,
        },
        {
          docType: 'B02',
          prefix: 'B02',
          rangeStart: 1,
          rangeEnd: 2,
          nextNumber: 3,
          validUntil: '2027-12-31',
          isDefault: true,
        },
        {
          docType: 'B04',
          prefix: 'B04',
          rangeStart: 1,
          rangeEnd: 10,
          nextNumber: 1,
          validUntil: '2027-12-31',
          active: false,
        },
      ])
      .returning();
    expect(await refusal(allocate(db, 'B01', { on: '2026-11-28' }))).toBe('sequence_expired');
    expect((await allocate(db, 'B01', { on: '2026-11-27' })).number).toBe('B0100000001'); // valid through its last day
    expect(await refusal(allocate(db, 'B02'))).toBe('sequence_exhausted');
    expect(await refusal(allocate(db, 'B04', { sequenceId: inactive!.id }))).toBe('sequence_inactive');
    expect(await refusal(allocate(db, 'B04'))).toBe('sequence_not_found');
    expect(await refusal(allocate(db, 'B02', { sequenceId: expired!.id }))).toBe('sequence_not_found'); // another type's sequence
    const after = await db.select().from(fiscalSequences);
    expect(after.find((s) => s.id === expired!.id)!.nextNumber).toBe(2);
    expect(after.find((s) => s.id === full!.id)!.nextNumber).toBe(3);
  });

  it("prefers the branch's own sequence over the type's default", async () => {
    const { id } = await createTestTenant();
    const { db } = await tenantContext(id);
    const [main] = await db.select().from(branches);
    const [north] = await db.insert(branches).values({ code: 'NORTE', name: 'Norte' }).returning();
    await db.insert(fiscalSequences).values([
      {
        docType: 'B02',
        prefix: 'B02',
        rangeStart: 1,
        rangeEnd: 100,
        nextNumber: 1,
        validUntil: '2027-12-31',
        isDefault: true,
      },
      {
        docType: 'B02',
        prefix: 'B02',
        rangeStart: 101,
        rangeEnd: 200,
        nextNumber: 101,
        validUntil: '2027-12-31',
        branchId: north!.id,
      },
    ]);
    expect((await allocate(db, 'B02', { branchId: north!.id })).number).toBe('B0200000101');
    expect((await allocate(db, 'B02', { branchId: main!.id })).number).toBe('B0200000001');
  });

  it('gives 100 concurrent callers 100 distinct consecutive numbers, and a failed transaction gives its number back', async () => {
    const { id } = await createTestTenant();
    const { db } = await tenantContext(id);
    const [sequence] = await db
      .insert(fiscalSequences)
      .values({
        docType: 'B02',
        prefix: 'B02',
        rangeStart: 1,
        rangeEnd: 1000,
        nextNumber: 1,
        validUntil: '2027-12-31',
        isDefault: true,
      })
      .returning();
    const numbers = await Promise.all(Array.from({ length: 100 }, () => allocate(db, 'B02').then((row) => row.number)));
    expect(new Set(numbers).size).toBe(100);
    expect(numbers.map((n) => Number(n.slice(3))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    // The allocation and a failing statement in one transaction: both roll back.
    await expect(
      db.batch([
        db.execute(sql`SELECT * FROM allocate_document_number(null, 'B02', null, '2026-11-28')`),
        db.execute(sql`SELECT 1 / 0`),
      ]),
    ).rejects.toThrow();
    expect((await allocate(db, 'B02')).number).toBe('B0200000101');
    const [after] = await db.select().from(fiscalSequences).where(sql`id = ${sequence!.id}`);
    expect(after!.nextNumber).toBe(102);
  });
});
