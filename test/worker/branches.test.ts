import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches } from '../../src/db/tenant-schema';
import { countQueries, createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';
import { api } from '../support/worker/api';

async function branchRows(tenantId: string) {
  const { db } = await tenantContext(tenantId);
  return db.select().from(branches).orderBy(branches.code);
}

describe('branches (UI)', () => {
  it('lists, creates, edits and deactivates a branch', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const list = await get(host, '/branches', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('PRINCIPAL');

    const created = await postForm(
      host,
      '/branches',
      { name: 'Santiago', code: 'santiago-2', address: 'Calle del Sol 5', phone: '809-555-0101' },
      { Cookie: cookie },
    );
    expect(created.status).toBe(303);
    const row = (await branchRows(tenant.id)).find((branch) => branch.code === 'SANTIAGO-2')!;
    expect(row).toMatchObject({ name: 'Santiago', address: 'Calle del Sol 5', active: true });

    const form = await get(host, `/branches/${row.id}`, { headers: { Cookie: cookie } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('value="SANTIAGO-2"');

    const edited = await postForm(
      host,
      `/branches/${row.id}`,
      { name: 'Santiago Centro', code: 'STI', address: '', phone: '' },
      { Cookie: cookie },
    );
    expect(edited.status).toBe(303);
    const after = (await branchRows(tenant.id)).find((branch) => branch.id === row.id)!;
    expect(after).toMatchObject({ name: 'Santiago Centro', code: 'STI', address: null, phone: null, active: false });
  });

  it('answers 422 for bad input or a taken code, and writes nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const before = await branchRows(tenant.id);
    const cases: Array<[Record<string, string>, string]> = [
      [{ name: '', code: 'NUEVA' }, 'Este campo es obligatorio.'],
      [{ name: 'Nueva', code: 'con espacio' }, 'letras, números y guiones'],
      [{ name: 'Nueva', code: 'A'.repeat(21) }, 'letras, números y guiones'],
      [{ name: 'Nueva', code: 'principal' }, 'Ya existe una sucursal con ese código.'],
    ];
    for (const [fields, message] of cases) {
      const response = await postForm(host, '/branches', fields, { Cookie: cookie });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text()).toContain(message);
    }
    const main = before[0]!;
    await postForm(host, '/branches', { name: 'Otra', code: 'OTRA' }, { Cookie: cookie });
    const taken = await postForm(
      host,
      `/branches/${main.id}`,
      { name: 'X', code: 'OTRA', active: 'on' },
      { Cookie: cookie },
    );
    expect(taken.status).toBe(422);
    expect((await branchRows(tenant.id)).find((branch) => branch.id === main.id)).toMatchObject({
      name: main.name,
      code: 'PRINCIPAL',
    });
  });

  it('never deactivates the last active branch', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const [main] = await branchRows(tenant.id);
    const response = await postForm(
      host,
      `/branches/${main!.id}`,
      { name: 'Principal', code: 'PRINCIPAL' },
      { Cookie: cookie },
    );
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('única sucursal activa');
    expect((await branchRows(tenant.id))[0]).toMatchObject({ active: true, name: main!.name });
  });

  it('lets other roles look but not change', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'optometrista');
    const list = await get(host, '/branches', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect(await list.text()).not.toContain('/branches/new');
    expect((await get(host, '/branches/new', { headers: { Cookie: cookie } })).status).toBe(403);
    expect((await postForm(host, '/branches', { name: 'X', code: 'X' }, { Cookie: cookie })).status).toBe(403);
  });

  it('keeps shops apart and answers 404 for unknown or malformed ids', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const ownerB = await signedIn(b.id, 'owner');
    const [branchA] = await branchRows(a.id);
    const hostB = `${b.id}.localhost`;
    expect((await get(hostB, `/branches/${branchA!.id}`, { headers: { Cookie: ownerB.cookie } })).status).toBe(404);
    expect(
      (
        await postForm(
          hostB,
          `/branches/${branchA!.id}`,
          { name: 'Robada', code: 'ROB', active: 'on' },
          { Cookie: ownerB.cookie },
        )
      ).status,
    ).toBe(404);
    expect((await get(hostB, '/branches/no-es-uuid', { headers: { Cookie: ownerB.cookie } })).status).toBe(404);
    expect((await branchRows(a.id))[0]).toMatchObject({ code: 'PRINCIPAL' });
  });

  it('lists in one query after the session', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    await get(host, '/branches', { headers: { Cookie: cookie } });
    const queries = await countQueries(`optiflow_${tenant.id}`, () =>
      get(host, '/branches', { headers: { Cookie: cookie } }),
    );
    expect(queries).toBeLessThanOrEqual(2);
  });
});

describe('branches (API)', () => {
  it('creates, lists with a cursor, reads and changes branches', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { bearer } = await signedIn(tenant.id, 'owner');
    for (const [code, name] of [
      ['NORTE', 'Norte'],
      ['SUR', 'Sur'],
      ['ESTE', 'Este'],
    ]) {
      const response = await api(host, '/branches', bearer, { method: 'POST', body: JSON.stringify({ code, name }) });
      expect(response.status).toBe(201);
    }
    const first = await api(host, '/branches?limit=2', bearer);
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { data: Array<{ id: string; name: string }>; nextCursor: string };
    expect(page1.data.map((branch) => branch.name)).toEqual(['Este', 'Norte']);
    const page2 = (await (await api(host, `/branches?limit=2&cursor=${page1.nextCursor}`, bearer)).json()) as {
      data: Array<{ name: string }>;
      nextCursor: string | null;
    };
    expect(page2.data.map((branch) => branch.name)).toEqual(['Sucursal principal', 'Sur']);
    expect(page2.nextCursor).toBeNull();

    const id = page1.data[0]!.id;
    const one = await api(host, `/branches/${id}`, bearer);
    expect(await one.json()).toMatchObject({ id, code: 'ESTE', active: true });
    const patched = await api(host, `/branches/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ phone: '809-555-0199', active: false }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ phone: '809-555-0199', active: false, name: 'Este' });
    const inactive = (await (await api(host, '/branches?active=false', bearer)).json()) as {
      data: Array<{ id: string }>;
    };
    expect(inactive.data.map((branch) => branch.id)).toEqual([id]);
  });

  it('answers problem+json 422 for bad fields and 409 for a taken code, writing nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { bearer } = await signedIn(tenant.id, 'admin');
    const bad = await api(host, '/branches', bearer, {
      method: 'POST',
      body: JSON.stringify({ name: '', code: 'mal código' }),
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const fields = ((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'code']));
    const taken = await api(host, '/branches', bearer, {
      method: 'POST',
      body: JSON.stringify({ name: 'Dup', code: 'principal' }),
    });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe('code');
    expect((await api(host, '/branches?cursor=basura', bearer)).status).toBe(422);
    const [main] = await branchRows(tenant.id);
    const last = await api(host, `/branches/${main!.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ active: false }),
    });
    expect(last.status).toBe(409);
    expect(await branchRows(tenant.id)).toHaveLength(1);
    expect((await branchRows(tenant.id))[0]).toMatchObject({ active: true });
  });

  it('enforces permissions and scopes', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const seller = await signedIn(tenant.id, 'ventas');
    expect((await api(host, '/branches', seller.bearer)).status).toBe(200);
    expect(
      (await api(host, '/branches', seller.bearer, { method: 'POST', body: JSON.stringify({ name: 'X', code: 'X' }) }))
        .status,
    ).toBe(403);
    expect((await api(host, '/branches', '')).status).toBe(401);
  });

  it('answers 404 for another shop’s branch or a malformed id', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const ownerB = await signedIn(b.id, 'owner');
    const [branchA] = await branchRows(a.id);
    const hostB = `${b.id}.localhost`;
    expect((await api(hostB, `/branches/${branchA!.id}`, ownerB.bearer)).status).toBe(404);
    expect(
      (
        await api(hostB, `/branches/${branchA!.id}`, ownerB.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ name: 'Robada' }),
        })
      ).status,
    ).toBe(404);
    expect((await api(hostB, '/branches/123', ownerB.bearer)).status).toBe(404);
    const { db } = await tenantContext(a.id);
    expect((await db.select().from(branches).where(eq(branches.id, branchA!.id)))[0]?.name).toBe(branchA!.name);
  });
});
