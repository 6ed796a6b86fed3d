import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { listApiTokens } from '../../src/auth/api-tokens';
import { countQueries, createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

function tokenIn(html: string): string {
  const match =
    /id="new-token-value"[^>]*value="(ofk_[A-Za-z0-9_-]+)"/.exec(html) ??
    /value="(ofk_[A-Za-z0-9_-]+)"[^>]*id="new-token-value"/.exec(html);
  if (!match) throw new Error('no token on the page');
  return match[1]!;
}

function company(host: string, token: string, init: RequestInit = {}) {
  return SELF.fetch(`http://${host}/api/v1/company`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
  });
}

describe('API tokens screen', () => {
  it('creates a token shown once, which then works against the API, and revokes it', async () => {
    const tenant = await createTestTenant({ name: 'Óptica Llaves' });
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'admin');
    const created = await postForm(
      host,
      '/api-tokens',
      { name: 'Tienda en línea', scope: 'read_write' },
      { Cookie: cookie },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const html = await created.text();
    expect(html).toContain('no se volverá a mostrar');
    const token = tokenIn(html);

    const read = await company(host, token);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ name: 'Óptica Llaves' });
    expect(
      (await company(host, token, { method: 'PATCH', body: JSON.stringify({ phones: '809-555-0123' }) })).status,
    ).toBe(200);

    const list = await (await get(host, '/api-tokens', { headers: { Cookie: cookie } })).text();
    expect(list).toContain('Tienda en línea');
    expect(list).toContain(token.slice(0, 12));
    expect(list).not.toContain(token);
    expect(list).toContain('Lectura y escritura');

    const { db } = await tenantContext(tenant.id);
    const row = (await listApiTokens(db)).find((candidate) => candidate.name === 'Tienda en línea')!;
    expect(row.tokenHash).not.toContain(token);
    const revoked = await postForm(host, `/api-tokens/${row.id}/revoke`, {}, { Cookie: cookie });
    expect(revoked.status).toBe(303);
    expect((await company(host, token)).status).toBe(401);
    expect((await postForm(host, `/api-tokens/${row.id}/revoke`, {}, { Cookie: cookie })).status).toBe(404);
  });

  it('makes read-only tokens that cannot write', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const token = tokenIn(
      await (await postForm(host, '/api-tokens', { name: 'Reportes', scope: 'read' }, { Cookie: cookie })).text(),
    );
    expect((await company(host, token)).status).toBe(200);
    expect((await company(host, token, { method: 'PATCH', body: JSON.stringify({ phones: '1' }) })).status).toBe(403);
  });

  it('answers 422 for a missing name or an unknown scope, creating nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const before = (await listApiTokens(db)).length;
    for (const [fields, message] of [
      [{ name: '', scope: 'read' }, 'Este campo es obligatorio.'],
      [{ name: 'X', scope: 'admin' }, 'Elija un permiso.'],
      [{ name: 'X' }, 'Elija un permiso.'],
    ] as const) {
      const response = await postForm(host, '/api-tokens', fields, { Cookie: cookie });
      expect(response.status).toBe(422);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).not.toContain('id="new-token-value"');
    }
    expect((await listApiTokens(db)).length).toBe(before);
  });

  it('is for owners and admins only', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const seller = await signedIn(tenant.id, 'ventas');
    expect((await get(host, '/api-tokens', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    expect((await postForm(host, '/api-tokens', { name: 'X', scope: 'read' }, { Cookie: seller.cookie })).status).toBe(
      403,
    );
  });

  it('keeps shops apart: another shop’s token cannot be seen or revoked', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const ownerA = await signedIn(a.id, 'owner');
    const ownerB = await signedIn(b.id, 'owner');
    const { db } = await tenantContext(a.id);
    const [tokenA] = await listApiTokens(db);
    const hostB = `${b.id}.localhost`;
    expect(await (await get(hostB, '/api-tokens', { headers: { Cookie: ownerB.cookie } })).text()).not.toContain(
      tokenA!.prefix,
    );
    expect((await postForm(hostB, `/api-tokens/${tokenA!.id}/revoke`, {}, { Cookie: ownerB.cookie })).status).toBe(404);
    expect((await postForm(hostB, '/api-tokens/no-es-uuid/revoke', {}, { Cookie: ownerB.cookie })).status).toBe(404);
    expect((await company(`${a.id}.localhost`, ownerA.bearer.slice(7))).status).toBe(200);
  });

  it('lists in one query after the session', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    await get(host, '/api-tokens', { headers: { Cookie: cookie } });
    expect(
      await countQueries(`optiflow_${tenant.id}`, () => get(host, '/api-tokens', { headers: { Cookie: cookie } })),
    ).toBeLessThanOrEqual(2);
  });
});
