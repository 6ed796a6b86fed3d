/**
 * Rows 19a-b: how long the admin CLI takes to start, as an operator types it: the wall time of
 * `npx optiflow --help` (no bindings) and of `npx optiflow tenants:list` against the bench's stack
 * (central database, KV and R2 through getPlatformProxy), median of 3 runs each.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './load';
import type { BenchStack, Row } from './run';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['optiflow', ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`npx optiflow ${args.join(' ')} exited ${code}: ${errors}`)),
    );
  });
}

export async function cliStartRows(
  bench: BenchStack,
  progress: (line: string) => void,
  persistTo?: string,
): Promise<Row[]> {
  const env = { ...process.env, ...bench.stack.env, WRANGLER_LOG: 'error' };
  const persist = persistTo ? ['--persist-to', persistTo] : [];
  const rows: Row[] = [];
  for (const [id, args] of [
    ['19a', ['--help']],
    ['19b', ['tenants:list', ...persist]],
  ] as const) {
    progress(`row ${id}: npx optiflow ${args[0]} x3...`);
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await timed([...args], env));
    const sorted = [...runs].sort((a, b) => a - b);
    rows.push({
      id,
      scenario: `CLI start: \`npx optiflow ${args[0]}\`${id === '19b' ? ' (central DB, KV and R2)' : ''}`,
      load: '3 runs',
      time: '',
      throughput: '',
      ratio: '',
      p50: `${percentile(sorted, 0.5).toFixed(2)} s`,
      tail: `runs ${runs.map((run) => run.toFixed(2)).join(' / ')} s`,
      central: '',
      tenant: '',
      cpuPerOp: '',
      cpu: '',
      target: '',
      met: '',
    });
  }
  return rows;
}
