import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.resolve(import.meta.dirname, '../../src');

async function sources(folder: string): Promise<Array<{ file: string; text: string }>> {
  const entries = await readdir(path.join(src, folder), { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(
    files.map(async (file) => ({ file: path.relative(src, file), text: await readFile(file, 'utf8') })),
  );
}

/** Issue 10: the page shell is set once, and signed-in handlers get a typed session. */
describe('code shape', () => {
  it('wraps pages in the shell only through the renderer (src/http/renderer.tsx), never in a route or a view', async () => {
    const offenders = [...(await sources('routes')), ...(await sources('views')), ...(await sources('api'))]
      .filter(({ text }) => /<(AppShell|AdminShell)\b/.test(text))
      .map(({ file }) => file);
    expect(offenders).toEqual([]);
  });

  it('reads the session and the admin without non-null assertions (the guards type them)', async () => {
    const offenders = (await sources('.'))
      .flatMap(({ file, text }) => text.split('\n').map((line, index) => ({ where: `${file}:${index + 1}`, line })))
      .filter(({ line }) => /c\.var\.(session|admin)!/.test(line))
      .map(({ where }) => where);
    expect(offenders).toEqual([]);
  });
});
