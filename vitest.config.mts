import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import type { TestStack } from './test/support/global-setup';

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
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
          // Each node file starts its own stack, Chromium or CLI processes, and some hold millisecond
          // bounds (neon-endpoint's latency knob): one at a time, after the worker files.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // A browser flow polls for what a request brings (a POST through the whole local stack): 1 s,
          // vitest's default, is missed when the machine is busy; a poll still ends as soon as it holds.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
