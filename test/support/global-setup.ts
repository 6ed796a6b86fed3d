import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureCentralDatabase, generateEncryptionKey } from '../../dev/bootstrap';
import { startDgiiStandin } from '../../dev/dgii-standin';
import { graphVersion, startMessagingStandin } from '../../dev/messaging-standin';
import { startNeonEndpoint } from '../../dev/neon-endpoint';
import { startPostgres } from '../../dev/postgres';
import { provideEcfTestCertificate } from './ecf-certs';

export interface TestStack {
  endpointUrl: string;
  postgresPort: number;
  adminUrl: string;
  centralUrl: string;
  encryptionKey: string;
  /** The DGII stand-in (dev/dgii-standin.ts), the Worker's DGII_BASE_URL. */
  dgiiUrl: string;
  /** The WhatsApp Cloud API + Resend stand-in (dev/messaging-standin.ts): WHATSAPP_API_URL and EMAIL_API_URL. */
  whatsappApiUrl: string;
  emailApiUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}

/** One real PostgreSQL and one local Neon-protocol endpoint for the whole test run. */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'optiflow-test-pg-'));
  const password = `test-${Math.random().toString(36).slice(2)}`;
  const postgres = await onFreePorts(async (port) =>
    startPostgres({ dataDir, port: await port(), password, fast: true, log: () => {} }),
  );
  const endpoint = await onFreePorts(async (port) =>
    startNeonEndpoint({ port: await port(), postgres: { host: postgres.host, port: postgres.port }, log: () => {} }),
  );
  const dgii = await onFreePorts(async (port) => startDgiiStandin({ port: await port() }));
  const messaging = await onFreePorts(async (port) => startMessagingStandin({ port: await port() }));
  const { centralUrl } = await ensureCentralDatabase({
    endpointUrl: endpoint.url,
    adminUrl: (db) => postgres.adminUrl(db),
  });
  const stack: TestStack = {
    endpointUrl: endpoint.url,
    postgresPort: postgres.port,
    adminUrl: postgres.adminUrl('postgres'),
    centralUrl,
    encryptionKey: generateEncryptionKey(),
    dgiiUrl: dgii.url,
    whatsappApiUrl: `${messaging.url}/graph/${graphVersion}`,
    emailApiUrl: `${messaging.url}/resend`,
  };
  project.provide('stack', stack);
  provideEcfTestCertificate(project);
  return async () => {
    await dgii.close();
    await messaging.close();
    await endpoint.close();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}

/** A free port the OS picks: in its ephemeral range, so never one of `npm run dev`'s (dev/ports.ts). */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs `start` on ports the OS hands out (freePort). Such a port is free when picked, but another
 * process can take it before `start` binds it (PostgreSQL binds seconds later, after initdb, and the
 * suite opens thousands of connections): then `start`, which has cleaned up after itself, runs again on
 * new ports. CI saw a browser file's PostgreSQL lose its port this way.
 */
export async function onFreePorts<T>(start: (port: () => Promise<number>) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(freePort);
    } catch (error) {
      if (attempt >= attempts || !isPortTaken(error)) throw error;
    }
  }
}

function isPortTaken(error: unknown): boolean {
  return /already in use|EADDRINUSE/i.test(error instanceof Error ? error.message : String(error));
}
