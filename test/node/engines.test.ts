/**
 * What the README says about Node, `engines` in package.json and what the locked tools declare must
 * agree: a Node below what wrangler, miniflare or vitest need is only honest if the README says
 * `npm ci` warns about it and the `node` devDependency (which runs every npm script and npx) meets
 * every tool's range.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map(Number);
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The npm range forms `>=x.y.z` and `^x.y.z` joined by `||`; null for any other form. */
function satisfies(version: string, range: string): boolean | null {
  const v = parseVersion(version);
  const terms = range.split('||').map((part) => /^(>=|\^)\s*(\d+(?:\.\d+){0,2})$/.exec(part.trim()));
  if (terms.some((term) => term === null)) return null;
  return terms.some((term) => {
    const floor = parseVersion(term![2]!);
    if (compare(v, floor) < 0) return false;
    return term![1] === '>=' || v[0] === floor[0];
  });
}

/** The lowest version a range admits. */
function minimum(range: string): string {
  const floors = range.split('||').map((part) => part.trim().replace(/^(>=|\^)/, ''));
  return floors.map(parseVersion).sort(compare)[0]!.join('.');
}

describe('Node versions', () => {
  it('README, engines and the locked tools agree', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
    const lock = JSON.parse(await readFile(path.join(root, 'package-lock.json'), 'utf8'));
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');

    const claimed = /Needs only Node\.js \((\d+(?:\.\d+)*) or newer\)/.exec(readme)?.[1];
    expect(claimed, 'README states the Node version it needs').toBeDefined();
    const engines: string = pkg.engines.node;
    expect(minimum(engines), 'engines and README name the same minimum').toBe(parseVersion(claimed!).join('.'));

    const bundledNode: string = lock.packages['node_modules/node'].version;
    const below: string[] = [];
    for (const [where, entry] of Object.entries(
      lock.packages as Record<string, { engines?: { node?: string }; os?: string[]; cpu?: string[] }>,
    )) {
      // Platform packages of other systems are never installed here, so npm never checks them.
      if ((entry.os && !entry.os.includes(process.platform)) || (entry.cpu && !entry.cpu.includes(process.arch)))
        continue;
      const range = entry.engines?.node;
      if (!where.startsWith('node_modules/') || !range || satisfies(minimum(engines), range) !== false) continue;
      const tool = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
      expect(satisfies(bundledNode, range), `node@${bundledNode} (the devDependency) runs ${tool} (${range})`).toBe(
        true,
      );
      below.push(tool);
    }
    expect(below, 'wrangler needs more than Node 20').toContain('wrangler');
    if (below.length > 0) {
      // The README must say what a user on the minimum Node sees, and why it is harmless.
      expect(readme).toContain('EBADENGINE');
      for (const tool of below) expect(readme, `README names ${tool} among the warnings`).toContain(`\`${tool}\``);
    }
  });
});
