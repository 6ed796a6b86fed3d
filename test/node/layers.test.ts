import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');

/** Runs the repository's dependency check (the one `npm run lint` runs) in a directory. */
async function check(cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, output: stdout };
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout ?? ''}${stderr ?? ''}` };
  }
}

/** Issue 10 item 2: layers only point down, and nothing imports in a circle. */
describe('layers', () => {
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(path.join(tmpdir(), 'optiflow-layers-'));
    for (const item of ['src', '.dependency-cruiser.cjs', 'tsconfig.json', 'worker-configuration.d.ts'])
      await cp(path.join(root, item), path.join(copy, item), { recursive: true });
  });

  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('holds for the source as it is: no upward import, no cycle', async () => {
    const result = await check(root);
    expect(result.output).not.toMatch(/error /);
    expect(result.ok).toBe(true);
  }, 60_000);

  it('fails when a lower layer imports a higher one, naming the rule and the import', async () => {
    const probe = path.join(copy, 'src/domain/layer-probe.ts');
    await writeFile(probe, "import { createTenantApp } from '../app';\nexport const probe = createTenantApp;\n");
    try {
      const result = await check(copy);
      expect(result.ok).toBe(false);
      expect(result.output).toContain('no-upward-from-base: src/domain/layer-probe.ts → src/app.ts');
    } finally {
      await rm(probe);
    }
  }, 60_000);

  it('fails when a route runs a query itself, or a query raises an AppError', async () => {
    const route = path.join(copy, 'src/routes/query-probe.ts');
    const query = path.join(copy, 'src/queries/error-probe.ts');
    await writeFile(route, "import { getContact } from '../queries/contacts';\nexport const probe = getContact;\n");
    await writeFile(query, "import { AppError } from '../errors';\nexport const probe = new AppError('not_found');\n");
    try {
      const result = await check(copy);
      expect(result.ok).toBe(false);
      expect(result.output).toContain('edges-call-services: src/routes/query-probe.ts → src/queries/contacts.ts');
      expect(result.output).toContain('queries-are-data-access: src/queries/error-probe.ts → src/errors.ts');
    } finally {
      await Promise.all([rm(route), rm(query)]);
    }
  }, 60_000);

  it('fails on a cycle made only of type imports, and when the UI routes import the API', async () => {
    const a = path.join(copy, 'src/domain/cycle-a.ts');
    const b = path.join(copy, 'src/domain/cycle-b.ts');
    const edge = path.join(copy, 'src/routes/edge-probe.ts');
    await writeFile(a, "import type { B } from './cycle-b';\nexport interface A { b: B }\n");
    await writeFile(b, "import type { A } from './cycle-a';\nexport interface B { a: A }\n");
    await writeFile(edge, "import { createApiApp } from '../api/app';\nexport const probe = createApiApp;\n");
    try {
      const result = await check(copy);
      expect(result.ok).toBe(false);
      expect(result.output).toMatch(/no-cycles: src\/domain\/cycle-(a|b)\.ts/);
      expect(result.output).toContain('edges-apart: src/routes/edge-probe.ts → src/api/app.ts');
    } finally {
      await Promise.all([rm(a), rm(b), rm(edge)]);
    }
  }, 60_000);
});
