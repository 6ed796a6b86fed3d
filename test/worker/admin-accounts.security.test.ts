import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readTotpSecret } from '../../src/services/platform/accounts';
import { base32Decode, hotp, timeStep } from '../../src/services/platform/totp';
import { adminAuditLog, platformAdmins } from '../../src/db/central-schema';
import { adminGet, adminPost, adminSignedIn, createTestAdmin } from '../support/worker/admin';
import { platform } from '../support/worker/helpers';

const password = 'una-clave-de-prueba';

function freshIp(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

function login(email: string, pass: string, ip: string) {
  return adminPost('/admin/login', { email, password: pass }, '', { 'cf-connecting-ip': ip });
}

function adminCookie(response: Response): string {
  const match = /optiflow_admin=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (!match?.[1]) throw new Error(`no admin cookie set (status ${response.status})`);
  return `optiflow_admin=${match[1]}`;
}

async function codeFor(adminId: string, step: number): Promise<string> {
  const { central, encryptionKey } = await platform();
  const [admin] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, adminId));
  return hotp(base32Decode((await readTotpSecret(encryptionKey, admin!))!)!, step);
}

async function adminWithTotp() {
  const signed = await adminSignedIn({ password });
  expect((await adminPost('/admin/account/totp/setup', {}, signed.cookie)).status).toBe(303);
  const step = timeStep(Date.now());
  expect(
    (await adminPost('/admin/account/totp/enable', { code: await codeFor(signed.admin.id, step) }, signed.cookie))
      .status,
  ).toBe(303);
  return { ...signed, step };
}

/** Six-digit codes none of which is valid around now. */
async function wrongCodes(adminId: string, count: number): Promise<string[]> {
  const now = timeStep(Date.now());
  const valid = new Set(
    await Promise.all([now - 2, now - 1, now, now + 1, now + 2].map((step) => codeFor(adminId, step))),
  );
  const codes: string[] = [];
  for (let i = 0; codes.length < count; i++) {
    const code = String(100000 + i * 7919).slice(-6);
    if (!valid.has(code)) codes.push(code);
  }
  return codes;
}

async function checkedCodes(adminId: string): Promise<number> {
  const { central } = await platform();
  const lines = await central
    .select()
    .from(adminAuditLog)
    .where(and(eq(adminAuditLog.adminId, adminId), eq(adminAuditLog.action, 'admin.login_totp_failed')));
  return lines.length;
}

describe('admin login redirect', () => {
  it('never leaves the panel, and CR/LF in next is not a 500', async () => {
    const admin = await createTestAdmin({ password });
    const reached: string[] = [];
    for (const next of [
      '/%09/evil.example',
      '/admin/%09/x',
      '//evil.example',
      '/%5Cevil.example',
      '/admin%0d%0aSet-Cookie:%20x=1',
      '/admin/%0a/x',
    ]) {
      const response = await adminPost(`/admin/login?next=${next}`, { email: admin.email, password }, '', {
        'cf-connecting-ip': freshIp(),
      });
      // Refused outright as malformed input (4xx), or signed in and sent to the panel's start.
      expect(response.status, next).toBeLessThan(500);
      if (response.status === 303) reached.push(next);
      if (response.status !== 303) continue;
      expect(response.headers.get('location'), next).toBe('/admin');
      const signed = await adminGet(`/admin/login?next=${next}`, adminCookie(response));
      expect(signed.status, next).toBe(303);
      expect(signed.headers.get('location'), next).toBe('/admin');
    }
    // The ones no earlier layer refuses really reach the redirect.
    expect(reached).toEqual(expect.arrayContaining(['//evil.example', '/%5Cevil.example']));
  });
});

describe('admin login throttle under concurrency', { timeout: 60_000 }, () => {
  it('checks at most 5 of 50 simultaneous guesses from one address; the right password in the batch is refused once over the limit', async () => {
    const admin = await createTestAdmin({ password });
    const ip = freshIp();
    const responses = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => login(admin.email, `incorrecta-${i}-clave`, ip)),
      login(admin.email, password, ip),
    ]);
    expect(responses.filter((response) => response.status !== 429).length).toBeLessThanOrEqual(5);
    expect((await login(admin.email, password, ip)).status).toBe(429);
  });

  it('limits one account across many addresses', async () => {
    const admin = await createTestAdmin({ password });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login(admin.email, `incorrecta-${i}-clave`, freshIp())),
    );
    expect(responses.filter((response) => response.status !== 429).length).toBeLessThanOrEqual(10);
    expect((await login(admin.email, password, freshIp())).status).toBe(429);
  });
});

describe('admin TOTP throttle', { timeout: 60_000 }, () => {
  it('checks at most 5 codes of 50 sent in parallel on one session', async () => {
    const { admin } = await adminWithTotp();
    const pending = adminCookie(await login(admin.email, password, freshIp()));
    const codes = await wrongCodes(admin.id, 50);
    const ip = freshIp();
    const responses = await Promise.all(
      codes.map((code) => adminPost('/admin/login/totp', { code }, pending, { 'cf-connecting-ip': ip })),
    );
    // 401 = a code was checked and was wrong; a redirect to ?locked=1 = refused (or the 5th failure).
    expect(responses.filter((response) => response.status === 401).length).toBeLessThanOrEqual(4);
    expect(
      responses
        .filter((response) => response.status === 303)
        .every((response) => response.headers.get('location') === '/admin/login?locked=1'),
    ).toBe(true);
    // Every wrong code that was really checked leaves one audit line.
    expect(await checkedCodes(admin.id)).toBeLessThanOrEqual(5);
  });

  it('the disable form shares the budget: 50 parallel guesses there check at most 5 codes', async () => {
    const { admin, cookie } = await adminWithTotp();
    const codes = await wrongCodes(admin.id, 50);
    const responses = await Promise.all(
      codes.map((code) =>
        adminPost('/admin/account/totp/disable', { password, code }, cookie, { 'cf-connecting-ip': freshIp() }),
      ),
    );
    expect(responses.filter((response) => response.status === 422).length).toBeLessThanOrEqual(5);
    expect(responses.filter((response) => response.status === 429).length).toBeGreaterThanOrEqual(45);
    const { central } = await platform();
    const [row] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(row!.totpEnabledAt).not.toBeNull();
  });

  it('keeps counting across sessions: signing in again does not give five more codes, not even the right one', async () => {
    const { admin } = await adminWithTotp();
    const codes = await wrongCodes(admin.id, 20);
    let checked = 0;
    for (let round = 0; round < 4; round++) {
      const pending = adminCookie(await login(admin.email, password, freshIp()));
      for (let i = 0; i < 5; i++) {
        const response = await adminPost('/admin/login/totp', { code: codes[round * 5 + i]! }, pending, {
          'cf-connecting-ip': freshIp(),
        });
        if (response.status === 401) checked++;
        if (response.status === 303) break;
      }
    }
    expect(checked).toBe(4);
    expect(await checkedCodes(admin.id)).toBe(5);
    const pending = adminCookie(await login(admin.email, password, freshIp()));
    const right = await adminPost(
      '/admin/login/totp',
      { code: await codeFor(admin.id, timeStep(Date.now()) + 1) },
      pending,
      { 'cf-connecting-ip': freshIp() },
    );
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/admin/login?locked=1');
    expect((await adminGet('/admin', pending)).status).toBe(303);
  });
});
