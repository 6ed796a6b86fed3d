// Copies front-end assets that come from npm packages into the Worker's static assets folder,
// so they are served by the assets binding instead of a CDN.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const target = join(root, 'public', 'static');
mkdirSync(target, { recursive: true });
copyFileSync(require.resolve('htmx.org/dist/htmx.min.js'), join(target, 'htmx.min.js'));
copyFileSync(require.resolve('sortablejs/Sortable.min.js'), join(target, 'Sortable.min.js'));

// Pages link these files under their content hash and browsers keep them a year: a build whose
// manifest is stale would leave browsers on the old bytes.
const { manifestIsCurrent } = await import('./asset-manifest.mjs');
if (!manifestIsCurrent()) {
  console.error('src/views/asset-hashes.ts is out of date with public/static: run npm run assets:manifest');
  process.exit(1);
}
