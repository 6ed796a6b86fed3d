import { describe, expect, it } from 'vitest';
import { assetHashes } from '../../src/views/asset-hashes';
import { documentsShop, insertInvoice } from '../support/worker/documents';
import { get, testEnv } from '../support/worker/helpers';

/**
 * Workers static assets answer /static/* before the Worker runs (public/_headers sets the cache);
 * the test pool's SELF reaches only the Worker, so the assets binding answers here as it does there.
 */
function asset(url: string): Promise<Response> {
  return testEnv.ASSETS.fetch(new Request(`http://localhost${url}`));
}

async function sha256Prefix(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 12);
}

function staticUrls(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/static\/[^"]*)"/g)].map((match) => match[1]!);
}

/** Issue 12 item 5: assets are fingerprinted and kept a year; pages are not. */
describe('static assets', { timeout: 60_000 }, () => {
  it('are linked with the hash of the bytes served, answered immutable for a year, while HTML is not cached', async () => {
    const { host, cookie, db, branch } = await documentsShop();
    const invoice = await insertInvoice(db, { branchId: branch.id });
    const pages: Array<{ path: string; headers: Record<string, string> }> = [
      { path: '/login', headers: {} },
      { path: '/invoices', headers: { Cookie: cookie } },
      { path: `/invoices/${invoice.id}/print`, headers: { Cookie: cookie } },
    ];
    const urls = new Set<string>();
    for (const page of pages) {
      const response = await get(host, page.path, { headers: page.headers });
      expect(response.status, page.path).toBe(200);
      expect(response.headers.get('content-type'), page.path).toContain('text/html');
      expect(response.headers.get('cache-control') ?? '', page.path).not.toMatch(/immutable|max-age=[1-9]/);
      const found = staticUrls(await response.text());
      expect(found.length, page.path).toBeGreaterThan(0);
      for (const url of found) urls.add(url);
    }
    // The admin panel's sheet comes from the central domain's pages.
    const panelLogin = await (await get('localhost', '/admin/login')).text();
    for (const url of staticUrls(panelLogin)) urls.add(url);
    expect([...urls].map((url) => url.split('?')[0]).sort()).toEqual(
      expect.arrayContaining(['/static/app.css', '/static/app.js', '/static/htmx.min.js', '/static/print.css']),
    );

    await Promise.all(
      [...urls].map(async (url) => {
        const match = /^\/static\/([^?]+)\?v=([0-9a-f]{12})$/.exec(url);
        expect(match, url).not.toBeNull();
        const [, name, version] = match!;
        expect(version, url).toBe(assetHashes[name as keyof typeof assetHashes]);
        const response = await asset(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
        expect(await sha256Prefix(await response.arrayBuffer()), url).toBe(version);
      }),
    );
  });

  it('a stale version still serves the file (the hash picks the browser cache entry, not the bytes)', async () => {
    const response = await asset('/static/app.css?v=000000000000');
    expect(response.status).toBe(200);
    expect(await sha256Prefix(await response.arrayBuffer())).toBe(assetHashes['app.css']);
  });
});
