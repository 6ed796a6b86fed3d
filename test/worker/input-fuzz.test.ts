import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createTenantApp } from '../../src/app';
import { branches } from '../../src/db/tenant-schema';
import { createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

/**
 * Malformed input on every registered route of a shop, signed in as its owner: NUL and control
 * characters, invalid percent-encoding, overlong text, malformed multipart, wrong content types and
 * ids that are not ids. Whatever the route, the answer is a 4xx (or a normal page), never a 5xx.
 */

interface Route {
  method: string;
  path: string;
}

function shopRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const route of createTenantApp().routes) {
    if (route.method === 'ALL') continue;
    seen.set(`${route.method} ${route.path}`, { method: route.method, path: route.path });
  }
  // Logging out would end the session every other request uses.
  return [...seen.values()].filter((route) => route.path !== '/logout');
}

const fieldNames = [
  'q',
  'name',
  'email',
  'phone',
  'mobile',
  'address',
  'notes',
  'note',
  'description',
  'sku',
  'amount',
  'quantity',
  'price',
  'cost',
  'discount',
  'rate',
  'reason',
  'code',
  'idNumber',
  'idType',
  'kind',
  'validOn',
  'receivedOn',
  'method',
  'reference',
  'currency',
  'currencyCode',
  'branchId',
  'customerId',
  'patientId',
  'prefix',
  'nextNumber',
  'rangeStart',
  'rangeEnd',
  'validUntil',
  'ncfType',
  'period',
  'status',
  'role',
  'scope',
  'password',
  'confirm',
  'invoiceFooter',
  'phones',
  'rnc',
  'birthDate',
  'brand',
  'category',
  'taxCode',
  'dueOn',
  'examinedOn',
  'diagnosis',
  'lines.0.quantity',
  'lines.0.description',
  'lines.0.unitPrice',
  'lines.0.sku',
  'fromBranchId',
  'toBranchId',
  'next',
  'branch',
  'docType',
  'mode',
  'days',
  'full',
];

const nasty = ['a\u0000b', 'x\r\ny', '\u0000', 'é\u0007\u001b[31m'];
const overlong = 'A'.repeat(70_000);

function concrete(path: string, id: string): string {
  return path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, id);
}

function formBody(value: (index: number) => string): string {
  return new URLSearchParams(fieldNames.map((name, index) => [name, value(index)])).toString();
}

function jsonBody(value: (index: number) => string): string {
  const body: Record<string, unknown> = Object.fromEntries(
    fieldNames.filter((name) => !name.includes('.')).map((name, index) => [name, value(index)]),
  );
  body.lines = [{ quantity: value(1), description: value(2), unitPrice: value(3), sku: value(0) }];
  return JSON.stringify(body);
}

const boundary = 'fuzzboundary';
const brokenMultipart = `--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\u0089PNG\r\n`;

/** The malformed requests sent to one route. */
function variants(route: Route): Array<{ url: string; init: RequestInit }> {
  const api = route.path.startsWith('/api/');
  const unsafe = route.method !== 'GET' && route.method !== 'HEAD';
  const ids = [
    'not-an-id',
    '%ff',
    '%00',
    '00000000-0000-4000-8000-000000000000',
    '99999999999999999999999',
    'a%0d%0ab',
  ];
  const queries = [
    '?q=%00&next=%0d%0a//evil.example&page=abc&cursor=%ff&status=%00&from=x&to=y&limit=-1',
    `?q=${'a'.repeat(5000)}%00&search=%ff%fe`,
    '?q=a%00b&customerSearch=%00&period=%0d%0a&branch=%00&kind=%ff',
    '?q=%E0%A4%A',
    '?next=/%0d%0aX-Injected:%201&q=%09',
  ];
  const out: Array<{ url: string; init: RequestInit }> = [];
  const base = { redirect: 'manual' as const };
  if (!unsafe) {
    ids.forEach((id, index) => {
      out.push({
        url: `${concrete(route.path, id)}${queries[index % queries.length]}`,
        init: { ...base, method: route.method, headers: { Referer: 'http://[bad' } },
      });
    });
    return out;
  }
  const path = concrete(route.path, ids[0]!);
  const pathAlt = concrete(route.path, ids[1]!);
  const pathUuid = concrete(route.path, ids[3]!);
  const bodies: Array<{ type: string; body: string; path?: string }> = api
    ? [
        ...nasty.map((value) => ({ type: 'application/json', body: jsonBody(() => value) })),
        { type: 'application/json', body: jsonBody((index) => nasty[index % nasty.length]!) },
        { type: 'application/json', body: jsonBody(() => overlong) },
        { type: 'application/json', body: '{"name": "\\u0000", "lines": [' },
        { type: 'text/plain', body: 'hello' },
        { type: `multipart/form-data; boundary=${boundary}`, body: brokenMultipart },
        { type: 'application/json', body: jsonBody((index) => nasty[index % nasty.length]!), path: pathAlt },
        { type: 'application/json', body: jsonBody((index) => nasty[index % nasty.length]!), path: pathUuid },
      ]
    : [
        ...nasty.map((value) => ({ type: 'application/x-www-form-urlencoded', body: formBody(() => value) })),
        { type: 'application/x-www-form-urlencoded', body: formBody((index) => nasty[index % nasty.length]!) },
        { type: 'application/x-www-form-urlencoded', body: formBody(() => overlong) },
        { type: 'application/x-www-form-urlencoded', body: 'name=%ff%fe&q=%&amount=%zz&next=%0d%0a' },
        { type: 'application/json', body: '{' },
        { type: 'text/plain', body: 'hello' },
        { type: `multipart/form-data; boundary=${boundary}`, body: brokenMultipart },
        { type: 'multipart/form-data', body: 'no boundary at all' },
        {
          type: 'application/x-www-form-urlencoded',
          body: formBody((index) => nasty[index % nasty.length]!),
          path: pathAlt,
        },
        {
          type: 'application/x-www-form-urlencoded',
          body: formBody((index) => nasty[index % nasty.length]!),
          path: pathUuid,
        },
      ];
  // A bad query would be refused before the body is read: the bodies go without one, then one with it.
  bodies.push({ ...bodies[0]!, path: `${path}?next=%0d%0a/evil` });
  for (const { type, body, path: target } of bodies) {
    out.push({
      url: target ?? path,
      init: {
        ...base,
        method: route.method,
        headers: { 'Content-Type': type, Referer: 'http://[bad', 'HX-Request': 'true' },
        body,
      },
    });
  }
  return out;
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

describe('malformed input on every route', () => {
  it('never answers a 5xx to the owner', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const routes = shopRoutes();
    expect(routes.length).toBeGreaterThan(100);
    const requests = routes.flatMap((route) => variants(route).map((variant) => ({ route, ...variant })));
    const failures = await pool(requests, 12, async ({ route, url, init }) => {
      const api = route.path.startsWith('/api/');
      const headers = new Headers(init.headers);
      if (api) headers.set('Authorization', owner.bearer);
      else headers.set('Cookie', owner.cookie);
      headers.set('Origin', `http://${host}`);
      const response = await SELF.fetch(`http://${host}${url}`, { ...init, headers });
      await response.arrayBuffer();
      return response.status >= 500
        ? `${init.method} ${url.slice(0, 120)} [${headers.get('content-type') ?? ''}] -> ${response.status}`
        : null;
    });
    expect(failures.filter(Boolean)).toEqual([]);
  }, 300_000);

  it('refuses a NUL in a search box, a contact name and a JSON field with the usual 4xx messages', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    for (const list of ['/contacts', '/products', '/stock', '/prescriptions', '/quotations', '/invoices']) {
      const response = await get(host, `${list}?q=a%00b`, { headers: { Cookie: owner.cookie } });
      expect(response.status, list).toBe(422);
      expect(await response.text(), list).toContain('Contiene caracteres no permitidos.');
    }
    const apiList = await get(host, '/api/v1/contacts?q=%00', { headers: { Authorization: owner.bearer } });
    expect(apiList.status).toBe(422);
    expect(apiList.headers.get('content-type')).toContain('application/problem+json');
    expect(((await apiList.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'q', message: 'Contiene caracteres no permitidos.' },
    ]);
    const contact = await postForm(
      host,
      '/contacts',
      { name: 'Ana\u0000Pérez', kind: 'customer' },
      { Cookie: owner.cookie },
    );
    expect(contact.status).toBe(422);
    expect(await contact.text()).toContain('Contiene caracteres no permitidos.');
    const apiContact = await SELF.fetch(`http://${host}/api/v1/contacts`, {
      method: 'POST',
      headers: { Authorization: owner.bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Ana', notes: 'x\u0000' }),
    });
    expect(apiContact.status).toBe(422);
    expect(((await apiContact.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'notes', message: 'Contiene caracteres no permitidos.' },
    ]);
  });

  it('answers a malformed multipart upload, an invalid Referer and CR/LF in next= with a 4xx or a safe redirect', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const [branch] = await db.select().from(branches);
    const headers = { Cookie: owner.cookie, Origin: `http://${host}` };
    const upload = await SELF.fetch(`http://${host}/company/logo`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: brokenMultipart,
    });
    expect(upload.status).toBeGreaterThanOrEqual(400);
    expect(upload.status).toBeLessThan(500);
    const switched = await postForm(
      host,
      '/session/branch',
      { branchId: branch!.id },
      { Cookie: owner.cookie, Referer: 'http://[not a url' },
    );
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/');
    const login = await get(host, '/login?next=/%0d%0aSet-Cookie:%20x=1', {
      headers: { Cookie: owner.cookie },
      redirect: 'manual',
    });
    expect(login.status).toBeLessThan(500);
    expect(login.headers.get('set-cookie')).toBeNull();
  });
});
