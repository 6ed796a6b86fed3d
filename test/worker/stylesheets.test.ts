import { describe, expect, it } from 'vitest';
import { createTenantApp } from '../../src/app';
import { contacts } from '../../src/db/tenant-schema';
import { createTestTenant, get, signedIn, tenantContext } from '../support/worker/helpers';

/**
 * Every stylesheet is linked from the document's <head>: htmx's boosted navigation swaps the
 * <body>, and a <link> arriving inside it would show the page unstyled until the file loads.
 */
function linksInBody(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  return body.match(/<link[^>]*rel="stylesheet"[^>]*>/g) ?? [];
}

describe('stylesheets', () => {
  it('are never linked inside <body> on any page a signed-in owner can open', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const [patient] = await db.insert(contacts).values({ name: 'Paciente Uno' }).returning();
    const paths = createTenantApp()
      .routes.filter(
        (route) =>
          route.method === 'GET' &&
          !route.path.includes(':') &&
          !route.path.includes('*') &&
          !route.path.startsWith('/api/') &&
          route.path !== '/logout',
      )
      .map((route) => route.path);
    const pages = [...new Set(paths), `/contacts/${patient!.id}`, `/prescriptions/new?patientId=${patient!.id}`];
    expect(pages).toContain('/prescriptions/new');
    const found: string[] = [];
    await Promise.all(
      pages.map(async (path) => {
        const response = await get(host, path, { headers: { Cookie: owner.cookie }, redirect: 'manual' });
        const html = await response.text();
        if (!(response.headers.get('content-type') ?? '').includes('text/html')) return;
        for (const link of linksInBody(html)) found.push(`${path}: ${link}`);
        // A printed document (a report's or the commissions' print) has its own stylesheets, not the app's.
        if (html.includes('<head>') && !/<body class="print[ "]/.test(html))
          expect(html.slice(0, html.indexOf('<body')), path).toContain('href="/static/app.css?v=');
      }),
    );
    expect(found).toEqual([]);
    const login = await (await get(host, '/login')).text();
    expect(linksInBody(login)).toEqual([]);
    const landing = await (await get('localhost', '/')).text();
    expect(linksInBody(landing)).toEqual([]);
  }, 120_000);
});
