/**
 * The back office in a real browser against `npm run dev`'s stack, one stack for the whole file: an
 * expense from a supplier's NCF and the 606, a sales report exported and read back, an import with
 * its preview, a bulk price update. Each area's flow lives in test/node/back-office/<area>.flow.ts.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { hasChromium, launchChromium, runFlow, startTestStack, type TestStack } from '../support/browser-stack';
import { reportsFlow } from './back-office/reports.flow';
import { importsFlow } from './back-office/imports.flow';
import { catalogueFlow } from './back-office/catalogue.flow';
import { expensesFlow } from './back-office/expenses.flow';

let local: TestStack;
let browser: Browser;

beforeAll(async () => {
  local = await startTestStack('back-office');
  if (hasChromium) browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

describe.skipIf(!hasChromium)('the back office in the browser', () => {
  // Each area adds one `it` below that calls its flow with (browser, local), through runFlow.
  it('an expense typed from a supplier NCF: the RNC fills the name from the DGII registry, saved, marked paid, the 606 of its month downloaded and read line by line', async () => {
    await runFlow(browser, 'expenses', (page) => expensesFlow(page, local));
  }, 90_000);
  it('an import of contacts: a CSV mapped, a preview with exactly two bad rows, the fixed file imported in the background, the contacts there', async () => {
    await runFlow(browser, 'imports', (page) => importsFlow(page, local));
  }, 90_000);
  it('a sales report filtered to a month, its table on screen, exported to .xlsx and read back equal to it', async () => {
    await runFlow(browser, 'reports', (page) => reportsFlow(page, local));
  }, 120_000);
  it('a bulk price update: filter by brand, +10 % to the nearest RD$5, the hand-computed preview, apply, the list shows the new prices', async () => {
    await runFlow(browser, 'catalogue', (page) => catalogueFlow(page, local));
  }, 90_000);
});
