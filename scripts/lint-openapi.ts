/**
 * Dumps the shop API's OpenAPI document from the app itself and lints it with Redocly's CLI
 * (rules in redocly.yaml). `npm run lint:openapi [file]` lints a given document instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export async function dumpOpenApi(): Promise<string> {
  const { openApiDocument } = await import('../src/api/index');
  const file = join(mkdtempSync(join(tmpdir(), 'optiflow-openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  return file;
}

/** Runs `redocly lint` on a document; its exit status and output. */
export function lintOpenApi(file: string): { status: number; output: string } {
  const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const result = spawnSync(
    process.execPath,
    [cli, 'lint', file, '--config', resolve(import.meta.dirname, '../redocly.yaml'), '--format', 'stylish'],
    {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, 'lint-openapi.ts')) {
  const file = process.argv[2] ?? (await dumpOpenApi());
  const { status, output } = lintOpenApi(file);
  process.stdout.write(output);
  process.exit(status);
}
