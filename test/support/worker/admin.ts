/** Platform admins for tests: a fresh admin per call, signed in with a real session on the central domain. */
import { SELF } from 'cloudflare:test';
import { createAdminSession } from '../../../src/services/platform/sessions';
import { hashPassword } from '../../../src/auth/password';
import { platformAdmins } from '../../../src/db/central-schema';
import { platform } from './helpers';

/** The central host in tests (wrangler.toml CENTRAL_DOMAINS). */
export const centralHost = 'localhost';

export async function createTestAdmin(
  values: { password?: string; status?: 'invited' | 'active' | 'disabled'; name?: string } = {},
) {
  const { central } = await platform();
  const email = `admin-${crypto.randomUUID().slice(0, 8)}@optiflow.test`;
  const [admin] = await central
    .insert(platformAdmins)
    .values({
      email,
      name: values.name ?? 'Admin de prueba',
      status: values.status ?? 'active',
      passwordHash: values.password ? await hashPassword(values.password) : null,
    })
    .returning();
  return admin!;
}

/** A fresh active admin with a verified session: `cookie` goes in the Cookie header of central requests. */
export async function adminSignedIn(values: { password?: string } = {}) {
  const admin = await createTestAdmin({ password: values.password ?? 'una-clave-de-prueba' });
  const { central } = await platform();
  const { token } = await createAdminSession(central, { adminId: admin.id, verified: true });
  return { admin, token, cookie: `optiflow_admin=${token}` };
}

/** A form POST to the admin panel, with the central Origin for the CSRF check. */
export function adminPost(
  path: string,
  fields: Record<string, string>,
  cookie: string,
  headers: Record<string, string> = {},
) {
  return SELF.fetch(`http://${centralHost}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: `http://${centralHost}`,
      Cookie: cookie,
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

export function adminGet(path: string, cookie: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://${centralHost}${path}`, { redirect: 'manual', headers: { Cookie: cookie, ...headers } });
}
