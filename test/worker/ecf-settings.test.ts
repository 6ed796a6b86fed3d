/**
 * e-CF settings (/settings/ecf) in workerd: the owner uploads the shop's .p12, sees what it says,
 * and tests the connection against the DGII stand-in; refusals change nothing; other roles get 403;
 * the key is sealed for this shop only. The openssl-made legacy .p12 comes from the test run's global
 * setup; other certificates (expired, another RNC) are made here with WebCrypto and node-forge.
 */
import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import forge from 'node-forge';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { auditLog, company, ecfSettings } from '../../src/db/tenant-schema';
import { base64ToBytes, bytesToBase64, importSigningKey, readP12, storeCredentials } from '../../src/ecf/certificate';
import { AppError } from '../../src/errors';
import type { ShopContext } from '../../src/services/shop/context';
import {
  credentialsAssociatedData,
  getEcfSettings,
  loadSigningCredentials,
  saveEcfSettings,
  testEcfConnection,
} from '../../src/services/shop/ecf-settings';
import { decryptSecret, encryptionKeyFor, encryptSecret } from '../../src/tenancy/crypto';
import type { EcfTestCertificate } from '../support/ecf-certs';
import { tenantContext, testEnv } from '../support/worker/helpers';
import { colleague, type Shop, shop } from '../support/worker/shop';

let fixture: EcfTestCertificate;
let fixtureP12: Uint8Array;
let fixtureRnc: string;

beforeAll(async () => {
  const provided = inject('ecfTestCertificate');
  if (!provided) throw new Error('the global setup could not make the test .p12 (openssl missing?)');
  fixture = provided;
  fixtureP12 = base64ToBytes(fixture.p12Base64);
  fixtureRnc = (await readP12(fixtureP12, fixture.password)).info.taxId!;
});

const page = (s: Pick<Shop, 'host' | 'cookie'>, headers: Record<string, string> = {}) =>
  SELF.fetch(`http://${s.host}/settings/ecf`, { headers: { Cookie: s.cookie, ...headers }, redirect: 'manual' });

function upload(
  s: Pick<Shop, 'host' | 'cookie'>,
  fields: { p12?: Uint8Array | null; password?: string; environment?: string; fileName?: string },
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  form.append('environment', fields.environment ?? 'TesteCF');
  if (fields.p12)
    form.append(
      'certificate',
      new File([fields.p12], fields.fileName ?? 'empresa.p12', { type: 'application/x-pkcs12' }),
    );
  else form.append('certificate', new File([], '', { type: 'application/octet-stream' }));
  form.append('password', fields.password ?? '');
  return SELF.fetch(`http://${s.host}/settings/ecf`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: s.cookie, Origin: `http://${s.host}`, ...headers },
    body: form,
  });
}

function testConnection(s: Pick<Shop, 'host' | 'cookie'>, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://${s.host}/settings/ecf/test`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      Cookie: s.cookie,
      Origin: `http://${s.host}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: '',
  });
}

/** The message shown under a field (Field in src/views/components.tsx). */
function fieldError(html: string, name: string): string | null {
  const match = new RegExp(`id="field-${name}-error">([^<]*)<`).exec(html);
  return match ? match[1]!.trim() : null;
}

async function storedRow(s: Pick<Shop, 'db'>) {
  const [row] = await s.db.select().from(ecfSettings);
  return row ?? null;
}

async function ecfActivity(s: Pick<Shop, 'db'>) {
  const rows = await s.db.select().from(auditLog).orderBy(auditLog.id);
  return rows.filter((row) => row.action.startsWith('ecf.'));
}

/** The service context of a signed-in user of the shop, as shopContext(c) builds it. */
async function serviceContext(s: Shop, role = s.user.role, env = testEnv): Promise<ShopContext> {
  const tenant = await tenantContext(s.tenant.id);
  return {
    ...tenant,
    env,
    requestId: 'test',
    actor: {
      sessionHash: 'test',
      id: s.user.id,
      email: s.email,
      name: s.user.name,
      role,
      shopName: 'Óptica',
      logoKey: null,
      branches: [],
      branch: null,
      impersonatedBy: null,
      needsTouch: false,
    },
  };
}

function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}

/**
 * A legacy (3DES) .p12 whose certificate names `taxId` in organizationIdentifier (VATDO-...), as
 * Dominican CAs issue a company's certificate; self-signed, valid between the two dates.
 */
async function makeP12(options: { taxId: string; password: string; notBefore?: Date; notAfter?: Date }) {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
  const key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(bytesToBinary(pkcs8))) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `0${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const subject = [
    { name: 'countryName', value: 'DO' },
    { name: 'organizationName', value: 'Optica de Prueba SRL' },
    { type: '2.5.4.97', value: `VATDO-${options.taxId}` },
    { name: 'commonName', value: 'OPTICA DE PRUEBA SRL' },
  ];
  cert.setSubject(subject);
  cert.setIssuer([{ name: 'commonName', value: 'Autoridad de Prueba (workerd)' }]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], options.password, { algorithm: '3des' });
  const der = forge.asn1.toDer(p12).getBytes();
  return Uint8Array.from(der, (char) => char.charCodeAt(0));
}

function randomRnc(): string {
  return `1${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000).padStart(8, '0')}`;
}

describe('e-CF settings: uploading the certificate', { timeout: 30_000 }, () => {
  it('stores the certificate of the company RNC and shows its holder, RNC, issuer and validity', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const before = await page(s);
    expect(before.status).toBe(200);
    expect(await before.text()).toContain('Todavía no hay un certificado');

    const response = await upload(s, { p12: fixtureP12, password: fixture.password, environment: 'CerteCF' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/settings/ecf?saved=1');

    const html = await (await page(s)).text();
    expect(html).toContain('ÓPTICA PRUEBA SRL');
    expect(html).toContain(fixtureRnc);
    expect(html).toContain('OptiFlow Test CA');
    expect(html).toContain('Certificación (CerteCF)');
    expect(html).toMatch(/Del \d{2}\/\d{2}\/\d{4} al \d{2}\/\d{2}\/\d{4}/);
    expect(html).not.toContain('id="ecf-expiry"');
    // Neither the key nor the certificate nor the password ever goes back to the browser.
    const loaded = await loadSigningCredentials(await tenantContext(s.tenant.id).then((t) => ({ ...t, env: testEnv })));
    expect(loaded).not.toBeNull();
    expect(html).not.toContain(bytesToBase64(loaded!.credentials.privateKeyPkcs8).slice(0, 40));
    expect(html).not.toContain(fixture.certificateDerBase64.slice(0, 40));
    expect(html).not.toContain(fixture.password);

    const row = await storedRow(s);
    expect(row).toMatchObject({ environment: 'CerteCF', taxId: fixtureRnc, updatedBy: s.user.id });
    const activity = await ecfActivity(s);
    expect(activity.map((entry) => entry.action)).toEqual(['ecf.certificate.updated']);
    expect(activity[0]!.details).toMatchObject({ taxId: fixtureRnc, serialNumber: row!.serialNumber });
    expect(activity[0]!.actor).toContain(s.email);
  });

  it('gives the e-CF code working credentials: the key signs, the certificate is the uploaded one', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const ctx = await serviceContext(s);
    expect(await loadSigningCredentials(ctx)).toBeNull();
    expect(await upload(s, { p12: fixtureP12, password: fixture.password }).then((r) => r.status)).toBe(303);
    const loaded = await loadSigningCredentials(ctx);
    expect(loaded?.environment).toBe('TesteCF');
    expect(bytesToBase64(loaded!.credentials.certificateDer)).toBe(fixture.certificateDerBase64);
    const key = await importSigningKey(loaded!.credentials);
    const data = new TextEncoder().encode('semilla');
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, data);
    expect(signature.byteLength).toBe(256);
  });

  it('refuses a wrong password with 422 and a message on the password, storing nothing', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const response = await upload(s, { p12: fixtureP12, password: 'no es la clave' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(fieldError(html, 'password')).toBe('La contraseña del certificado no es correcta.');
    expect(await storedRow(s)).toBeNull();
    expect(await ecfActivity(s)).toEqual([]);
  });

  it('refuses a certificate of another RNC, and one when the company has no RNC, with 422', async () => {
    const s = await shop('owner', { rnc: '101850043' });
    const mismatch = await upload(s, { p12: fixtureP12, password: fixture.password });
    expect(mismatch.status).toBe(422);
    expect(fieldError(await mismatch.text(), 'certificate')).toBe(
      `El certificado es del RNC/cédula ${fixtureRnc}, pero el RNC de la empresa es 101850043.`,
    );
    const noRnc = await shop('owner', { rnc: null });
    const missing = await upload(noRnc, { p12: fixtureP12, password: fixture.password });
    expect(missing.status).toBe(422);
    expect(fieldError(await missing.text(), 'certificate')).toContain('Registre primero el RNC de la empresa');
    expect(await storedRow(s)).toBeNull();
    expect(await storedRow(noRnc)).toBeNull();
  });

  it('refuses a file that is not a .p12, an expired certificate, a file over 64 KB and a missing file', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const notP12 = await upload(s, { p12: new TextEncoder().encode('hola, no soy un certificado'), password: 'x' });
    expect(notP12.status).toBe(422);
    expect(fieldError(await notP12.text(), 'certificate')).toContain('no es un certificado .p12');

    const expiredP12 = await makeP12({
      taxId: fixtureRnc,
      password: 'clave',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const expired = await upload(s, { p12: expiredP12, password: 'clave' });
    expect(expired.status).toBe(422);
    expect(fieldError(await expired.text(), 'certificate')).toMatch(
      /^El certificado venció el \d{2}\/\d{2}\/202[01]\./,
    );

    const big = new Uint8Array(70 * 1024);
    big.set(fixtureP12);
    const tooLarge = await upload(s, { p12: big, password: fixture.password });
    expect(tooLarge.status).toBe(422);
    expect(fieldError(await tooLarge.text(), 'certificate')).toContain('64 KB');

    const none = await upload(s, { p12: null, password: '' });
    expect(none.status).toBe(422);
    expect(fieldError(await none.text(), 'certificate')).toBe('Seleccione el archivo .p12 del certificado.');

    const badEnvironment = await upload(s, { p12: fixtureP12, password: fixture.password, environment: 'Produccion' });
    expect(badEnvironment.status).toBe(422);
    expect(fieldError(await badEnvironment.text(), 'environment')).toBe('Elija un ambiente de la lista.');

    expect(await storedRow(s)).toBeNull();
    expect(await ecfActivity(s)).toEqual([]);
  });

  it('keeps the stored certificate when a replacement is refused', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    expect((await upload(s, { p12: fixtureP12, password: fixture.password })).status).toBe(303);
    const before = await storedRow(s);
    const other = await makeP12({ taxId: randomRnc(), password: 'clave' });
    expect((await upload(s, { p12: other, password: 'clave', environment: 'eCF' })).status).toBe(422);
    expect((await upload(s, { p12: fixtureP12, password: 'mala', environment: 'eCF' })).status).toBe(422);
    expect(await storedRow(s)).toEqual(before);
    expect((await ecfActivity(s)).map((entry) => entry.action)).toEqual(['ecf.certificate.updated']);
  });

  it('changes only the environment when no file is sent, with its own activity entry', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    expect((await upload(s, { p12: fixtureP12, password: fixture.password })).status).toBe(303);
    const before = await storedRow(s);
    expect((await upload(s, { p12: null, environment: 'eCF' })).status).toBe(303);
    const after = await storedRow(s);
    expect(after?.environment).toBe('eCF');
    expect(after?.sealedCredentials).toBe(before?.sealedCredentials);
    expect(after?.serialNumber).toBe(before?.serialNumber);
    // The same environment again changes nothing and logs nothing.
    expect((await upload(s, { p12: null, environment: 'eCF' })).status).toBe(303);
    const activity = await ecfActivity(s);
    expect(activity.map((entry) => entry.action)).toEqual(['ecf.certificate.updated', 'ecf.environment.updated']);
    expect(activity[1]!.details).toMatchObject({ previousEnvironment: 'TesteCF', environment: 'eCF' });
    const audit = await SELF.fetch(`http://${s.host}/audit`, { headers: { Cookie: s.cookie } });
    const auditHtml = await audit.text();
    expect(auditHtml).toContain('Cambió el certificado de facturación electrónica');
    expect(auditHtml).toContain('Cambió el ambiente de facturación electrónica');
  });

  it('keeps one row when two uploads arrive at the same moment, each with its activity entry', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const responses = await Promise.all([
      upload(s, { p12: fixtureP12, password: fixture.password, environment: 'TesteCF' }),
      upload(s, { p12: fixtureP12, password: fixture.password, environment: 'CerteCF' }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([303, 303]);
    const rows = await s.db.select().from(ecfSettings);
    expect(rows).toHaveLength(1);
    expect(['TesteCF', 'CerteCF']).toContain(rows[0]!.environment);
    const actions = (await ecfActivity(s)).map((entry) => entry.action);
    expect(actions.filter((action) => action === 'ecf.certificate.updated')).toHaveLength(2);
  });

  it('answers htmx with the panel alone: 200 after a save, 422 with the field message on a refusal', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    const refused = await upload(s, { p12: fixtureP12, password: 'mala' }, { 'HX-Request': 'true' });
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toMatch(/^<div id="ecf-settings">/);
    expect(refusedHtml).not.toContain('<html');
    expect(fieldError(refusedHtml, 'password')).toBe('La contraseña del certificado no es correcta.');
    const saved = await upload(s, { p12: fixtureP12, password: fixture.password }, { 'HX-Request': 'true' });
    expect(saved.status).toBe(200);
    const savedHtml = await saved.text();
    expect(savedHtml).toMatch(/^<div id="ecf-settings">/);
    expect(savedHtml).toContain('Se guardó la configuración de facturación electrónica.');
    expect(savedHtml).toContain(fixtureRnc);
  });
});

describe('e-CF settings: expiry', { timeout: 30_000 }, () => {
  it('warns from 30 days before the certificate expires and shows an error once it has', async () => {
    const s = await shop('owner', { rnc: fixtureRnc });
    expect((await upload(s, { p12: fixtureP12, password: fixture.password })).status).toBe(303);
    const day = 86_400_000;
    const setNotAfter = (date: Date) => s.db.update(ecfSettings).set({ notAfter: date }).where(eq(ecfSettings.id, 1));

    await setNotAfter(new Date(Date.now() + 31 * day));
    expect(await (await page(s)).text()).not.toContain('id="ecf-expiry"');

    await setNotAfter(new Date(Date.now() + 10 * day + 3_600_000));
    const warning = await (await page(s)).text();
    expect(warning).toMatch(/class="alert alert-warning" role="alert" id="ecf-expiry">El certificado vence en 10 días/);

    await setNotAfter(new Date(Date.now() - day));
    const expired = await (await page(s)).text();
    expect(expired).toMatch(/class="alert alert-error" role="alert" id="ecf-expiry">El certificado venció el/);
    const view = await getEcfSettings(await serviceContext(s));
    expect(view.status).toEqual({ state: 'expired', daysLeft: 0 });
  });
});

describe('e-CF settings: owner only', { timeout: 30_000 }, () => {
  it.each(['admin', 'ventas', 'optometrista', 'caja'] as const)(
    'answers 403 to %s for the page, the upload and the connection test, and stores nothing',
    async (role) => {
      const owner = await shop('owner', { rnc: fixtureRnc });
      const other = { host: owner.host, ...(await colleague(owner, role)) };
      expect((await page(other)).status).toBe(403);
      expect((await upload(other, { p12: fixtureP12, password: fixture.password })).status).toBe(403);
      expect((await testConnection(other)).status).toBe(403);
      expect(await storedRow(owner)).toBeNull();
      // In depth: the service refuses the role however it is called.
      const ctx = await serviceContext({ ...owner, user: { ...owner.user, role } } as Shop, role);
      for (const call of [
        () => getEcfSettings(ctx),
        () => saveEcfSettings(ctx, { environment: 'TesteCF', p12: fixtureP12, password: fixture.password }),
        () => testEcfConnection(ctx),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('forbidden');
      }
      expect(await storedRow(owner)).toBeNull();
    },
  );

  it('hides the menu entry from everyone but the owner', async () => {
    const owner = await shop('owner', { rnc: fixtureRnc });
    const admin = { host: owner.host, ...(await colleague(owner, 'admin')) };
    const home = (s: Pick<Shop, 'host' | 'cookie'>) =>
      SELF.fetch(`http://${s.host}/company`, { headers: { Cookie: s.cookie } }).then((r) => r.text());
    expect(await home(owner)).toContain('href="/settings/ecf"');
    expect(await home(admin)).not.toContain('href="/settings/ecf"');
  });
});

describe('e-CF settings: the sealed key and isolation between shops', { timeout: 30_000 }, () => {
  it('stores no plaintext key, and only this shop can open the sealed value', async () => {
    const a = await shop('owner', { rnc: fixtureRnc });
    const b = await shop('owner', { rnc: fixtureRnc });
    expect((await upload(a, { p12: fixtureP12, password: fixture.password })).status).toBe(303);
    const row = await storedRow(a);
    const loaded = await loadSigningCredentials(await serviceContext(a));
    const keyBase64 = bytesToBase64(loaded!.credentials.privateKeyPkcs8);
    // Every column of the row, as text: no key, no certificate, no password.
    const everything = JSON.stringify(row);
    expect(row!.sealedCredentials).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    for (const secret of [keyBase64, keyBase64.slice(100, 160), fixture.certificateDerBase64.slice(0, 60)])
      expect(everything).not.toContain(secret);
    expect(everything).not.toContain(fixture.password);

    // The sealed value opens with this shop's id, and the check above would see a plaintext key.
    const aes = await encryptionKeyFor(testEnv.ENCRYPTION_KEY);
    const opened = await decryptSecret(aes, row!.sealedCredentials, credentialsAssociatedData(a.tenant.id));
    expect(opened).toContain(keyBase64);
    // Another shop's id (or the bare tenant id of the connection secrets) does not open it.
    await expect(decryptSecret(aes, row!.sealedCredentials, credentialsAssociatedData(b.tenant.id))).rejects.toThrow();
    await expect(decryptSecret(aes, row!.sealedCredentials, a.tenant.id)).rejects.toThrow();

    // B sees no certificate, and A's row copied into B's database does not give B the key.
    const bPage = await (await page(b)).text();
    expect(bPage).toContain('Todavía no hay un certificado');
    expect(bPage).not.toContain(row!.serialNumber);
    expect(await loadSigningCredentials(await serviceContext(b))).toBeNull();
    await b.db.insert(ecfSettings).values({ ...row!, updatedBy: null });
    await expect(loadSigningCredentials(await serviceContext(b))).rejects.toThrow();
    // Its page says so instead of failing: the owner can only upload the certificate again.
    const copied = await testConnection(b);
    expect(copied.status).toBe(200);
    expect(await copied.text()).toContain('No se pudo leer el certificado guardado. Súbalo de nuevo.');
    await b.db.delete(ecfSettings);
    await b.db.update(company).set({ rnc: fixtureRnc }).where(eq(company.id, 1));
  });
});

describe('e-CF settings: "Probar conexión" against the DGII stand-in', { timeout: 30_000 }, () => {
  async function standinAuthentications(rnc: string): Promise<number> {
    const response = await fetch(`${testEnv.DGII_BASE_URL}/_control/state?rnc=${rnc}`);
    return ((await response.json()) as { authentications: number }).authentications;
  }

  it('authenticates with the stored certificate and says so', async () => {
    const rnc = randomRnc();
    const s = await shop('owner', { rnc });
    const p12 = await makeP12({ taxId: rnc, password: 'clave' });
    expect((await upload(s, { p12, password: 'clave', environment: 'CerteCF' })).status).toBe(303);
    const before = await standinAuthentications(rnc);
    const response = await testConnection(s);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Conexión correcta con la DGII (Certificación (CerteCF))');
    expect(await standinAuthentications(rnc)).toBe(before + 1);
    // With htmx only the result region comes back.
    const fragment = await (await testConnection(s, { 'HX-Request': 'true' })).text();
    expect(fragment).toMatch(/^<div id="ecf-test-result" aria-live="polite"><div class="alert alert-info"/);
    expect(await standinAuthentications(rnc)).toBe(before + 2);
  });

  it('shows DGII unreachable in Spanish when the stand-in does not answer', async () => {
    const rnc = randomRnc();
    const s = await shop('owner', { rnc });
    const p12 = await makeP12({ taxId: rnc, password: 'clave' });
    expect((await upload(s, { p12, password: 'clave' })).status).toBe(303);
    // A port nobody listens on: the connection is refused, as when DGII is down.
    const down = { ...testEnv, DGII_BASE_URL: 'http://127.0.0.1:9' };
    const result = await testEcfConnection(await serviceContext(s, 'owner', down));
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      'No se pudo conectar con la DGII (Pruebas (TesteCF)). Revise la conexión o inténtelo más tarde. No hay conexión con el servidor de la DGII.',
    );
  });

  it("shows DGII's refusal in Spanish, with DGII's own words", async () => {
    const rnc = randomRnc();
    const s = await shop('owner', { rnc });
    // A certificate that has expired since it was stored (uploads refuse expired ones): the stand-in,
    // like DGII, refuses the seed signed with it.
    const p12 = await makeP12({
      taxId: rnc,
      password: 'clave',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const credentials = await readP12(p12, 'clave', { now: new Date('2020-06-01T00:00:00Z') });
    const aes = await encryptionKeyFor(testEnv.ENCRYPTION_KEY);
    const { info } = credentials;
    await s.db.insert(ecfSettings).values({
      environment: 'TesteCF',
      sealedCredentials: await encryptSecret(
        aes,
        JSON.stringify(storeCredentials(credentials)),
        credentialsAssociatedData(s.tenant.id),
      ),
      subject: info.subject,
      taxId: info.taxId!,
      issuer: info.issuer,
      serialNumber: info.serialNumber,
      notBefore: new Date(info.notBefore),
      notAfter: new Date(info.notAfter),
    });
    const response = await testConnection(s);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('La DGII respondió (Pruebas (TesteCF)): La firma del documento no es válida.');
    expect(html).toContain('Certificado fuera de vigencia');
    expect(html).toContain('id="ecf-expiry"');
  });

  it('says a certificate is needed first when none is stored', async () => {
    const s = await shop('owner', { rnc: randomRnc() });
    const response = await testConnection(s);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Suba un certificado antes de probar la conexión.');
  });
});
