import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { allPermissions, grantablePermissions, permissionArea } from '../../src/auth/custom-roles';
import { customRoles, users } from '../../src/db/tenant-schema';
import { messages } from '../../src/i18n/es-DO';
import { api } from '../support/worker/api';
import { get } from '../support/worker/helpers';
import { colleague, shop, type Shop } from '../support/worker/shop';

/** A form body with repeated `permissions` fields. */
function roleBody(name: string, permissions: string[]): string {
  const body = new URLSearchParams({ name });
  for (const permission of permissions) body.append('permissions', permission);
  return body.toString();
}

/** postForm cannot repeat a field: the same request with a raw body. */
async function postRaw(s: Shop, path: string, body: string, cookie = s.cookie) {
  return SELF.fetch(`http://${s.host}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${s.host}`, Cookie: cookie },
    body,
  });
}

describe('custom roles', { timeout: 120_000 }, () => {
  let s: Shop;
  beforeAll(async () => {
    s = await shop('owner', { rnc: '130123454', branchAccess: 'all' });
  });

  it('has a Spanish label for every permission and an area for each', () => {
    const keys = messages as Record<string, string>;
    const missing = allPermissions.filter((permission) => !keys[`roles.permission.${permission}`]);
    expect(missing).toEqual([]);
    for (const permission of allPermissions) expect(keys[`roles.area.${permissionArea(permission)}`]).toBeTruthy();
    // A custom role never reaches roles, users or the audit log.
    expect(grantablePermissions).not.toContain('roles.manage');
    expect(grantablePermissions).not.toContain('users.manage');
    expect(grantablePermissions).not.toContain('audit.view');
    expect(grantablePermissions).toContain('cashCloses.close');
  });

  it('gives a seller cash close without reports, applies edits on the next request, refuses deleting a role in use', async () => {
    const seller = await colleague(s, 'ventas');
    const cashOnly = ['dashboard.view', 'account.manage', 'invoices.view', 'payments.manage', 'cashCloses.close'];
    expect((await postRaw(s, '/roles', roleBody('Caja sin reportes', cashOnly))).status).toBe(303);
    const [role] = await s.db.select().from(customRoles).where(eq(customRoles.name, 'Caja sin reportes'));
    expect(role!.permissions).toEqual(cashOnly);

    // Refused: a permission a custom role cannot grant, no permission, a taken name (any case).
    const escalate = await postRaw(s, '/roles', roleBody('Escalar', ['roles.manage']));
    expect(escalate.status).toBe(422);
    expect(await escalate.text()).toContain('Ese permiso no puede darse a un rol personalizado.');
    expect((await postRaw(s, '/roles', roleBody('Vacío', []))).status).toBe(422);
    const taken = await postRaw(s, '/roles', roleBody('caja SIN reportes', cashOnly));
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('Ya existe un rol con ese nombre.');

    // The users page offers it; the seller gets it (base role kept as 'ventas').
    const userPage = await (await get(s.host, `/users/${seller.user.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(userPage).toContain(`value="custom:${role!.id}"`);
    const assigned = await postRaw(
      s,
      `/users/${seller.user.id}`,
      new URLSearchParams({ role: `custom:${role!.id}`, branchIds: s.main.id }).toString(),
    );
    expect(assigned.status).toBe(303);
    const [row] = await s.db.select().from(users).where(eq(users.id, seller.user.id));
    expect(row).toMatchObject({ role: 'ventas', customRoleId: role!.id });

    // Exactly the role's list: cash close yes; DGII reports and quotations (a default seller's) no - UI and API.
    const as = (path: string) => get(s.host, path, { headers: { Cookie: seller.cookie } });
    expect((await as('/cash-closes')).status).toBe(200);
    expect((await as('/reports/dgii')).status).toBe(403);
    expect((await as('/quotations')).status).toBe(403);
    expect((await api(s.host, '/reports/dgii/607?period=202601', seller.bearer)).status).toBe(403);
    expect((await api(s.host, '/cash-closes', seller.bearer)).status).toBe(200);
    const nav = await (await as('/cash-closes')).text();
    expect(nav).toContain('href="/cash-closes"');
    expect(nav).not.toContain('href="/reports/dgii"');

    // The owner adds the reports: the seller's next request has them (same cookie, same token).
    expect(
      (await postRaw(s, `/roles/${role!.id}`, roleBody('Caja con reportes', [...cashOnly, 'reports.dgii']))).status,
    ).toBe(303);
    expect((await as('/reports/dgii')).status).toBe(200);
    expect((await api(s.host, '/reports/dgii/607?period=202601', seller.bearer)).status).toBe(200);

    // A new user can be invited straight into it (the invitation form offers it); an admin, who does
    // not manage roles, cannot invite into one; an unknown role is a field error; nothing is created.
    expect(await (await get(s.host, '/users/new', { headers: { Cookie: s.cookie } })).text()).toContain(
      `value="custom:${role!.id}"`,
    );
    const invite = (fields: Record<string, string>, cookie = s.cookie) =>
      postRaw(
        s,
        '/users',
        new URLSearchParams({ name: 'Cajera Nueva', branchIds: s.main.id, ...fields }).toString(),
        cookie,
      );
    const invited = await invite({ email: 'cajera.nueva@example.test', role: `custom:${role!.id}` });
    expect(invited.status).toBe(201);
    expect(await invited.text()).toContain('/set-password/');
    const [newcomer] = await s.db.select().from(users).where(eq(users.email, 'cajera.nueva@example.test'));
    expect(newcomer).toMatchObject({ status: 'invited', role: 'ventas', customRoleId: role!.id });
    const unknown = await invite({ email: 'otro@example.test', role: `custom:${crypto.randomUUID()}` });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('Ese rol no existe.');
    const admin = await colleague(s, 'admin');
    expect((await invite({ email: 'por-admin@example.test', role: `custom:${role!.id}` }, admin.cookie)).status).toBe(
      403,
    );
    expect(await (await get(s.host, '/users/new', { headers: { Cookie: admin.cookie } })).text()).not.toContain(
      'custom:',
    );
    for (const email of ['otro@example.test', 'por-admin@example.test'])
      expect(await s.db.select().from(users).where(eq(users.email, email))).toEqual([]);
    // Moved back to a default role, so the role's only user below is the seller.
    const moved = await postRaw(
      s,
      `/users/${newcomer!.id}`,
      new URLSearchParams({ role: 'caja', branchIds: s.main.id }).toString(),
    );
    expect(moved.status).toBe(303);

    // In use: not deleted (409), named in the list with its user count.
    const inUse = await postRaw(s, `/roles/${role!.id}/delete`, '');
    expect(inUse.status).toBe(409);
    expect(await inUse.text()).toContain('Este rol tiene usuarios asignados');
    // Only the owner manages roles: an admin cannot open them nor hand them out.
    expect((await get(s.host, '/roles', { headers: { Cookie: admin.cookie } })).status).toBe(403);
    const byAdmin = await postRaw(
      s,
      `/users/${seller.user.id}`,
      new URLSearchParams({ role: 'caja', branchIds: s.main.id }).toString(),
      admin.cookie,
    );
    expect(byAdmin.status).toBe(403);
    // Back to a default role, then the role can go.
    const back = await postRaw(
      s,
      `/users/${seller.user.id}`,
      new URLSearchParams({ role: 'caja', branchIds: s.main.id }).toString(),
    );
    expect(back.status).toBe(303);
    expect((await as('/quotations')).status).toBe(200); // caja's own column again
    expect((await postRaw(s, `/roles/${role!.id}/delete`, '')).status).toBe(303);
    expect(await s.db.select().from(customRoles).where(eq(customRoles.id, role!.id))).toHaveLength(0);
  });

  it('keeps shops apart: another shop can neither see nor assign a role', async () => {
    expect((await postRaw(s, '/roles', roleBody('Óptica A', ['dashboard.view']))).status).toBe(303);
    const [role] = await s.db.select().from(customRoles).where(eq(customRoles.name, 'Óptica A'));
    const other = await shop('owner', { branchAccess: 'all' });
    const otherSeller = await colleague(other, 'ventas');
    expect((await get(other.host, `/roles/${role!.id}`, { headers: { Cookie: other.cookie } })).status).toBe(404);
    expect((await postRaw(other, `/roles/${role!.id}/delete`, '')).status).toBe(404);
    expect(await (await get(other.host, '/roles', { headers: { Cookie: other.cookie } })).text()).not.toContain(
      'Óptica A',
    );
    const assign = await postRaw(
      other,
      `/users/${otherSeller.user.id}`,
      new URLSearchParams({ role: `custom:${role!.id}`, branchIds: other.main.id }).toString(),
    );
    expect(assign.status).toBe(422);
    expect(await assign.text()).toContain('Ese rol no existe.');
  });
});
