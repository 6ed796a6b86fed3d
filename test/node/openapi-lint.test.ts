import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumpOpenApi, lintOpenApi } from '../../scripts/lint-openapi';

/** The shop API's OpenAPI document, dumped from the app, passes Redocly's linter (rules in redocly.yaml). */
describe('OpenAPI lint', () => {
  it('passes for the document the app serves', async () => {
    const result = lintOpenApi(await dumpOpenApi());
    expect(result.output).toMatch(/valid/i);
    expect(result.status, result.output).toBe(0);
  });

  it('fails for a document with an operation that has no operationId or a duplicate one', async () => {
    const document = JSON.parse(readFileSync(await dumpOpenApi(), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    delete document.paths['/invoices']!.get!.operationId;
    document.paths['/invoices']!.post!.operationId = 'getInvoice';
    const file = join(mkdtempSync(join(tmpdir(), 'optiflow-openapi-bad-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = lintOpenApi(file);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('operation-operationId');
    expect(result.output).toContain('operation-operationId-unique');
  });
});
