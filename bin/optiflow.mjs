#!/usr/bin/env node
// OptiFlow admin CLI (`npx optiflow --help`). The TypeScript sources run as one esbuild bundle
// (node_modules/.cache/optiflow/<checkout>/cli.mjs, packages included but wrangler), rebuilt whenever a file it
// was built from changes: loading one file takes a fifth of the CPU of resolving and compiling a few
// hundred modules (sources through tsx, packages file by file) at every start.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// wrangler (getPlatformProxy) needs Node 22; `npx optiflow` puts the project's Node first on PATH.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `error: optiflow needs Node 22 or later (this is ${process.version}); run it as \`npx optiflow\`\n`,
  );
  process.exit(1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// One bundle per checkout: a copy of the project may share this node_modules through a symlink.
const cacheDir = path.join(
  root,
  'node_modules',
  '.cache',
  'optiflow',
  createHash('sha256').update(root).digest('hex').slice(0, 16),
);
const bundle = path.join(cacheDir, 'cli.mjs');
const inputsFile = path.join(cacheDir, 'cli-inputs.json');

/** The bundle, if it is newer than every file it was built from (and than this script). */
function freshBundle() {
  try {
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    // Sources and the package files bundled with them: an `npm install` that changes one rebuilds too.
    const sources = [fileURLToPath(import.meta.url), ...inputs];
    return sources.every((source) => statSync(source).mtimeMs <= built) ? bundle : null;
  } catch {
    return null; // never built, or a source is gone
  }
}

async function build() {
  const { build: esbuild } = await import('esbuild');
  const started = new Date();
  mkdirSync(cacheDir, { recursive: true });
  // Another CLI may be building at the same moment: each builds in a directory of its own, then renames.
  const temporary = path.join(cacheDir, `build-${process.pid}`, 'cli.mjs');
  const result = await esbuild({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Packages go in too: resolving hundreds of package files at run time cost most of the start.
    // wrangler stays outside (loaded only by commands that open the bindings, and not bundleable).
    external: ['wrangler'],
    banner: {
      js: "import { createRequire as optiflowRequire } from 'node:module'; const require = optiflowRequire(import.meta.url);",
    },
    sourcemap: 'linked', // cli.mjs.map, read when run with NODE_OPTIONS=--enable-source-maps
    metafile: true,
    outfile: temporary,
    logLevel: 'error',
  });
  writeFileSync(
    `${inputsFile}.${process.pid}.tmp`,
    JSON.stringify(Object.keys(result.metafile.inputs).map((input) => path.resolve(root, input))),
  );
  renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
  renameSync(`${temporary}.map`, `${bundle}.map`);
  renameSync(temporary, bundle);
  // Dated from before esbuild read the sources: one edited during the build is newer, so it rebuilds.
  utimesSync(bundle, started, started);
  rmSync(path.dirname(temporary), { recursive: true, force: true });
  return bundle;
}

let entry;
try {
  entry = freshBundle() ?? (await build());
} catch {
  entry = null; // a read-only install: compile the sources at run time instead
}
let main;
if (entry) {
  ({ main } = await import(pathToFileURL(entry).href));
} else {
  const { register } = await import('tsx/esm/api');
  const unregister = register();
  ({ main } = await import('../src/cli/main.ts'));
  // Every TypeScript module is loaded by now; wrangler, imported later, loads a second faster without the hooks.
  await unregister();
}
process.exitCode = await main(process.argv.slice(2));
