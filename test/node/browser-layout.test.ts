/**
 * Every page of a shop's UI (test/support/page-routes.ts) in a real browser against `npm run dev`'s
 * stack, with a few rows in each list: at 390x844 the page never scrolls sideways (a wide table
 * scrolls inside its own box) and axe-core finds no serious or critical violation; at 1366x800 the
 * same axe check. The menu opens from its button at 390 px without JavaScript; the branch switch
 * submits on a pointer's choice but not while arrowing; /favicon.ico answers without a session.
 * Screenshots: test-results/screenshots/layout-*.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { demoTenant, demoUserEmail } from '../../dev/stack';
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
import { pageRoutes, type SeededIds } from '../support/page-routes';

/** axe-core's source, evaluated in the page: an added <script> would be refused by the pages' CSP, which stays on. */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const phone = { width: 390, height: 844 };
const desk = { width: 1366, height: 800 };
/** Pages photographed at both widths (every page is checked; these are the ones to look at). */
const photographed = new Set([
  'home',
  'invoices',
  'invoice',
  'quotation-edit',
  'contact',
  'ecf-received-detail',
  'company',
]);

let local: TestStack;
let browser: Browser | undefined;
let ids: SeededIds;

beforeAll(async () => {
  local = await startTestStack('layout');
  ids = await seedRows(local);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

/** A few rows in every list of the demo shop, written straight to its database (and R2 for a received e-CF). */
async function seedRows(stack: TestStack): Promise<SeededIds> {
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
    const one = async (query: ReturnType<typeof sql>) => (await db.execute<{ id: string }>(query)).rows[0]!.id;
    const longName = 'María Altagracia de los Santos Peña';

    const signed = await signXml(
      buildEcfXml(invoiceToEcf(invoice31), signedAt),
      await readP12(certs.shop.legacyP12, certs.password),
    );
    const xmlKey = 'ecf/received/layout-test.xml';
    await env.FILES.put(`tenants/${demoTenant.id}/${xmlKey}`, signed);
    const receivedEcfId = await one(sql`
      INSERT INTO received_ecf (issuer_rnc, issuer_name, encf, ecf_type, buyer_rnc, issued_on, total, itbis_total, security_code, signed_at, xml_key, approval)
      SELECT ${issuerRnc}, 'DISTRIBUIDORA DE LENTES Y MONTURAS DEL CARIBE ORIENTAL, SRL', 'E31' || lpad(n::text, 10, '0'), '31', ${invoice31.company.rnc},
             current_date - n, 125430.55 * n, 19133.47 * n, 'A1b2C3', now() - n * interval '1 hour', ${xmlKey},
             (ARRAY['pending','approved','rejected'])[1 + n % 3]
        FROM generate_series(1, 4) n
      RETURNING id`);
    const branchId = await one(sql`SELECT id FROM branches ORDER BY created_at LIMIT 1`);
    await db.execute(sql`INSERT INTO branches (code, name) VALUES ('ZC', 'Sucursal Zona Colonial')`);
    const contactId = await one(
      sql`UPDATE contacts SET name = ${longName} WHERE id = (SELECT id FROM contacts ORDER BY created_at LIMIT 1) RETURNING id`,
    );
    const productId = await one(sql`SELECT id FROM products ORDER BY created_at LIMIT 1`);
    const userId = await one(sql`SELECT id FROM users WHERE email = ${demoUserEmail}`);
    const taxId = await one(sql`SELECT id::text AS id FROM taxes ORDER BY id LIMIT 1`);
    const sequenceId = await one(sql`SELECT id FROM fiscal_sequences WHERE doc_type = 'B02'`);
    await db.execute(sql`
      WITH inv AS (
        INSERT INTO invoices (status, ncf_type, ncf, issued_on, buyer_name, branch_id, currency_code, total)
        SELECT 'issued', 'E32', 'E32' || lpad((900 + n)::text, 10, '0'), current_date, ${longName}, ${branchId}::uuid, 'DOP', 2350.75 * n
          FROM generate_series(1, 4) n RETURNING id, ncf, total
      )
      INSERT INTO ecf_documents (invoice_id, encf, ecf_type, environment, channel, state, security_code, signed_at, total_dop, signed_xml_key, dgii_status, last_error)
      SELECT id, ncf, '32', 'TesteCF', 'rfce', (ARRAY['accepted','rejected','contingency','accepted_conditional'])[1 + (row_number() OVER ())::int % 4],
             'Z9y8X7', now(), total, 'ecf/none.xml', 'Aceptado Condicional',
             'La DGII no respondió a tiempo (sin conexión con sus servicios); se reintentará automáticamente.'
        FROM inv`);
    const [eSequence] = (
      await db.execute<{ id: string; doc_type: string }>(
        sql`SELECT id, doc_type FROM fiscal_sequences WHERE doc_type LIKE 'E%' ORDER BY doc_type LIMIT 1`,
      )
    ).rows;
    await db.execute(sql`
      INSERT INTO ecf_cancellations (sequence_id, doc_type, from_number, to_number, first_encf, last_encf, state, environment, dgii_messages, requested_by)
      SELECT ${eSequence!.id}::uuid, ${eSequence!.doc_type}, 5000 + n * 10, 5000 + n * 10 + 9,
             ${eSequence!.doc_type} || lpad((5000 + n * 10)::text, 10, '0'), ${eSequence!.doc_type} || lpad((5000 + n * 10 + 9)::text, 10, '0'),
             (ARRAY['accepted','unconfirmed','sending'])[1 + n % 3], 'TesteCF',
             '["Rango de secuencias anulado correctamente para el contribuyente"]'::jsonb, ${demoUserEmail}
        FROM generate_series(1, 3) n`);
    await db.execute(sql`
      WITH f AS (
        INSERT INTO ecf_fallbacks (reason, started_by, started_at)
        VALUES ('La DGII declaró incapacidad técnica del contribuyente por falla prolongada del proveedor de internet en la sucursal principal', ${demoUserEmail}, now() - interval '2 hours')
        RETURNING id
      ), inv AS (
        INSERT INTO invoices (status, ncf_type, ncf, issued_on, buyer_name, branch_id, currency_code, total)
        SELECT 'issued', 'B02', 'B02' || lpad((700 + n)::text, 8, '0'), current_date, 'Cliente de contado', ${branchId}::uuid, 'DOP', 980.5 * n
          FROM generate_series(1, 3) n RETURNING id
      )
      INSERT INTO ecf_fallback_documents (invoice_id, fallback_id, ecf_type) SELECT inv.id, f.id, 'E32' FROM inv, f`);

    // A sale with lines: a quotation, its issued invoice with a receipt and a credit note, and a draft.
    const prescriptionId = await one(sql`
      INSERT INTO prescriptions (patient_id, branch_id, examined_on, optometrist_name, diagnosis, recommendations, next_visit_on)
      VALUES (${contactId}, ${branchId}, current_date, 'Dra. Carmen Josefina Rodríguez de la Cruz', 'Miopía y astigmatismo compuesto en ambos ojos',
              'Lentes progresivos con filtro de luz azul y tratamiento antirreflejo; control anual', current_date + 365)
      RETURNING id`);
    const totals = sql`12500.00, 500.00, 11000.00, 1500.00, 1980.00, 14480.00`;
    const quotationId = await one(sql`
      INSERT INTO quotations (number, sequence_id, customer_id, branch_id, prescription_id, status, currency_code, quoted_on, valid_until,
                              gross_total, discount_total, taxable_total, exempt_total, itbis_total, total)
      VALUES ('COT-00009001', ${sequenceId}, ${contactId}, ${branchId}, ${prescriptionId}, 'sent', 'DOP', current_date, current_date + 15, ${totals})
      RETURNING id`);
    const invoiceId = await one(sql`
      INSERT INTO invoices (status, ncf_type, sequence_id, ncf, ncf_valid_until, issued_on, customer_id, buyer_name, branch_id, quotation_id, currency_code,
                            gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, total_dop, paid_total, credited_total)
      VALUES ('partially_paid', 'B02', ${sequenceId}, 'B0200009001', current_date + 300, current_date, ${contactId}, ${longName}, ${branchId}, ${quotationId}, 'DOP',
              ${totals}, 14480.00, 5000.00, 1180.00)
      RETURNING id`);
    const draftInvoiceId = await one(sql`
      INSERT INTO invoices (status, ncf_type, customer_id, buyer_name, branch_id, currency_code, gross_total, discount_total, taxable_total, exempt_total, itbis_total, total)
      VALUES ('draft', 'B02', ${contactId}, ${longName}, ${branchId}, 'DOP', ${totals})
      RETURNING id`);
    const creditNoteId = await one(sql`
      INSERT INTO invoices (kind, status, ncf_type, sequence_id, ncf, issued_on, customer_id, buyer_name, branch_id, currency_code, reference_invoice_id,
                            modified_ncf, credit_reason, taxable_total, itbis_total, total, total_dop)
      VALUES ('credit_note', 'issued', 'B04', ${sequenceId}, 'B0400009001', current_date, ${contactId}, ${longName}, ${branchId}, 'DOP', ${invoiceId},
              'B0200009001', 'Devolución de una montura con defecto de fábrica en la bisagra', 1000.00, 180.00, 1180.00, 1180.00)
      RETURNING id`);
    for (const [table, documentId] of [
      ['quotation_lines', quotationId],
      ['invoice_lines', invoiceId],
      ['invoice_lines', draftInvoiceId],
    ] as const) {
      const column = table === 'quotation_lines' ? sql.raw('quotation_id') : sql.raw('invoice_id');
      await db.execute(sql`
        INSERT INTO ${sql.raw(table)} (${column}, position, product_id, description, quantity, unit_price, discount, tax_rate, exempt, amount)
        VALUES (${documentId}, 1, ${productId}, 'Montura Ray-Ban RB5154 Clubmaster Optics negro mate 51 mm', 1, 6500.0000, 500.00, 18.00, false, 6000.00),
               (${documentId}, 2, NULL, 'Lentes progresivos Varilux Comfort Max 1.67 con antirreflejo Crizal Sapphire', 1, 5000.0000, 0, 18.00, false, 5000.00),
               (${documentId}, 3, NULL, 'Examen visual completo', 1, 1500.0000, 0, 0, true, 1500.00)`);
    }
    const paymentId = await one(sql`
      INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, reference, created_by)
      VALUES (${invoiceId}, 'REC-00009001', ${sequenceId}, ${branchId}, current_date, '3', 5000.00, 'AUT-482913-VISA-4242', ${userId})
      RETURNING id`);
    const labOrderId = await one(sql`
      WITH o AS (
        INSERT INTO lab_orders (branch_id, customer_id, invoice_id, prescription_id, stage_id, priority, promised_on, od_sphere, od_cylinder, od_axis,
                                od_add, oi_sphere, pd, frame_description, frame_a, frame_b, frame_dbl, lens_type, lens_material, lens_index, treatments, notes, created_by)
        SELECT ${branchId}::uuid, ${contactId}::uuid, ${invoiceId}::uuid, ${prescriptionId}::uuid, s.id, 'urgent', current_date - 1, -2.25, -0.75, 180,
               2.00, -2.00, 63.0, 'Montura Ray-Ban RB5154 Clubmaster Optics negro mate 51 mm', 51, 40.5, 21, 'Progresivo', 'Policarbonato', 1.67,
               ARRAY['Antirreflejo', 'Filtro de luz azul', 'Fotocromático'], 'Revisar la altura de montaje antes de biselar', ${userId}::uuid
          FROM lab_stages s WHERE s.is_initial RETURNING id, stage_id
      )
      INSERT INTO lab_order_events (lab_order_id, kind, to_stage_id, user_id) SELECT id, 'created', stage_id, ${userId}::uuid FROM o
      RETURNING lab_order_id AS id`);
    const expenseId = await one(sql`
      INSERT INTO expenses (supplier_id_type, supplier_id_number, supplier_name, ncf, expense_type, branch_id, issued_on,
                            services_amount, goods_amount, total, itbis_billed, itbis_advance, payment_form, created_by)
      VALUES ('rnc', '101850043', 'Laboratorio Óptico Nacional de Lentes Progresivos y Monofocales SRL', 'B0100004567', '09', ${branchId},
              current_date, 0, 24350.00, 24350.00, 4383.00, 4383.00, '04', ${userId})
      RETURNING id`);
    const roleId = await one(sql`
      INSERT INTO custom_roles (name, permissions) VALUES ('Cajera sin reportes', '["dashboard.view", "cashCloses.close"]'::jsonb)
      RETURNING id`);
    return {
      expenseId,
      roleId,
      labOrderId,
      contactId,
      productId,
      branchId,
      userId,
      sequenceId,
      taxId,
      prescriptionId,
      quotationId,
      draftInvoiceId,
      invoiceId,
      paymentId,
      creditNoteId,
      receivedEcfId,
    };
  } finally {
    certs.cleanup();
    await proxy.dispose();
  }
}

/** Elements whose right edge passes the viewport, outermost first: what makes the page scroll sideways. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      if (box.right <= width + 0.5 || box.width === 0) continue;
      // Inside a box that scrolls sideways on its own, an element may be as wide as it likes.
      let clipped = false;
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const overflowX = getComputedStyle(parent).overflowX;
        if (overflowX !== 'visible' && parent.getBoundingClientRect().right <= width + 0.5) clipped = true;
      }
      if (clipped) continue;
      const name = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${
        typeof element.className === 'string' && element.className
          ? `.${element.className.trim().split(/\s+/).join('.')}`
          : ''
      }`;
      found.push(`${name} (right ${Math.round(box.right)} px)`);
      if (found.length >= 5) break;
    }
    return found;
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core's WCAG 2.x A/AA rules and best practices; what it finds serious or critical. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} - ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join(', ')}`,
    );
}

describe.skipIf(!hasChromium)('every page at phone and desk width', () => {
  it('fits 390 px without sideways scroll, passes axe at both widths, and the menu and branch switch work', async () => {
    browser = await launchChromium();
    const base = local.stack.demoUrl;
    const page = await newShopPage(browser, phone);
    await logIn(page, base);
    const routes = pageRoutes(ids);
    const problems: Record<string, string[]> = {};
    const note = (key: string, found: string[]) => {
      if (found.length > 0) problems[key] = found;
    };

    // One load per page: checked at phone width, then widened to a desk and checked again.
    for (const route of routes) {
      await page.setViewportSize(phone);
      const response = await page.goto(`${base}${route.path}`);
      if (response?.status() !== 200) {
        note(`${route.path} answered`, [String(response?.status())]);
        continue;
      }
      const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wider > 0) note(`390 ${route.path} scrolls ${wider} px`, await overflowing(page));
      note(`390 ${route.path} axe`, await seriousViolations(page));
      if (photographed.has(route.name)) await screenshot(page, `layout-390-${route.name}`);
      await page.setViewportSize(desk);
      // app.js opens the menu when the window becomes a desk (a media-query change event, after the
      // resize): check the page a user would then see, not the frame in between.
      await page.waitForFunction(() => document.querySelector('details[data-app-menu]')?.hasAttribute('open') ?? true);
      note(`1366 ${route.path} axe`, await seriousViolations(page));
      if (photographed.has(route.name)) await screenshot(page, `layout-1366-${route.name}`);
    }
    // The menu at phone width: collapsed, then open from its button (it is a native disclosure).
    await page.setViewportSize(phone);
    await page.goto(`${base}/invoices`);
    const menuButton = page.locator('summary.menu-button');
    expect(await page.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(false);
    await menuButton.click();
    expect(await page.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(true);
    expect(await page.locator('nav.app-nav a[aria-current="page"]').textContent()).toBe('Facturas');
    await screenshot(page, 'layout-390-menu-open');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(false);
    expect(await menuButton.evaluate((element) => element === document.activeElement)).toBe(true);

    await page.setViewportSize(desk);
    await page.goto(`${base}/invoices`);
    // At desk width the grouped menu is a sidebar, shown without opening anything.
    expect(await page.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(true);
    expect(await page.locator('summary.menu-button').isVisible()).toBe(false);
    expect(await page.locator('.nav-group-title').allTextContents()).toEqual([
      'Ventas',
      'Pacientes',
      'Inventario',
      'Reportes',
      'Configuración',
    ]);

    // The branch switch: arrowing through the closed select never switches; Enter does; a pointer's choice does at once.
    await page.goto(`${base}/contacts`);
    const branchPosts: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/session/branch')) branchPosts.push(request.method());
    });
    const checkedBranch = () => page.locator('#branch-select option:checked').textContent();
    const branchNames = await page.locator('#branch-select option').allTextContents();
    const first = await checkedBranch();
    const other = branchNames.find((name) => name !== first)!;
    await page.locator('#branch-select').focus();
    await page.keyboard.press(branchNames.indexOf(other) > branchNames.indexOf(first!) ? 'ArrowDown' : 'ArrowUp');
    expect(await checkedBranch()).toBe(other);
    await page.waitForTimeout(500);
    expect(branchPosts).toEqual([]);
    // A fresh page shows the session's branch: the server's, not the select's state.
    const switchedTo = async (submit: () => Promise<void>) => {
      const answered = page.waitForResponse((response) => response.url().endsWith('/session/branch'));
      await submit();
      await answered;
      await page.goto(`${base}/contacts`);
      return checkedBranch();
    };
    expect(await switchedTo(() => page.keyboard.press('Enter'))).toBe(other);
    expect(
      await switchedTo(async () => {
        await page.locator('#branch-select').selectOption({ label: first! });
      }),
    ).toBe(first);
    expect(branchPosts).toEqual(['POST', 'POST']);

    // The favicon: linked from <head>, and /favicon.ico answers without a session.
    const icon = await page.evaluate(async (target) => {
      const response = await fetch(target, { credentials: 'omit' });
      return { status: response.status, head: [...new Uint8Array(await response.arrayBuffer()).subarray(0, 4)] };
    }, `${base}/favicon.ico`);
    expect(icon).toEqual({ status: 200, head: [0, 0, 1, 0] });
    const svgHref = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute('href');
    expect(
      await page.evaluate(async (target) => (await fetch(target)).headers.get('content-type'), `${base}${svgHref}`),
    ).toContain('image/svg+xml');

    // Without JavaScript, the menu's button still opens the menu at phone width.
    const noScript = await browser.newContext({ viewport: phone, javaScriptEnabled: false, locale: 'es-DO' });
    await noScript.addCookies(await page.context().cookies());
    const plain = await noScript.newPage();
    await plain.goto(`${base}/contacts`);
    expect(await plain.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(false);
    expect(await plain.getByRole('button', { name: 'Cambiar' }).isVisible()).toBe(true);
    await plain.getByText('Menú').click();
    expect(await plain.getByRole('link', { name: 'Cotizaciones' }).isVisible()).toBe(true);
    await screenshot(plain, 'layout-390-nojs-menu');
    await noScript.close();
    expect(problems).toEqual({});
  }, 300_000);
});
