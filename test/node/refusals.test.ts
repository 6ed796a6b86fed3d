/**
 * The TypeScript/SQL contract of refusals: every `'optiflow:<code>'` our SQL raises (drizzle/, the
 * function files and the migrations) is in the one registry (src/domain/refusals.ts) and nothing
 * else is; a code unknown at run time is a 409, never a 500.
 */
import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { refusals } from '../../src/domain/refusals';
import { AppError } from '../../src/errors';
import { paymentError } from '../../src/services/shop/payments';
import { refusalError } from '../../src/services/refusals';

const drizzleDir = new URL('../../drizzle/', import.meta.url);

/** Every code raised as `'optiflow:<code>'` in the .sql files under drizzle/, with the files that raise it. */
async function raisedInSql(): Promise<Map<string, string[]>> {
  const files = (await readdir(drizzleDir, { recursive: true })).filter((file) => file.endsWith('.sql')).sort();
  const codes = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(new URL(file, drizzleDir), 'utf8');
    // An advisory lock's key (`hashtext('optiflow:receivables')`) is a name, not a raised code.
    for (const [, code] of text.matchAll(/(?<!hashtext\()'optiflow:([a-z0-9_]+)'/g))
      codes.set(code!, [...(codes.get(code!) ?? []), file]);
  }
  return codes;
}

/** A refusal as the Neon driver and drizzle hand it over: the database error as the cause of a wrapper. */
function raised(code: string): Error {
  const database = Object.assign(new Error(`optiflow:${code}`), { code: 'P0001' });
  return new Error('Failed query: SELECT ...', { cause: database });
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('refusal codes', () => {
  it('every optiflow:<code> raised in drizzle/ is in the registry, and every registry code is raised there', async () => {
    const raisedCodes = await raisedInSql();
    const registered = new Set(Object.keys(refusals));
    expect(raisedCodes.size).toBeGreaterThan(20);
    const unmapped = [...raisedCodes]
      .filter(([code]) => !registered.has(code))
      .map(([code, files]) => `${code} (${files.join(', ')})`);
    expect(unmapped, 'raised in SQL but missing from src/domain/refusals.ts').toEqual([]);
    const unraised = [...registered].filter((code) => !raisedCodes.has(code));
    expect(unraised, 'in src/domain/refusals.ts but raised nowhere in drizzle/').toEqual([]);
  });

  it('a code the registry does not know is a 409 with a generic message, never a 500 (and is logged)', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = caught(() => paymentError(raised('brand_new_rule')));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'conflict', publicMessage: expect.stringMatching(/\S/) });
    for (const source of ['invoiceIssue', 'invoiceVoid', 'payment', 'creditNote', 'quotation'] as const) {
      expect(refusalError(raised('brand_new_rule'), source).code).toBe('conflict');
    }
    expect(log).toHaveBeenCalledWith(expect.stringContaining('optiflow:brand_new_rule'));
    log.mockRestore();
  });

  it('reads a code per operation where the operation changes its meaning, and fills the DETAIL and the fix', () => {
    const receipt = refusalError(raised('sequence_exhausted'), 'payment', { type: 'REC' });
    const quotation = refusalError(raised('sequence_exhausted'), 'quotation', { type: 'COT' });
    expect(receipt).toMatchObject({ code: 'validation', fields: { _form: receipt.publicMessage } });
    expect(receipt.fix?.href).toBe('/sequences/new?docType=REC');
    expect(quotation).toMatchObject({ code: 'conflict', fields: null });
    expect(quotation.fix?.href).toBe('/sequences/new?docType=COT');
    expect(quotation.publicMessage).not.toBe(receipt.publicMessage);

    const stock = Object.assign(new Error('optiflow:stock_insufficient'), { code: 'P0001', detail: 'Montura Aurora' });
    const outOfStock = refusalError(new Error('Failed query', { cause: stock }), 'invoiceIssue', { type: 'B02' });
    expect(outOfStock).toMatchObject({
      code: 'validation',
      fields: { lines: expect.stringContaining('Montura Aurora') },
    });
    expect(refusalError(raised('invoice_not_found'), 'creditNote')).toMatchObject({
      code: 'not_found',
      publicMessage: null,
    });
  });

  it('an error that is not a refusal propagates as it is', () => {
    const other = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(caught(() => refusalError(other, 'payment'))).toBe(other);
  });
});
