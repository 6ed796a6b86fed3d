/**
 * The e-CF pages at phone width (390 px) in a real browser against `npm run dev`'s stack: the
 * submissions list, received e-CF (list and a detail read from its signed XML), ANECF cancellations
 * and the B-series fallback, each with a few rows, never wider than the screen (a table may scroll
 * inside its own box, the page does not). Screenshots: test-results/screenshots/ecf-narrow-*.png.
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { demoTenant } from '../../dev/stack';
import { persistPath } from '../../src/cli/environment';
import { tenantDb } from '../../src/db/client';
import { readP12 } from '../../src/ecf/certificate';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { signXml } from '../../src/ecf/sign';
import { buildEcfXml } from '../../src/ecf/xml';
import type { Bindings } from '../../src/env';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createPlatform } from '../../src/tenancy/platform';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';
import { makeTestCertificates } from '../support/ecf-certs';
import { invoice31, issuerRnc, signedAt } from '../support/ecf-fixtures';

let local: TestStack;
let browser: Browser | undefined;
let receivedId = '';

beforeAll(async () => {
  local = await startTestStack('ecf-narrow');
  receivedId = await seedEcfRows(local);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

/** A few rows on every e-CF page of the demo shop, written straight to its database and R2. */
async function seedEcfRows(stack: TestStack): Promise<string> {
  const configPath = path.resolve(import.meta.dirname, '../../wrangler.toml');
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    persist: { path: persistPath(configPath, stack.persistDir) },
  });
  const certs = makeTestCertificates();
  try {
    const env = { ...proxy.env, ...stack.stack.env } as Bindings;
    const platform = await createPlatform(env);
    const db = tenantDb((await tenantConnection(platform, demoTenant.id)).connectionString);
    const signed = await signXml(
      buildEcfXml(invoiceToEcf(invoice31), signedAt),
      await readP12(certs.shop.legacyP12, certs.password),
    );
    const xmlKey = 'ecf/received/narrow-test.xml';
    await env.FILES.put(`tenants/${demoTenant.id}/${xmlKey}`, signed);
    const [received] = (
      await db.execute<{ id: string }>(sql`
        INSERT INTO received_ecf (issuer_rnc, issuer_name, encf, ecf_type, buyer_rnc, issued_on, total, itbis_total, security_code, signed_at, xml_key, approval)
        SELECT ${issuerRnc}, 'DISTRIBUIDORA DE LENTES Y MONTURAS DEL CARIBE ORIENTAL, SRL', 'E31' || lpad(n::text, 10, '0'), '31', ${invoice31.company.rnc},
               current_date - n, 125430.55 * n, 19133.47 * n, 'A1b2C3', now() - n * interval '1 hour', ${xmlKey},
               (ARRAY['pending','approved','rejected'])[1 + n % 3]
          FROM generate_series(1, 4) n
        RETURNING id`)
    ).rows;
    const [branch] = (await db.execute<{ id: string }>(sql`SELECT id FROM branches ORDER BY created_at LIMIT 1`)).rows;
    await db.execute(sql`
      WITH inv AS (
        INSERT INTO invoices (status, ncf_type, ncf, issued_on, buyer_name, branch_id, currency_code, total)
        SELECT 'issued', 'E32', 'E32' || lpad((900 + n)::text, 10, '0'), current_date, 'María Altagracia de los Santos Peña', ${branch!.id}::uuid, 'DOP', 2350.75 * n
          FROM generate_series(1, 4) n RETURNING id, ncf, total
      )
      INSERT INTO ecf_documents (invoice_id, encf, ecf_type, environment, channel, state, security_code, signed_at, total_dop, signed_xml_key, dgii_status, last_error)
      SELECT id, ncf, '32', 'TesteCF', 'rfce', (ARRAY['accepted','rejected','contingency','accepted_conditional'])[1 + (row_number() OVER ())::int % 4],
             'Z9y8X7', now(), total, 'ecf/none.xml', 'Aceptado Condicional',
             'La DGII no respondió a tiempo (sin conexión con sus servicios); se reintentará automáticamente.'
        FROM inv`);
    const [sequence] = (
      await db.execute<{ id: string; doc_type: string }>(
        sql`SELECT id, doc_type FROM fiscal_sequences WHERE doc_type LIKE 'E%' ORDER BY doc_type LIMIT 1`,
      )
    ).rows;
    if (sequence) {
      await db.execute(sql`
        INSERT INTO ecf_cancellations (sequence_id, doc_type, from_number, to_number, first_encf, last_encf, state, environment, dgii_messages, requested_by)
        SELECT ${sequence.id}::uuid, ${sequence.doc_type}, 5000 + n * 10, 5000 + n * 10 + 9,
               ${sequence.doc_type} || lpad((5000 + n * 10)::text, 10, '0'), ${sequence.doc_type} || lpad((5000 + n * 10 + 9)::text, 10, '0'),
               (ARRAY['accepted','unconfirmed','sending'])[1 + n % 3], 'TesteCF',
               '["Rango de secuencias anulado correctamente para el contribuyente"]'::jsonb, 'demo@optiflow.test'
          FROM generate_series(1, 3) n`);
    }
    await db.execute(sql`
      WITH f AS (
        INSERT INTO ecf_fallbacks (reason, started_by, started_at)
        VALUES ('La DGII declaró incapacidad técnica del contribuyente por falla prolongada del proveedor de internet en la sucursal principal', 'demo@optiflow.test', now() - interval '2 hours')
        RETURNING id
      ), inv AS (
        INSERT INTO invoices (status, ncf_type, ncf, issued_on, buyer_name, branch_id, currency_code, total)
        SELECT 'issued', 'B02', 'B02' || lpad((700 + n)::text, 8, '0'), current_date, 'Cliente de contado', ${branch!.id}::uuid, 'DOP', 980.5 * n
          FROM generate_series(1, 3) n RETURNING id
      )
      INSERT INTO ecf_fallback_documents (invoice_id, fallback_id, ecf_type) SELECT inv.id, f.id, 'E32' FROM inv, f`);
    return received!.id;
  } finally {
    certs.cleanup();
    await proxy.dispose();
  }
}

describe.skipIf(!hasChromium)('e-CF pages at 390 px', () => {
  it('lists, a received e-CF, cancellations and the fallback fit a phone screen', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser, { width: 390, height: 844 });
    const base = local.stack.demoUrl;
    await logIn(page, base);
    const pages: Array<[name: string, path: string]> = [
      ['submissions', '/ecf'],
      ['received', '/ecf/recibidos'],
      ['received-detail', `/ecf/recibidos/${receivedId}`],
      ['cancellations', '/ecf/cancellations'],
      ['fallback', '/ecf/fallback'],
    ];
    const overflow: Record<string, number> = {};
    for (const [name, target] of pages) {
      const response = await page.goto(`${base}${target}`);
      expect(response?.status(), target).toBe(200);
      await screenshot(page, `ecf-narrow-${name}`);
      overflow[name] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    }
    expect(overflow).toEqual(Object.fromEntries(pages.map(([name]) => [name, 0])));
  }, 120_000);
});
