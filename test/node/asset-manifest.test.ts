import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { computeHashes, manifestPath, renderManifest } from '../../scripts/asset-manifest.mjs';

const staticDir = path.resolve(import.meta.dirname, '../../public/static');

/** Issue 12 item 5: the committed manifest names each static file's current content hash. */
describe('static asset manifest', () => {
  it('matches the files in public/static (run npm run assets:manifest after changing one)', () => {
    expect(readFileSync(manifestPath, 'utf8')).toBe(renderManifest(computeHashes()));
  });

  it('gives a changed file a new hash and leaves the others alone', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'optiflow-static-'));
    try {
      cpSync(staticDir, copy, { recursive: true });
      const before = computeHashes(copy) as Record<string, string>;
      writeFileSync(path.join(copy, 'app.css'), `${readFileSync(path.join(copy, 'app.css'), 'utf8')}\n/* edit */\n`);
      const after = computeHashes(copy) as Record<string, string>;
      expect(after['app.css']).not.toBe(before['app.css']);
      expect({ ...after, 'app.css': '' }).toEqual({ ...before, 'app.css': '' });
      expect(renderManifest(after)).not.toBe(readFileSync(manifestPath, 'utf8'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
