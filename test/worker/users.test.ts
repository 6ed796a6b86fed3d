import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, sessions, users, userTokens } from '../../src/db/tenant-schema';
import { changeUser, disableUser } from '../../src/queries/users';
import { countQueries, createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

const password = 'una-clave-muy-larga-123';

/** The one-time link on the page that created it. */
function linkIn(html: string, host: string): string {
  const match = new RegExp(`http://${host.replace(/\./g, '\\.')}(/set-password/[A-Za-z0-9_-]+)`).exec(html);
  if (!match) throw new Error('no link on the page');
  return match[1]!;
}

async function invite(host: string, cookie: string, fields: Record<string, string>) {
  const response = await postForm(host, '/users', fields, { Cookie: cookie });
  return { response, html: await response.text() };
}

async function userByEmail(tenantId: string, email: string) {
  const { db } = await tenantContext(tenantId);
  return (await db.select().from(users).where(eq(users.email, email)))[0];
}

describe('users and invitations', () => {
  it('lists users with Spanish role names, in one query after the session', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    await signedIn(tenant.id, 'optometrista');
    const page = await get(host, '/users', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Dueño');
    expect(html).toContain('Optometrista');
    expect(html).toContain('Nunca');
    const queries = await countQueries(`optiflow_${tenant.id}`, () =>
      get(host, '/users', { headers: { Cookie: cookie } }),
    );
    expect(queries).toBeLessThanOrEqual(2);
  });

  it('invites a colleague with a link shown once that works once', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie, user: owner } = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const [main] = await db.select().from(branches);
    const { response, html } = await invite(host, cookie, {
      email: 'Ana@Example.test',
      name: 'Ana Pérez',
      role: 'ventas',
      branchIds: main!.id,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const link = linkIn(html, host);
    const token = link.split('/').pop()!;

    const invited = await userByEmail(tenant.id, 'ana@example.test');
    expect(invited).toMatchObject({ name: 'Ana Pérez', role: 'ventas', status: 'invited', passwordHash: null });
    const [stored] = await db.select().from(userTokens).where(eq(userTokens.userId, invited!.id));
    expect(stored).toMatchObject({ purpose: 'invitation', createdBy: owner.id, usedAt: null });
    expect(stored!.tokenHash).not.toContain(token);
    const list = await (await get(host, '/users', { headers: { Cookie: cookie } })).text();
    expect(list).toContain('Invitado');
    expect(list).not.toContain(token);

    expect((await get(host, link)).status).toBe(200);
    const accepted = await postForm(host, link, { password, confirm: password });
    expect(accepted.status).toBe(303);
    expect((await userByEmail(tenant.id, 'ana@example.test'))?.status).toBe('active');
    expect((await postForm(host, link, { password, confirm: password })).status).toBe(404);
    expect((await get(host, link)).status).toBe(404);
  });

  it('lets an expired link fail, and re-issues a new one that replaces the old', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const first = linkIn(
      (await invite(host, cookie, { email: 'luis@example.test', name: 'Luis', role: 'caja' })).html,
      host,
    );
    const { db } = await tenantContext(tenant.id);
    const invited = await userByEmail(tenant.id, 'luis@example.test');
    await db
      .update(userTokens)
      .set({ expiresAt: sql`now() - interval '1 minute'` })
      .where(eq(userTokens.userId, invited!.id));
    expect((await get(host, first)).status).toBe(404);
    expect((await postForm(host, first, { password, confirm: password })).status).toBe(404);

    const reissued = await postForm(host, `/users/${invited!.id}/link`, {}, { Cookie: cookie });
    expect(reissued.status).toBe(200);
    const second = linkIn(await reissued.text(), host);
    const third = linkIn(
      await (await postForm(host, `/users/${invited!.id}/link`, {}, { Cookie: cookie })).text(),
      host,
    );
    expect((await get(host, second)).status).toBe(404); // replaced by the third
    expect((await postForm(host, third, { password, confirm: password })).status).toBe(303);
    // Once active, there is nothing to re-issue.
    expect((await postForm(host, `/users/${invited!.id}/link`, {}, { Cookie: cookie })).status).toBe(409);
  });

  it('answers 422 for bad invitations and writes nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie, email } = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const count = async () => (await db.select().from(users)).length;
    const before = await count();
    const cases: Array<[Record<string, string>, string]> = [
      [{ email: 'no-es-correo', name: 'X', role: 'ventas' }, 'correo electrónico válido'],
      [{ email: 'x@example.test', name: '', role: 'ventas' }, 'Este campo es obligatorio.'],
      [{ email: 'x@example.test', name: 'X', role: 'jefe' }, 'Elija un rol.'],
      [{ email: email.toUpperCase(), name: 'X', role: 'ventas' }, 'Ya existe un usuario con ese correo.'],
      [
        { email: 'x@example.test', name: 'X', role: 'ventas', branchIds: crypto.randomUUID() },
        'Elija sucursales activas',
      ],
      [{ email: 'x@example.test', name: 'X', role: 'ventas', branchIds: 'basura' }, 'Elija sucursales activas'],
    ];
    for (const [fields, message] of cases) {
      const { response, html } = await invite(host, cookie, fields);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(html).toContain(message);
    }
    expect(await count()).toBe(before);
    expect(await db.select().from(userTokens)).toEqual([]);
  });

  it('changes role and branches', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const { user: seller } = await signedIn(tenant.id, 'ventas');
    const { db } = await tenantContext(tenant.id);
    const [main] = await db.select().from(branches);
    const [second] = await db.insert(branches).values({ code: 'NORTE', name: 'Norte' }).returning();
    const page = await get(host, `/users/${seller.id}`, { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    const changed = await postForm(
      host,
      `/users/${seller.id}`,
      { role: 'caja', branchIds: second!.id },
      { Cookie: cookie },
    );
    expect(changed.status).toBe(303);
    const detail = await (await get(host, changed.headers.get('location')!, { headers: { Cookie: cookie } })).text();
    expect(detail).toContain('Cambios guardados.');
    expect((await userByEmail(tenant.id, seller.email))?.role).toBe('caja');
    const form = new URLSearchParams([
      ['role', 'optometrista'],
      ['branchIds', main!.id],
      ['branchIds', second!.id],
    ]);
    const both = await postForm(host, `/users/${seller.id}`, Object.fromEntries(form), { Cookie: cookie });
    expect(both.status).toBe(303);
    const multi = await fetchForm(host, `/users/${seller.id}`, form, cookie);
    expect(multi.status).toBe(303);
    const list = await (await get(host, '/users', { headers: { Cookie: cookie } })).text();
    expect(list).toContain('Norte, Sucursal principal');
    expect((await postForm(host, `/users/${seller.id}`, { role: 'nada' }, { Cookie: cookie })).status).toBe(422);
    expect((await userByEmail(tenant.id, seller.email))?.role).toBe('optometrista');
  });

  it('signs a disabled user out at once, and re-enables them', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const admin = await signedIn(tenant.id, 'admin');
    const seller = await signedIn(tenant.id, 'ventas', { password });
    expect((await get(host, '/', { headers: { Cookie: seller.cookie } })).status).toBe(200);
    const disabled = await postForm(host, `/users/${seller.user.id}/disable`, {}, { Cookie: admin.cookie });
    expect(disabled.status).toBe(303);
    const after = await get(host, '/', { headers: { Cookie: seller.cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);
    expect((await get(host, '/api/v1/company', { headers: { Authorization: seller.bearer } })).status).toBe(401);
    const { db } = await tenantContext(tenant.id);
    expect(await db.select().from(sessions).where(eq(sessions.userId, seller.user.id))).toEqual([]);
    expect((await userByEmail(tenant.id, seller.email))?.status).toBe('disabled');

    expect((await postForm(host, `/users/${seller.user.id}/enable`, {}, { Cookie: admin.cookie })).status).toBe(303);
    expect((await userByEmail(tenant.id, seller.email))?.status).toBe('active');
  });

  it('enforces the owner rules', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const admin = await signedIn(tenant.id, 'admin');
    const seller = await signedIn(tenant.id, 'ventas');
    const ownerId = owner.user.id;

    // Only an owner creates, changes or disables an owner.
    expect(
      (await invite(host, admin.cookie, { email: 'nuevo@example.test', name: 'Nuevo', role: 'owner' })).response.status,
    ).toBe(403);
    expect((await postForm(host, `/users/${seller.user.id}`, { role: 'owner' }, { Cookie: admin.cookie })).status).toBe(
      403,
    );
    expect((await postForm(host, `/users/${ownerId}`, { role: 'ventas' }, { Cookie: admin.cookie })).status).toBe(403);
    expect((await postForm(host, `/users/${ownerId}/disable`, {}, { Cookie: admin.cookie })).status).toBe(403);
    expect(await userByEmail(tenant.id, owner.email)).toMatchObject({ role: 'owner', status: 'active' });
    expect(await userByEmail(tenant.id, 'nuevo@example.test')).toBeUndefined();
    expect((await userByEmail(tenant.id, seller.email))?.role).toBe('ventas');

    // Nobody disables or demotes themselves.
    expect((await postForm(host, `/users/${ownerId}/disable`, {}, { Cookie: owner.cookie })).status).toBe(403);
    expect((await postForm(host, `/users/${ownerId}`, { role: 'admin' }, { Cookie: owner.cookie })).status).toBe(403);
    expect((await postForm(host, `/users/${admin.user.id}/disable`, {}, { Cookie: admin.cookie })).status).toBe(403);
    expect(await userByEmail(tenant.id, owner.email)).toMatchObject({ role: 'owner', status: 'active' });

    // An owner may make and unmake owners.
    const second = await signedIn(tenant.id, 'ventas');
    expect((await postForm(host, `/users/${second.user.id}`, { role: 'owner' }, { Cookie: owner.cookie })).status).toBe(
      303,
    );
    expect((await postForm(host, `/users/${second.user.id}/disable`, {}, { Cookie: owner.cookie })).status).toBe(303);
    expect(
      (await invite(host, owner.cookie, { email: 'socia@example.test', name: 'Socia', role: 'owner' })).response.status,
    ).toBe(201);
  });

  it('never demotes or disables the last active owner (checked in the writing statement)', async () => {
    const tenant = await createTestTenant();
    const owner = await signedIn(tenant.id, 'owner');
    const other = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    expect(await disableUser(db, other.user.id)).toEqual({ found: true, updated: true });
    expect(await disableUser(db, owner.user.id)).toEqual({ found: true, updated: false });
    expect(await changeUser(db, owner.user.id, { role: 'admin', branchIds: [] })).toEqual({
      found: true,
      updated: false,
    });
    expect(await userByEmail(tenant.id, owner.email)).toMatchObject({ role: 'owner', status: 'active' });
    expect(await changeUser(db, crypto.randomUUID(), { role: 'admin', branchIds: [] })).toEqual({
      found: false,
      updated: false,
    });
  });

  it('is for owners and admins only', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const cashier = await signedIn(tenant.id, 'caja');
    expect((await get(host, '/users', { headers: { Cookie: cashier.cookie } })).status).toBe(403);
    expect(
      (await invite(host, cashier.cookie, { email: 'y@example.test', name: 'Y', role: 'caja' })).response.status,
    ).toBe(403);
  });

  it('keeps shops apart: another shop’s user id answers 404', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const sellerA = await signedIn(a.id, 'ventas');
    const ownerB = await signedIn(b.id, 'owner');
    const hostB = `${b.id}.localhost`;
    expect((await get(hostB, `/users/${sellerA.user.id}`, { headers: { Cookie: ownerB.cookie } })).status).toBe(404);
    expect((await postForm(hostB, `/users/${sellerA.user.id}/disable`, {}, { Cookie: ownerB.cookie })).status).toBe(
      404,
    );
    expect(
      (await postForm(hostB, `/users/${sellerA.user.id}`, { role: 'caja' }, { Cookie: ownerB.cookie })).status,
    ).toBe(404);
    expect((await postForm(hostB, `/users/${sellerA.user.id}/link`, {}, { Cookie: ownerB.cookie })).status).toBe(404);
    expect((await get(hostB, '/users/nope', { headers: { Cookie: ownerB.cookie } })).status).toBe(404);
    expect(await userByEmail(a.id, sellerA.email)).toMatchObject({ role: 'ventas', status: 'active' });
    expect(await (await get(hostB, '/users', { headers: { Cookie: ownerB.cookie } })).text()).not.toContain(
      sellerA.email,
    );
  });
});

/** A form with repeated fields (several branches). */
async function fetchForm(host: string, path: string, form: URLSearchParams, cookie: string) {
  const { SELF } = await import('cloudflare:test');
  return SELF.fetch(`http://${host}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${host}`, Cookie: cookie },
    body: form.toString(),
  });
}
