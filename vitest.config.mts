import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import type { TestStack } from './test/support/global-setup';

/**
 * Node files that run alone, after the others: dev-stack runs the README's commands as written, on the
 * default ports and wrangler's default local state; neon-endpoint holds millisecond latency bounds.
 */
const serialNodeFiles = ['test/node/dev-stack.test.ts', 'test/node/neon-endpoint.test.ts'];

const nodeTimeouts = {
  testTimeout: 180_000,
  hookTimeout: 180_000,
  // A browser flow polls for what a request brings (a POST through the whole local stack): 1 s,
  // vitest's default, is missed when the machine is busy; a poll still ends as soon as it holds.
  expect: { poll: { timeout: 10_000 } },
};

export default defineConfig({
  test: {
    globalSetup: ['./test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        plugins: [
          cloudflareTest(({ inject }) => {
            const stack = inject<TestStack>('stack');
            return {
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  CENTRAL_DATABASE_URL: stack.centralUrl,
                  POSTGRES_ADMIN_URL: stack.adminUrl,
                  ENCRYPTION_KEY: stack.encryptionKey,
                  NEON_LOCAL_ENDPOINT: stack.endpointUrl,
                  DGII_BASE_URL: stack.dgiiUrl,
                  WHATSAPP_API_URL: stack.whatsappApiUrl,
                  EMAIL_API_URL: stack.emailApiUrl,
                },
              },
            };
          }),
        ],
        // Requests go through workerd to Postgres: a test that takes 1 s alone can take 5 s beside another file.
        // Two worker files at a time (they wait on workerd and Postgres); the e-CF ones scope every stand-in switch to their RNC.
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.{ts,tsx}'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          exclude: serialNodeFiles,
          environment: 'node',
          // Each node file starts its own stack (on free ports, in its own temp folder), Chromium or CLI
          // processes, after the worker files. Two at a time: a browser flow mostly waits on its stack, and
          // one file alone left the second core idle.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          ...nodeTimeouts,
        },
      },
      {
        extends: true,
        test: {
          name: 'node-serial',
          include: serialNodeFiles,
          environment: 'node',
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          ...nodeTimeouts,
        },
      },
    ],
  },
});
