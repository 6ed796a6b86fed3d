/**
 * A shop's electronic-invoicing day in a real browser against `npm run dev`'s stack (its own
 * PostgreSQL, wrangler dev with the queue, and its own DGII stand-in): the owner replaces the demo's
 * local test certificate with the company's at phone width and tests the connection; finds the
 * e-NCF ranges `npm run dev` registered; issues an E31 to a company and an E32 to a consumer and watches both reach Aceptado; prints the
 * E31 and reads its QR as a scanner would (the consultatimbre URL, the security code from the
 * signature of the XML the API serves, checked by xmlsec1); credits the E31 with an E34; sees
 * DGII's rejection message; goes through a DGII outage and recovers with each e-NCF received by
 * DGII exactly once. A second shop on the same stack, the E31's buyer, receives it in its inbox and
 * accepts it commercially, and the issuing shop sees that approval.
 * Screenshots: test-results/screenshots/ecf-day-*.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';
import { demoCompanyRnc } from '../../dev/demo-data';
import { mensajes, type StandinState } from '../../dev/dgii-standin';
import { demoTenant } from '../../dev/stack';
import { hashPassword } from '../../src/auth/password';
import { persistPath } from '../../src/cli/environment';
import { tenantDb } from '../../src/db/client';
import { users } from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import type { Bindings } from '../../src/env';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createPlatform } from '../../src/tenancy/platform';
import { createTenant } from '../../src/tenancy/provisioning';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

const buyer = { name: 'Importadora Caribe SRL', rnc: '131246796', option: 'Importadora Caribe SRL (1-31-24679-6)' };
/** The buyer's own OptiFlow shop on the same stack, with its owner. */
const buyerShop = {
  id: 'caribe',
  name: 'Importadora Caribe',
  owner: 'duena@caribe.test',
  password: 'clave de la dueña 2026',
};
const certPassword = 'clave del certificado';
const certDir = mkdtempSync(path.join(tmpdir(), 'optiflow-ecf-day-'));
const hasXmlsec = (() => {
  try {
    execFileSync('xmlsec1', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let local: TestStack;
let browser: Browser | undefined;
let step = 0;

/** A legacy .p12 (as Dominican CAs issue them) for a company's RNC, self-signed by openssl; returns its files. */
function companyCertificate(name: string, rnc: string, company: string): { p12: string; certPem: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'ignore' });
  // biome-ignore format: one openssl command per line reads best
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '365',
    '-subj', `/C=DO/O=${company}/organizationIdentifier=VATDO-${rnc}/CN=${company.toUpperCase()}`);
  // biome-ignore format: one openssl command per line reads best
  run('pkcs12', '-export', '-legacy', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-out', `${name}.p12`,
    '-passout', `pass:${certPassword}`);
  return { p12: path.join(certDir, `${name}.p12`), certPem: path.join(certDir, `${name}.pem`) };
}

beforeAll(async () => {
  local = await startTestStack('ecf-day');
  // Only this run's pictures: the steps are numbered, and an earlier run may have had more of them.
  const shots = path.resolve(import.meta.dirname, '../../test-results/screenshots');
  for (const file of readdirSync(shots)) if (file.startsWith('ecf-day-')) rmSync(path.join(shots, file));
  await createBuyerShop(local);
  // DGII's directory of electronic receivers lists the buyer's shop (the stack listed the demo shop).
  const url = buyerUrl(local.stack.demoUrl);
  await standin(local.stack.dgiiUrl, 'directory', {
    nombre: buyer.name,
    rnc: buyer.rnc,
    urlRecepcion: url,
    urlAceptacion: url,
    urlOpcional: url,
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  rmSync(certDir, { recursive: true, force: true });
}, 60_000);

// Needs Chromium, openssl and xmlsec1 (Debian packages that .ci/run installs); skipped on a machine without them.
describe.skipIf(!hasChromium || !hasXmlsec)('an e-CF day in the browser', () => {
  it('certificate, E31 and E32 accepted, printed QR, the buyer shop accepts the E31, E34, a rejection, an outage recovered with nothing lost or sent twice', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser, { width: 390, height: 844 });
    try {
      await flow(page, local.stack.demoUrl, local.stack.dgiiUrl);
    } catch (error) {
      await shot(page, 'failure');
      throw error;
    }
  }, 240_000);
});

const buyerUrl = (demoUrl: string) => demoUrl.replace(`//${demoTenant.id}.`, `//${buyerShop.id}.`);

/** What `npx optiflow tenants:create` and an owner with a password give: a second shop on the stack. */
async function createBuyerShop(stack: TestStack): Promise<void> {
  const configPath = path.resolve(import.meta.dirname, '../../wrangler.toml');
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    persist: { path: persistPath(configPath, stack.persistDir) },
  });
  try {
    const platform = await createPlatform({ ...proxy.env, ...stack.stack.env } as Bindings);
    await createTenant(platform, { id: buyerShop.id, name: buyerShop.name, domains: [buyerShop.id] });
    const db = tenantDb((await tenantConnection(platform, buyerShop.id)).connectionString);
    await db.insert(users).values({
      email: buyerShop.owner,
      name: 'Dueña',
      role: 'owner',
      status: 'active',
      passwordHash: await hashPassword(buyerShop.password),
    });
  } finally {
    await proxy.dispose();
  }
}

async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  await screenshot(page, `ecf-day-${String(step).padStart(2, '0')}-${name}`);
}

/** The stand-in's control API (Node reaches it on 127.0.0.1; it is not a *.localhost host). */
async function standin<T = unknown>(dgiiUrl: string, action: string, body?: unknown): Promise<T> {
  const response = await fetch(`${dgiiUrl}/_control/${action}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

async function flow(page: Page, base: string, dgiiUrl: string) {
  const status = () => page.getByRole('status').first().textContent();
  const company = companyCertificate('empresa', demoCompanyRnc, 'Optica Demo SRL');

  await logIn(page, base);

  // 1. The certificate at phone width: a wrong password is refused in place (htmx, 422), then it is stored.
  await page.goto(`${base}/settings/ecf`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Facturación electrónica (e-CF)');
  // `npm run dev` gave the demo shop a locally made test certificate; the owner replaces it with the company's.
  await expect.poll(() => page.locator('#ecf-current').textContent()).toContain('Pruebas (TesteCF)');
  const before = await page.locator('#ecf-current').textContent();
  const loadedAt = await page.evaluate(() => performance.timeOrigin);
  await page.getByLabel('Ambiente de la DGII').selectOption('CerteCF');
  await page.getByLabel('Certificado (.p12 o .pfx)').setInputFiles(company.p12);
  await page.getByLabel('Contraseña del certificado').fill('no es la clave');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await expect
    .poll(() => page.locator('#field-password-error').textContent())
    .toBe('La contraseña del certificado no es correcta.');
  expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
  expect(await page.locator('#ecf-current').textContent()).toBe(before);
  await shot(page, 'certificate-wrong-password');

  await page.getByLabel('Certificado (.p12 o .pfx)').setInputFiles(company.p12);
  await page.getByLabel('Contraseña del certificado').fill(certPassword);
  await page.getByRole('button', { name: 'Guardar' }).click();
  await expect.poll(() => page.locator('#ecf-certificate').textContent()).toContain('OPTICA DEMO SRL');
  const facts = await page.locator('#ecf-certificate').textContent();
  expect(facts).toContain('Certificación (CerteCF)');
  expect(facts).toContain(demoCompanyRnc);
  expect(await status()).toContain('Se guardó la configuración');

  const authenticationsBefore = (await standin<StandinState>(dgiiUrl, `state?rnc=${demoCompanyRnc}`)).authentications;
  await page.getByRole('button', { name: 'Probar conexión' }).click();
  await expect
    .poll(() => page.locator('#ecf-test-result').textContent(), { timeout: 15_000 })
    .toContain('Conexión correcta con la DGII (Certificación (CerteCF))');
  // The connection test really authenticated at DGII's stand-in with this RNC's certificate.
  expect((await standin<StandinState>(dgiiUrl, `state?rnc=${demoCompanyRnc}`)).authentications).toBe(
    authenticationsBefore + 1,
  );
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'certificate-saved');

  // The rest of the day at the counter's tablet.
  await page.setViewportSize({ width: 1180, height: 900 });

  // The buyer, Importadora Caribe, runs OptiFlow too: its owner sets its RNC and its own certificate.
  const buyerBase = buyerUrl(base);
  const buyerPage = await newShopPage(browser!);
  await logIn(buyerPage, buyerBase, buyerShop.owner, buyerShop.password);
  await buyerPage.goto(`${buyerBase}/company`);
  await buyerPage.getByLabel('Nombre o razón social').fill(buyer.name);
  await buyerPage.getByLabel('RNC').fill(buyer.rnc);
  await buyerPage.getByLabel('Dirección').fill('Calle El Conde 10, Zona Colonial, Santo Domingo');
  await buyerPage.getByRole('button', { name: 'Guardar cambios' }).click();
  await expect
    .poll(() => buyerPage.getByRole('status').first().textContent())
    .toContain('Datos de la empresa guardados.');
  const buyerCertificate = companyCertificate('caribe', buyer.rnc, buyer.name);
  await buyerPage.goto(`${buyerBase}/settings/ecf`);
  await buyerPage.getByLabel('Ambiente de la DGII').selectOption('CerteCF');
  await buyerPage.getByLabel('Certificado (.p12 o .pfx)').setInputFiles(buyerCertificate.p12);
  await buyerPage.getByLabel('Contraseña del certificado').fill(certPassword);
  await buyerPage.getByRole('button', { name: 'Guardar' }).click();
  await expect.poll(() => buyerPage.locator('#ecf-certificate').textContent()).toContain(buyer.rnc);
  await shot(buyerPage, 'buyer-certificate');

  // The e-NCF ranges DGII authorised are registered (`npm run dev` did it for the demo shop).
  await page.goto(`${base}/sequences`);
  for (const type of ['E31', 'E32', 'E34'])
    expect(await page.getByRole('link', { name: type, exact: true }).count()).toBe(1);
  await shot(page, 'sequences');

  // 3. An E31 to a company with RNC and an E32 to a consumer.
  const e31Url = await issueInvoice(page, base, {
    customer: buyer.option,
    type: 'E31',
    lines: [['MON-RB-5154', '2']],
    ncf: 'E310000000001',
  });
  await shot(page, 'e31-issued');
  const e32Url = await issueInvoice(page, base, {
    type: 'E32',
    lines: [
      ['LEN-PROG-16', '1'],
      ['SRV-EXAMEN', '1'],
    ],
    ncf: 'E320000000001',
  });

  // The queue sends both; the panel says Aceptado once DGII has decided.
  await expect.poll(() => ecfStateOf(page, e31Url), waitForDgii).toBe('Aceptado');
  const e31Panel = await ecfPanel(page).textContent();
  expect(e31Panel).toContain('E310000000001');
  expect(e31Panel).toMatch(/TrackId\s*[0-9a-f-]{36}/);
  await shot(page, 'e31-accepted');
  await expect.poll(() => ecfStateOf(page, e32Url), waitForDgii).toBe('Aceptado');
  expect(await ecfPanel(page).textContent()).toContain('Enviado como resumen (RFCE)');
  await shot(page, 'e32-accepted');

  // 4. The printed E31: the QR a phone scans, its consultatimbre URL, and the security code of the signature.
  await page.goto(e31Url);
  const panelCode = (await ecfPanel(page).locator('code').first().textContent())!.trim();
  const e31Id = e31Url.split('/').at(-1)!;
  await page.getByRole('link', { name: 'Imprimir A4' }).click();
  await page.waitForURL(/\/print\?format=a4$/);
  await shot(page, 'e31-print');
  const qrLink = page.getByRole('link', { name: 'Código QR para consultar este comprobante en la DGII' });
  const scanned = await scanQr(page, qrLink.getByRole('img'));
  expect(scanned).toBe(await qrLink.getAttribute('href'));
  const qr = new URL(scanned);
  expect(`${qr.origin}${qr.pathname}`).toBe('https://ecf.dgii.gov.do/certecf/consultatimbre');
  const [year, month, day] = shopToday().split('-');
  expect(Object.fromEntries(qr.searchParams)).toMatchObject({
    rncemisor: demoCompanyRnc,
    rnccomprador: buyer.rnc,
    encf: 'E310000000001',
    fechaemision: `${day}-${month}-${year}`,
    montototal: '15340.00', // 2 x 6,500.00 + ITBIS 18% 2,340.00
    codigoseguridad: panelCode,
  });
  const stamp = (await page.locator('.doc-ecf dl').textContent())!.replace(/\s+/g, '');
  expect(stamp).toBe(
    `Códigodeseguridad${panelCode}Fechadefirmadigital${qr.searchParams.get('fechafirma')!.replace(' ', '')}`,
  );

  // The signed XML, as the accountant's integration reads it through the API with a read-only key.
  await page.goto(`${base}/api-tokens`);
  await page.getByLabel(/^Nombre/).fill('Contabilidad');
  await page.getByRole('button', { name: 'Crear llave' }).click();
  const apiKey = await page.getByLabel('Llave Contabilidad').inputValue();
  const xmlAnswer = await fetchInPage(page, `${base}/api/v1/invoices/${e31Id}/ecf.xml`, apiKey);
  expect(xmlAnswer.status).toBe(200);
  const signedXml = xmlAnswer.body.toString('utf8');
  const signatureValue = /<SignatureValue>([^<]+)<\/SignatureValue>/.exec(signedXml)![1]!.replace(/\s/g, '');
  // DGII: the security code is the first 6 characters of the SignatureValue.
  expect(signatureValue.slice(0, 6)).toBe(panelCode);
  expect(xmlText(signedXml, 'FechaHoraFirma')).toBe(qr.searchParams.get('fechafirma'));
  expect(xmlText(signedXml, 'MontoTotal')).toBe('15340.00');
  expect(xmlText(signedXml, 'RNCComprador')).toBe(buyer.rnc);
  expect(xmlsecVerifies(signedXml, company.certPem, 'e31.xml')).toBe(true);
  // One changed figure and the same signature no longer verifies: the check above can fail.
  expect(
    xmlsecVerifies(signedXml.replace('<MontoTotal>15340.00<', '<MontoTotal>15340.01<'), company.certPem, 'e31-x.xml'),
  ).toBe(false);

  // The buyer's shop received the accepted E31 from the seller's queue, and accepts it commercially.
  await buyerPage.goto(`${buyerBase}/ecf/recibidos`);
  const receivedLink = buyerPage.getByRole('link', { name: 'E310000000001' });
  await expect
    .poll(async () => {
      await buyerPage.reload();
      return receivedLink.count();
    }, waitForDgii)
    .toBe(1);
  const receivedRow = buyerPage.getByRole('row', { name: /E310000000001/ });
  expect(await receivedRow.textContent()).toContain('Óptica Demo');
  expect(await receivedRow.textContent()).toContain('Pendiente');
  await shot(buyerPage, 'buyer-inbox');
  await receivedLink.click();
  expect(await buyerPage.locator('main').textContent()).toContain('15,340.00');
  await buyerPage.getByRole('button', { name: 'Aceptar' }).click();
  await expect
    .poll(() => buyerPage.getByRole('status').first().textContent())
    .toContain('Decisión registrada: Aceptado.');
  const decision = buyerPage.getByRole('region', { name: 'Aprobación comercial' });
  await expect
    .poll(async () => {
      await buyerPage.reload();
      return (await decision.textContent())?.replace(/\s+/g, ' ');
    }, waitForDgii)
    .toMatch(/DGII ?Enviada ?Emisor ?Enviada/);
  await shot(buyerPage, 'buyer-accepted');
  // DGII got the ACECF once, and the seller's shop recorded the buyer's approval on its E31.
  const approvals = (
    await standin<StandinState & { approvals: Array<Record<string, string>> }>(dgiiUrl, `state?rnc=${buyer.rnc}`)
  ).approvals;
  expect(approvals).toEqual([
    expect.objectContaining({ issuerRnc: demoCompanyRnc, buyerRnc: buyer.rnc, encf: 'E310000000001' }),
  ]);
  const invoiceJson = await fetchInPage(page, `${base}/api/v1/invoices/${e31Id}`, apiKey);
  expect(JSON.parse(invoiceJson.body.toString('utf8')).ecf.buyerApproval).toMatchObject({ status: 'approved' });
  await page.goto(e31Url);
  const buyerSide = ecfPanel(page).locator('[data-ecf-buyer]');
  expect(await buyerSide.locator('[data-delivery-state]').textContent()).toContain('Recibido por el cliente');
  expect(await buyerSide.locator('[data-buyer-approval]').textContent()).toContain('Aprobado por el cliente');
  await shot(page, 'seller-sees-approval');
  await page.goto(`${base}/audit`);
  expect(await page.locator('main').textContent()).toContain('El comprador aprobó comercialmente un e-CF');

  // 5. A frame comes back: an E34 credits the E31 and DGII accepts it too.
  await page.goto(e31Url);
  await page.getByRole('link', { name: 'Nota de crédito' }).click();
  await page.getByLabel(/Cantidad a acreditar de Montura/).fill('1');
  await page.getByLabel(/^Motivo/).fill('Devolución de una montura');
  await page.getByRole('button', { name: 'Emitir nota de crédito' }).click();
  await expect.poll(status).toContain('Nota de crédito emitida.');
  const e34Url = page.url().split('?')[0]!;
  expect(e34Url).toMatch(/\/credit-notes\/[0-9a-f-]{36}$/);
  await expect.poll(() => ecfStateOf(page, e34Url), waitForDgii).toBe('Aceptado');
  const e34Panel = await ecfPanel(page).textContent();
  expect(e34Panel).toContain('E340000000001');
  const e34Page = await page.locator('main').textContent();
  expect(e34Page).toContain('E310000000001'); // the e-NCF it modifies
  expect(e34Page).toContain('7,670.00'); // one frame 6,500.00 + ITBIS 1,170.00, within 30 days
  await shot(page, 'e34-accepted');
  // A credit note goes to the buyer as well: it lands in the buyer's inbox.
  await expect
    .poll(async () => {
      await buyerPage.goto(`${buyerBase}/ecf/recibidos`);
      return buyerPage.getByRole('link', { name: 'E340000000001' }).count();
    }, waitForDgii)
    .toBe(1);

  // 6. DGII rejects the next document: its message is on the document, and /ecf lists it.
  await standin(dgiiUrl, 'reject-next', { rnc: demoCompanyRnc });
  const rejectedUrl = await issueInvoice(page, base, {
    type: 'E32',
    lines: [['SRV-EXAMEN', '1']],
    ncf: 'E320000000002',
  });
  await expect.poll(() => ecfStateOf(page, rejectedUrl), waitForDgii).toBe('Rechazado');
  const rejectedPanel = await ecfPanel(page).textContent();
  expect(rejectedPanel).toContain(`${mensajes.rechazoForzado.codigo}: ${mensajes.rechazoForzado.valor}`);
  expect(rejectedPanel).toContain('La DGII dio el e-NCF por utilizado');
  await shot(page, 'rejected');

  // 7. DGII goes down: issuing still works, the e-CF waits in contingency on /ecf with its age.
  await standin(dgiiUrl, 'mode', { down: 'reset' });
  const outageUrl = await issueInvoice(page, base, {
    type: 'E32',
    lines: [['LC-ACUVUE-30', '2']],
    ncf: 'E320000000003',
  });
  const waitingCard = page.locator('article', { has: page.getByRole('link', { name: 'Factura E320000000003' }) });
  await expect
    .poll(async () => {
      await page.goto(`${base}/ecf`);
      return (await waitingCard.count()) ? waitingCard.locator('[data-ecf-state]').textContent() : null;
    }, waitForDgii)
    .toBe('En contingencia');
  expect(await waitingCard.textContent()).toMatch(/Esperando: \d+ min · Intentos: 1/);
  expect(await waitingCard.textContent()).toContain('Próximo intento');
  const rejectedCard = page.locator('article', { has: page.getByRole('link', { name: 'Factura E320000000002' }) });
  expect(await rejectedCard.textContent()).toContain(mensajes.rechazoForzado.valor);
  await shot(page, 'outage-pending');
  // Nothing reached DGII while it was down.
  expect((await standin<StandinState>(dgiiUrl, `state?rnc=${demoCompanyRnc}`)).counts).not.toHaveProperty(
    `${demoCompanyRnc}:E320000000003`,
  );

  // 8. DGII is back: "Reintentar ahora", pressed on two devices at the same moment, sends it once; DGII
  // accepts it, and every e-NCF of the day reached DGII exactly once.
  await standin(dgiiUrl, 'mode', { down: false });
  const secondTab = await newShopPage(browser!); // the owner's other device, its own session
  await logIn(secondTab, base);
  await secondTab.goto(`${base}/ecf`);
  const secondCard = secondTab.locator('article', {
    has: secondTab.getByRole('link', { name: 'Factura E320000000003' }),
  });
  await Promise.all([
    waitingCard.getByRole('button', { name: 'Reintentar ahora' }).click(),
    secondCard.getByRole('button', { name: 'Reintentar ahora' }).click(),
  ]);
  // Each device either queued it (the send claims the document, so it goes once) or found it already
  // taken by the other (409: nothing to retry); at least one of them queued it.
  const queued = 'El e-CF E320000000003 se enviará de nuevo en unos segundos.';
  const answers: string[] = [];
  for (const device of [page, secondTab]) {
    const answer = () => device.locator('body').textContent();
    await expect.poll(answer).toMatch(new RegExp(`${queued}|no hay nada que reintentar`));
    answers.push((await answer())!);
  }
  expect(answers.some((answer) => answer.includes(queued))).toBe(true);
  await secondTab.close();
  await expect.poll(() => ecfStateOf(page, outageUrl), waitForDgii).toBe('Aceptado');
  await shot(page, 'outage-recovered');
  await page.goto(`${base}/ecf`);
  expect(await page.getByRole('heading', { name: 'En espera' }).count()).toBe(0);
  expect(await page.locator('article[data-encf]').evaluateAll((cards) => cards.map((c) => c.dataset.encf))).toEqual([
    'E320000000002',
  ]);
  await shot(page, 'ecf-list-after');
  const received = await standin<StandinState>(dgiiUrl, `state?rnc=${demoCompanyRnc}`);
  expect(received.counts).toEqual({
    [`${demoCompanyRnc}:E310000000001`]: 1,
    [`${demoCompanyRnc}:E320000000001`]: 1,
    [`${demoCompanyRnc}:E340000000001`]: 1,
    [`${demoCompanyRnc}:E320000000002`]: 1,
    [`${demoCompanyRnc}:E320000000003`]: 1,
  });
}

const waitForDgii = { timeout: 45_000, intervals: [500, 1000] };

const ecfPanel = (page: Page) => page.getByRole('region', { name: 'Comprobante electrónico (e-CF)' });

/** The document's e-CF state as its page shows it now (a person reloads to see news from DGII). */
async function ecfStateOf(page: Page, url: string): Promise<string | null> {
  await page.goto(url);
  return ecfPanel(page).locator('[data-ecf-state]').textContent();
}

/** A new invoice from the form, saved as a draft and issued; returns its page. */
async function issueInvoice(
  page: Page,
  base: string,
  invoice: { customer?: string; type: string; lines: Array<[sku: string, quantity: string]>; ncf: string },
): Promise<string> {
  await page.goto(`${base}/invoices/new`);
  if (invoice.customer) {
    // The form searches customers instead of listing them all.
    await page.getByLabel(/^Buscar cliente/).fill(invoice.customer.replace(/ \(.*\)$/, ''));
    await page.getByRole('button', { name: 'Buscar cliente' }).click();
    // The live search (htmx, while typing) and the button's form post both answer: choose after both.
    await page.waitForLoadState('networkidle');
    // The person types once more and chooses while that live search is still on its way (held here
    // until the choice is made): its late answer must not undo the choice.
    let sent!: () => void;
    const searchSent = new Promise<void>((resolve) => (sent = resolve));
    let choose!: () => void;
    const chosen = new Promise<void>((resolve) => (choose = resolve));
    await page.route('**/pickers/customers?**', async (route) => {
      sent();
      await chosen;
      await route.continue();
    });
    await page.getByLabel(/^Buscar cliente/).pressSequentially(' ');
    await searchSent;
    await page.getByLabel('Cliente', { exact: true }).selectOption({ label: invoice.customer });
    // htmx has handled the late answer (swapped or dropped it) once afterOnLoad fires.
    type Waiting = { lateSearch?: Promise<void> };
    await page.evaluate(() => {
      (window as unknown as Waiting).lateSearch = new Promise<void>((resolve) =>
        document.body.addEventListener('htmx:afterOnLoad', () => resolve(), { once: true }),
      );
    });
    choose();
    await page.evaluate(() => (window as unknown as Waiting).lateSearch);
    await page.unroute('**/pickers/customers?**');
    expect(await page.getByLabel('Cliente', { exact: true }).locator('option:checked').textContent()).toBe(
      invoice.customer,
    );
  }
  await page.getByLabel(/^Tipo de comprobante/).selectOption(invoice.type);
  // Each line from the barcode field (a code and Enter), then its quantity.
  for (const [index, [sku, quantity]] of invoice.lines.entries()) {
    const scan = page.getByLabel('Código de barras o SKU');
    await scan.fill(sku);
    await scan.press('Enter');
    await expect.poll(() => page.getByLabel(`Línea ${index + 1}: Código (SKU)`).inputValue()).toBe(sku);
    await page.getByLabel(`Línea ${index + 1}: Cantidad`).fill(quantity);
  }
  await page.getByRole('button', { name: 'Guardar borrador' }).click();
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Borrador guardado.');
  await page.getByRole('button', { name: 'Emitir factura (asignar NCF)' }).click();
  await page.getByRole('button', { name: 'Confirmar emisión' }).click();
  await expect
    .poll(() => page.getByRole('status').first().textContent())
    .toContain(`Factura emitida con el NCF ${invoice.ncf}.`);
  return page.url().split('?')[0]!;
}

/** Reads the QR image as a scanner would: drawn on a white canvas in the page, decoded by jsQR. */
async function scanQr(page: Page, image: ReturnType<Page['locator']>): Promise<string> {
  const src = (await image.getAttribute('src'))!;
  expect(src).toMatch(/^data:image\/svg\+xml;base64,/);
  const pixels = await page.evaluate(async (source) => {
    const img = new Image();
    img.src = source;
    await img.decode();
    const size = 480;
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size, size);
    context.drawImage(img, 40, 40, size - 80, size - 80);
    return { size, data: [...context.getImageData(0, 0, size, size).data] };
  }, src);
  const code = jsQR(Uint8ClampedArray.from(pixels.data), pixels.size, pixels.size);
  expect(code).not.toBeNull();
  return code!.data;
}

function xmlText(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
}

/** xmlsec1 (libxmlsec, Debian) checks the enveloped signature against the company's certificate. */
function xmlsecVerifies(xml: string, trustedPem: string, name: string): boolean {
  const file = path.join(certDir, name);
  writeFileSync(file, xml);
  try {
    // biome-ignore format: one xmlsec1 invocation
    execFileSync('xmlsec1', ['--verify', '--trusted-pem', trustedPem, '--enabled-reference-uris', 'empty', file],
      { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A request as the signed-in browser makes it (Node cannot resolve `*.localhost`, Chromium can). */
async function fetchInPage(page: Page, url: string, bearer?: string): Promise<{ status: number; body: Buffer }> {
  const result = await page.evaluate(
    async ([target, token]) => {
      const response = await fetch(target!, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
      return { status: response.status, bytes: [...new Uint8Array(await response.arrayBuffer())] };
    },
    [url, bearer] as const,
  );
  return { status: result.status, body: Buffer.from(result.bytes) };
}
