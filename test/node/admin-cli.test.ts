/**
 * `optiflow admins:create`, run as a child process against the test stack's central database (the
 * same way as test/node/cli.test.ts), with a private KV/R2 state directory.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli';

const stack = inject('stack');

let persistDir: string;
let central: pg.Client;

beforeAll(async () => {
  persistDir = await mkdtemp(path.join(tmpdir(), 'optiflow-admin-cli-test-'));
  central = new pg.Client({ connectionString: stack.centralUrl });
  await central.connect();
});

afterAll(async () => {
  await central?.end();
  if (persistDir) await rm(persistDir, { recursive: true, force: true });
});

const cli = (...args: string[]): Promise<CliResult> => runCli(persistDir, args);

function expectUserError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(pattern);
}

describe('optiflow admins:create', () => {
  it('invites an admin and prints a one-time set-password link on the central domain; only its hash is stored', async () => {
    const email = `Ana-${Math.random().toString(36).slice(2, 10)}@OptiFlow.test`;
    const created = await cli('admins:create', email, '--name', 'Ana Pérez', '--port', '9123');
    expect(created.code, created.stderr).toBe(0);
    const link = /(http:\/\/localhost:9123\/admin\/set-password\?token=([A-Za-z0-9_-]{20,}))/.exec(created.stdout);
    expect(link, created.stdout).not.toBeNull();
    const token = link![2]!;

    const { rows: admins } = await central.query(
      'SELECT id, email, name, status, password_hash FROM platform_admins WHERE email = $1',
      [email.toLowerCase()],
    );
    expect(admins).toHaveLength(1);
    expect(admins[0]).toMatchObject({
      email: email.toLowerCase(),
      name: 'Ana Pérez',
      status: 'invited',
      password_hash: null,
    });
    const { rows: tokens } = await central.query(
      'SELECT token_hash, expires_at, used_at FROM admin_tokens WHERE admin_id = $1',
      [admins[0].id],
    );
    expect(tokens).toHaveLength(1);
    expect(tokens[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(tokens[0].used_at).toBeNull();
    const hours = (new Date(tokens[0].expires_at).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71.5);
    expect(hours).toBeLessThanOrEqual(72);

    const [duplicate, badEmail, missing] = await Promise.all([
      cli('admins:create', email.toUpperCase()),
      cli('admins:create', 'no-es-un-correo'),
      cli('admins:create'),
    ]);
    expectUserError(duplicate, /already exists/);
    expectUserError(badEmail, /invalid email/);
    expectUserError(missing, /missing argument <email>/);
    const { rows: count } = await central.query('SELECT count(*)::int AS n FROM admin_tokens WHERE admin_id = $1', [
      admins[0].id,
    ]);
    expect(count[0].n).toBe(1);
  });

  it('documents itself and mentions no default credentials', async () => {
    const help = await cli('admins:create', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('optiflow admins:create <email>');
    expect(help.stdout).toContain('72 hours');
  });
});
