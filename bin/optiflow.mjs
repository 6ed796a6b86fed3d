#!/usr/bin/env node
// OptiFlow admin CLI (`npx optiflow --help`): the TypeScript sources run through tsx.
import { register } from 'tsx/esm/api';

// wrangler (getPlatformProxy) needs Node 22; `npx optiflow` puts the project's Node first on PATH.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `error: optiflow needs Node 22 or later (this is ${process.version}); run it as \`npx optiflow\`\n`,
  );
  process.exit(1);
}

const unregister = register();
const { main } = await import('../src/cli/main.ts');
// Every TypeScript module is loaded by now; wrangler, imported later, loads a second faster without the hooks.
await unregister();
process.exitCode = await main(process.argv.slice(2));
