/**
 * The ports of `npm run dev` are written in three places the code cannot share: dev/ports.ts (what
 * the stack listens on), wrangler.toml (where the local Worker sends queries, e-CF and messages) and
 * the README. They must agree, and stay out of the ephemeral ranges where a busy machine's outgoing
 * connections would take them by chance (CI once found the DGII stand-in's old port 54322 taken).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { devPorts } from '../../dev/ports';

const root = path.resolve(import.meta.dirname, '../..');
const wranglerToml = readFileSync(path.join(root, 'wrangler.toml'), 'utf8');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function tomlVar(name: string): string {
  const match = new RegExp(`^${name} = "([^"]*)"`, 'm').exec(wranglerToml);
  if (!match) throw new Error(`wrangler.toml has no ${name}`);
  return match[1]!;
}

describe('the ports of npm run dev', () => {
  it('are what wrangler.toml points the local Worker at', () => {
    expect(new URL(tomlVar('NEON_LOCAL_ENDPOINT')).port).toBe(String(devPorts.endpoint));
    expect(new URL(tomlVar('DGII_BASE_URL')).port).toBe(String(devPorts.dgii));
    expect(new URL(tomlVar('WHATSAPP_API_URL')).port).toBe(String(devPorts.messaging));
    expect(new URL(tomlVar('EMAIL_API_URL')).port).toBe(String(devPorts.messaging));
  });

  it('are the ones the README names', () => {
    for (const [name, port] of Object.entries(devPorts)) {
      expect(readme, `README names the ${name} port ${port}`).toContain(String(port));
    }
    expect(readme).not.toMatch(/\b5432[0-3]\b/);
  });

  it('lie below every ephemeral range (Linux from 32768, macOS and Windows from 49152), all different', () => {
    const ports = Object.values(devPorts);
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(32768);
  });
});

describe("the tests' ports", () => {
  it('start again on new ports when another process took one first, and only then', async () => {
    const { onFreePorts } = await import('../support/global-setup');
    const tried: number[] = [];
    const started = await onFreePorts(async (port) => {
      tried.push(await port());
      if (tried.length === 1) throw new Error(`Port ${tried[0]} (PostgreSQL) is already in use`);
      return 'started';
    });
    expect(started).toBe('started');
    expect(tried).toHaveLength(2);

    let calls = 0;
    await expect(
      onFreePorts(async () => {
        calls += 1;
        throw new Error('initdb: permission denied');
      }),
    ).rejects.toThrow('permission denied');
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      onFreePorts(async () => {
        calls += 1;
        throw Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4000'), {
          code: 'EADDRINUSE',
        });
      }),
    ).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(3);
  });
});
