import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { render } from '../../scripts/bundle-migrations.mjs';

describe('bundled migrations', () => {
  it('match drizzle/central and drizzle/tenant (run `npm run db:generate` after changing a schema)', async () => {
    const committed = await readFile(new URL('../../src/db/migrations.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(render());
  });
});
