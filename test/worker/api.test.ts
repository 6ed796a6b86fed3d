import { describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/auth/api-tokens';
import { createTenantApp } from '../../src/app';
import { api } from '../support/worker/api';
import { createTestTenant, signedIn, tenantContext } from '../support/worker/helpers';

describe('JSON API', () => {
  it('reads and changes the company with a token, answering problem+json for bad input', async () => {
    const tenant = await createTestTenant({ name: 'Óptica API' });
    const host = `${tenant.id}.localhost`;
    const { bearer } = await signedIn(tenant.id, 'admin');
    const token = bearer.slice('Bearer '.length);

    const read = await api(host, '/company', `Bearer ${token}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ name: 'Óptica API', defaultCurrency: 'DOP', hasLogo: false });

    const bad = await api(host, '/company', `Bearer ${token}`, {
      method: 'PATCH',
      body: JSON.stringify({ rnc: '101850042', email: 'x' }),
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await bad.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field)).toContain('email');

    const badRnc = await api(host, '/company', `Bearer ${token}`, {
      method: 'PATCH',
      body: JSON.stringify({ rnc: '101850042' }),
    });
    expect(badRnc.status).toBe(422);
    expect(((await badRnc.json()) as { errors: Array<{ field: string }> }).errors).toEqual([
      { field: 'rnc', message: expect.stringContaining('RNC') },
    ]);

    const ok = await api(host, '/company', `Bearer ${token}`, {
      method: 'PATCH',
      body: JSON.stringify({ rnc: '1-01-85004-3', phones: '809-555-0100' }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ rnc: '101850043', phones: '809-555-0100', name: 'Óptica API' });
  });

  it('refuses missing, foreign, revoked and read-only tokens as it should', async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const hostA = `${a.id}.localhost`;
    const { bearer, user } = await signedIn(a.id, 'owner');
    const tokenA = bearer.slice('Bearer '.length);

    expect((await api(hostA, '/company')).status).toBe(401);
    expect((await api(`${b.id}.localhost`, '/company', `Bearer ${tokenA}`)).status).toBe(401);

    const { db } = await tenantContext(a.id);
    const readOnly = await createApiToken(db, { name: 'lectura', scope: 'read', userId: user.id });
    expect((await api(hostA, '/company', `Bearer ${readOnly.token}`)).status).toBe(200);
    expect(
      (await api(hostA, '/company', `Bearer ${readOnly.token}`, { method: 'PATCH', body: '{"phones":"1"}' })).status,
    ).toBe(403);

    await revokeApiToken(db, readOnly.id);
    expect((await api(hostA, '/company', `Bearer ${readOnly.token}`)).status).toBe(401);
  });

  it('ignores the browser session cookie', async () => {
    const tenant = await createTestTenant();
    const { cookie } = await signedIn(tenant.id, 'owner');
    expect((await api(`${tenant.id}.localhost`, '/company', undefined, { headers: { Cookie: cookie } })).status).toBe(
      401,
    );
  });

  it('describes every API route in its OpenAPI 3.1 document', async () => {
    const tenant = await createTestTenant();
    const response = await api(`${tenant.id}.localhost`, '/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const routes = createTenantApp()
      .routes.filter(
        (route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL' && route.path !== '/api/v1/openapi.json',
      )
      .map((route) => `${route.method.toUpperCase()} ${route.path.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of new Set(routes)) expect(documented, route).toContain(route);
  });

  it('names every operation with a unique camelCase operationId (generated clients use them as method names)', async () => {
    const tenant = await createTestTenant();
    const doc = (await (await api(`${tenant.id}.localhost`, '/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        at: `${method.toUpperCase()} ${path}`,
        id: operation.operationId,
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(66);
    expect(
      operations
        .filter((operation) => !operation.id || !/^[a-z][a-zA-Z0-9]*$/.test(operation.id))
        .map((operation) => operation.at),
    ).toEqual([]);
    const ids = operations.map((operation) => operation.id);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    expect(operations).toContainEqual({ at: 'GET /invoices', id: 'listInvoices' });
    expect(operations).toContainEqual({ at: 'POST /invoices/{id}/issue', id: 'issueInvoice' });
  });
});

describe('JSON API company currency', () => {
  it('refuses an unknown default currency with 422 and changes nothing', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const token = (await signedIn(tenant.id, 'owner')).bearer.slice('Bearer '.length);
    const response = await api(host, '/company', `Bearer ${token}`, {
      method: 'PATCH',
      body: JSON.stringify({ defaultCurrency: 'XYZ', phones: '1' }),
    });
    expect(response.status).toBe(422);
    expect(await (await api(host, '/company', `Bearer ${token}`)).json()).toMatchObject({
      defaultCurrency: 'DOP',
      phones: null,
    });
  });
});
