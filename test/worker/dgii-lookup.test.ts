/**
 * Registry lookups inside workerd, against rows this file inserts into the central dgii_taxpayers.
 * Its numbers start with 9 (RNC) or 999 (cédula), which the sample generator never produces.
 * test/node/dgii.test.ts imports the registry meanwhile, and each import swaps the whole table: a
 * swap between our insert and our read would drop our rows, so each read re-inserts once when a
 * row it needs is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/db/client';
import { findTaxpayer, findTaxpayers, type Taxpayer } from '../../src/dgii/lookup';
import { formatTaxId } from '../../src/domain/tax-id';
import { platform } from '../support/worker/helpers';

interface Row {
  taxId: string;
  name: string;
  commercialName: string | null;
  status: string;
}

const inserted = new Set<string>();

afterEach(async () => {
  const sql = await centralSql();
  await sql`DELETE FROM dgii_taxpayers WHERE tax_id = ANY(${[...inserted]}::text[])`;
  inserted.clear();
});

async function centralSql(): Promise<Sql> {
  return (await platform()).centralSql;
}

function freshDigits(count: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(count)), (byte) => byte % 10).join('');
}

function rnc(): string {
  return `9${freshDigits(8)}`;
}

function cedula(): string {
  return `999${freshDigits(8)}`;
}

async function insertRows(sql: Sql, rows: readonly Row[]): Promise<void> {
  for (const row of rows) inserted.add(row.taxId);
  await sql`INSERT INTO dgii_taxpayers (tax_id, name, commercial_name, status)
            SELECT * FROM unnest(${rows.map((row) => row.taxId)}::text[], ${rows.map((row) => row.name)}::text[],
                                 ${rows.map((row) => row.commercialName)}::text[], ${rows.map((row) => row.status)}::text[])
            ON CONFLICT (tax_id) DO NOTHING`;
}

/** Inserts `rows` and runs `read`; once more if an import swapped the table in between (see the header). */
async function readInserted<T>(
  sql: Sql,
  rows: readonly Row[],
  read: () => Promise<T>,
  complete: (result: T) => boolean,
): Promise<T> {
  await insertRows(sql, rows);
  const result = await read();
  if (complete(result)) return result;
  await insertRows(sql, rows);
  return read();
}

/** The Sql function, counting the requests made through it. */
function countingSql(sql: Sql): { sql: Sql; requests: () => number } {
  let requests = 0;
  const counted = new Proxy(sql, {
    apply(target, self, args) {
      requests++;
      return Reflect.apply(target, self, args);
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        requests++;
        return Reflect.apply(value, target, args);
      };
    },
  });
  return { sql: counted, requests: () => requests };
}

describe('DGII registry lookup', () => {
  it('finds a taxpayer by RNC or cédula, digits or formatted, accents intact', async () => {
    const sql = await centralSql();
    const company: Row = {
      taxId: rnc(),
      name: 'ÓPTICA PEÑA CIGÜEÑA, SRL',
      commercialName: 'ÓPTICA PEÑA',
      status: 'ACTIVO',
    };
    const person: Row = { taxId: cedula(), name: 'JOSÉ ARGÜELLO NÚÑEZ', commercialName: null, status: 'SUSPENDIDO' };
    const [byDigits, byFormatted, personFound] = await readInserted(
      sql,
      [company, person],
      () =>
        Promise.all([
          findTaxpayer(sql, company.taxId),
          findTaxpayer(sql, formatTaxId(company.taxId)),
          findTaxpayer(sql, ` ${formatTaxId(person.taxId)} `),
        ]),
      (results) => results.every((result) => result !== null),
    );
    const expected: Taxpayer = {
      taxId: company.taxId,
      name: 'ÓPTICA PEÑA CIGÜEÑA, SRL',
      commercialName: 'ÓPTICA PEÑA',
      status: 'ACTIVO',
    };
    expect(byDigits).toEqual(expected);
    expect(byFormatted).toEqual(expected);
    expect(personFound).toEqual({
      taxId: person.taxId,
      name: 'JOSÉ ARGÜELLO NÚÑEZ',
      commercialName: null,
      status: 'SUSPENDIDO',
    });
  });

  it('answers null for a number not in the registry, and for a malformed one without querying', async () => {
    const { sql, requests } = countingSql(await centralSql());
    expect(await findTaxpayer(sql, rnc())).toBeNull();
    expect(requests()).toBe(1);
    for (const malformed of ['', '12345', '9-01-85004', 'ABCDEFGHI', '1018500431'])
      expect(await findTaxpayer(sql, malformed)).toBeNull();
    expect(requests()).toBe(1);
  });

  it('finds many taxpayers in one request, keyed by digits, leaving out the unknown', async () => {
    const base = await centralSql();
    const rows: Row[] = [
      { taxId: rnc(), name: 'FARMACIA LA ÚNICA', commercialName: null, status: 'ACTIVO' },
      { taxId: rnc(), name: 'COLMADO EL PEÑÓN', commercialName: 'EL PEÑÓN', status: 'DADO DE BAJA' },
      { taxId: cedula(), name: 'MARÍA ÑECO', commercialName: null, status: 'ACTIVO' },
    ];
    const unknown = rnc();
    const { sql, requests } = countingSql(base);
    const query = [
      formatTaxId(rows[0]!.taxId),
      rows[1]!.taxId,
      rows[1]!.taxId,
      rows[2]!.taxId,
      unknown,
      'not-a-number',
    ];
    const found = await readInserted(
      base,
      rows,
      () => findTaxpayers(sql, query),
      (result) => result.size === rows.length,
    );
    expect(requests()).toBeLessThanOrEqual(2); // 2 only when an import forced the retry
    expect([...found.keys()].sort()).toEqual(rows.map((row) => row.taxId).sort());
    expect(found.get(rows[1]!.taxId)).toEqual({
      taxId: rows[1]!.taxId,
      name: 'COLMADO EL PEÑÓN',
      commercialName: 'EL PEÑÓN',
      status: 'DADO DE BAJA',
    });
    expect(found.has(unknown)).toBe(false);

    const { sql: single, requests: singleRequests } = countingSql(base);
    await findTaxpayers(
      single,
      rows.map((row) => row.taxId),
    );
    expect(singleRequests()).toBe(1);
    expect(await findTaxpayers(single, ['', 'x'])).toEqual(new Map());
    expect(singleRequests()).toBe(1);
  });
});
