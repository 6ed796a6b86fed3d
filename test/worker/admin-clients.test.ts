import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { adminAuditLog, clients } from '../../src/db/central-schema';
import { adminGet, adminPost, adminSignedIn } from '../support/worker/admin';
import { createTestTenant, platform } from '../support/worker/helpers';

async function clientNamed(name: string) {
  const { central } = await platform();
  return central.select().from(clients).where(eq(clients.name, name));
}

async function auditLines(adminId: string, action: string) {
  const { central } = await platform();
  return central
    .select()
    .from(adminAuditLog)
    .where(and(eq(adminAuditLog.adminId, adminId), eq(adminAuditLog.action, action)));
}

describe('admin clients', () => {
  it('creates, lists, edits and deletes a client, each change audited', async () => {
    const { cookie, admin } = await adminSignedIn();
    const name = `Grupo Visión ${crypto.randomUUID().slice(0, 8)}`;
    expect((await adminGet('/admin/clients/new', cookie)).status).toBe(200);
    const created = await adminPost(
      '/admin/clients/new',
      { name, rnc: '1-01-85004-3', email: 'Pagos@Vision.test', phone: '809-555-0101' },
      cookie,
    );
    expect(created.status).toBe(303);
    const [client] = await clientNamed(name);
    expect(client).toMatchObject({ rnc: '101850043', email: 'pagos@vision.test', phone: '809-555-0101' });

    const list = await (await adminGet('/admin/clients', cookie)).text();
    expect(list).toContain(name);
    expect(list).toContain('1-01-85004-3');

    const edit = await adminGet(`/admin/clients/${client!.id}`, cookie);
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain(name);
    const saved = await adminPost(
      `/admin/clients/${client!.id}`,
      { name: `${name} SRL`, rnc: '00113918205', email: '', phone: '' },
      cookie,
    );
    expect(saved.status).toBe(303);
    expect((await clientNamed(`${name} SRL`))[0]).toMatchObject({ rnc: '00113918205', email: null, phone: null });

    const deleted = await adminPost(`/admin/clients/${client!.id}/delete`, {}, cookie);
    expect(deleted.status).toBe(303);
    expect(await clientNamed(`${name} SRL`)).toEqual([]);
    for (const action of ['client.create', 'client.update', 'client.delete'])
      expect(await auditLines(admin.id, action)).toHaveLength(1);
    expect((await adminGet(`/admin/clients/${client!.id}`, cookie)).status).toBe(404);
    expect((await adminGet('/admin/clients/not-a-uuid', cookie)).status).toBe(404);
  });

  it('refuses invalid input with field messages and changes nothing', async () => {
    const { cookie } = await adminSignedIn();
    const name = `Cliente Malo ${crypto.randomUUID().slice(0, 8)}`;
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: '' }, 'name'],
      [{ name, rnc: '101850044' }, 'rnc'],
      [{ name, rnc: '12345' }, 'rnc'],
      [{ name, rnc: '00113918206' }, 'rnc'],
      [{ name, email: 'no-es-correo' }, 'email'],
    ];
    for (const [fields, field] of cases) {
      const response = await adminPost('/admin/clients/new', fields, cookie);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text()).toContain(`id="field-${field}-error"`);
    }
    expect(await clientNamed(name)).toEqual([]);

    const { central } = await platform();
    const [client] = await central.insert(clients).values({ name, rnc: '101850043' }).returning();
    const bad = await adminPost(`/admin/clients/${client!.id}`, { name, rnc: '999' }, cookie);
    expect(bad.status).toBe(422);
    expect((await clientNamed(name))[0]?.rnc).toBe('101850043');
  });

  it('refuses to delete a client with tenants, with a clear message, and shows its tenant count', async () => {
    const { cookie, admin } = await adminSignedIn();
    const { central } = await platform();
    const name = `Cliente Con Ópticas ${crypto.randomUUID().slice(0, 8)}`;
    const [client] = await central.insert(clients).values({ name }).returning();
    await createTestTenant({ clientId: client!.id });
    await createTestTenant({ clientId: client!.id });

    const list = await (await adminGet('/admin/clients', cookie)).text();
    expect(list).toContain(`href="/admin/tenants?client=${client!.id}">2</a>`);

    const refused = await adminPost(`/admin/clients/${client!.id}/delete`, {}, cookie);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('tiene 2 óptica(s)');
    expect(await clientNamed(name)).toHaveLength(1);
    expect(await auditLines(admin.id, 'client.delete')).toEqual([]);
  }, 30_000);
});
