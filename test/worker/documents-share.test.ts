import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/crypto';
import { shareLinks } from '../../src/db/tenant-schema';
import { countQueries, get, postForm, signedIn, testEnv } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { documentsShop, insertInvoice } from '../support/worker/documents';

/** The token in the URL the page shows once. */
function tokenFrom(page: string, host: string): string {
  const match = new RegExp(`value="http://${host.replace(/\./g, '\\.')}/share/([A-Za-z0-9_-]{43})"`).exec(page);
  expect(match, 'share URL on the page').not.toBeNull();
  return match![1]!;
}

async function createLink(shop: Awaited<ReturnType<typeof documentsShop>>, invoiceId: string, days = '7') {
  const response = await postForm(shop.host, `/invoices/${invoiceId}/share-links`, { days }, { Cookie: shop.cookie });
  expect(response.status).toBe(200);
  return tokenFrom(await response.text(), shop.host);
}

describe('share links', { timeout: 30_000 }, () => {
  it('creates a link (only the token hash is stored) and opens the archived PDF without a cookie', async () => {
    const shop = await documentsShop();
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    const token = await createLink(shop, invoice.id, '10');
    const [link] = await shop.db.select().from(shareLinks).where(eq(shareLinks.invoiceId, invoice.id));
    expect(link!.tokenHash).toBe(await sha256Hex(token));
    expect(link!.tokenHash).not.toContain(token);
    const days = (link!.expiresAt.getTime() - link!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(10, 3);
    expect(link!.createdBy).toBe(shop.user.id);
    expect(link!.lastOpenedAt).toBeNull();

    const opened = await get(shop.host, `/share/${token}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('application/pdf');
    expect(opened.headers.get('content-disposition')).toBe(`inline; filename="${invoice.ncf}.pdf"`);
    const bytes = new Uint8Array(await opened.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    const [after] = await shop.db.select().from(shareLinks).where(eq(shareLinks.id, link!.id));
    expect(after!.lastOpenedAt).not.toBeNull();
    // The share link generated and archived the PDF: the signed-in download serves the same bytes.
    const download = new Uint8Array(
      await (await get(shop.host, `/invoices/${invoice.id}/pdf`, { headers: { Cookie: shop.cookie } })).arrayBuffer(),
    );
    expect(download).toEqual(bytes);
    const listing = await testEnv.FILES.list({ prefix: `tenants/${shop.tenant.id}/` });
    expect(listing.objects).toHaveLength(1);
    // Serving the archived copy costs one query (the token check that also marks it opened).
    expect(
      await countQueries(`optiflow_${shop.tenant.id}`, () =>
        get(shop.host, `/share/${token}`).then((r) => r.arrayBuffer()),
      ),
    ).toBe(1);
  });

  it('lists the links with their state and revokes them; a revoked link is 404', async () => {
    const shop = await documentsShop('caja');
    await shop.db.execute(
      sql`INSERT INTO user_branches (user_id, branch_id) VALUES (${shop.user.id}::uuid, ${shop.branch.id}::uuid)`,
    );
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    const token = await createLink(shop, invoice.id);
    const page = await (
      await get(shop.host, `/invoices/${invoice.id}/share-links`, { headers: { Cookie: shop.cookie } })
    ).text();
    expect(page).toContain('Activo');
    expect(page).not.toContain(token);
    const [link] = await shop.db.select().from(shareLinks).where(eq(shareLinks.invoiceId, invoice.id));
    const revoke = await postForm(shop.host, `/share-links/${link!.id}/revoke`, {}, { Cookie: shop.cookie });
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe(`/invoices/${invoice.id}/share-links?revoked=1`);
    const [after] = await shop.db.select().from(shareLinks).where(eq(shareLinks.id, link!.id));
    expect(after!.revokedAt).not.toBeNull();
    expect((await get(shop.host, `/share/${token}`)).status).toBe(404);
    const listed = await (
      await get(shop.host, `/invoices/${invoice.id}/share-links?revoked=1`, { headers: { Cookie: shop.cookie } })
    ).text();
    expect(listed).toContain('Enlace revocado.');
    expect(listed).toContain('Revocado');
  });

  it('answers expired, forged and malformed tokens with the same neutral 404', async () => {
    const shop = await documentsShop();
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    const token = await createLink(shop, invoice.id);
    await shop.db
      .update(shareLinks)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(shareLinks.invoiceId, invoice.id));
    const expired = await get(shop.host, `/share/${token}`);
    const forged = await get(shop.host, `/share/${token.slice(0, -2)}AA`);
    const malformed = await get(shop.host, '/share/abc');
    const bodies: string[] = [];
    for (const response of [expired, forged, malformed]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
      bodies.push(await response.text());
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toContain(invoice.ncf!);
  });

  it('does not open a token of shop A on shop B’s host', async () => {
    const a = await documentsShop();
    const b = await documentsShop();
    const invoice = await insertInvoice(a.db, { branchId: a.branch.id });
    const token = await createLink(a, invoice.id);
    expect((await get(b.host, `/share/${token}`)).status).toBe(404);
    expect((await get(a.host, `/share/${token}`)).status).toBe(200);
  });

  it('validates the expiry (1..30 days) and writes nothing when invalid', async () => {
    const shop = await documentsShop();
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    for (const days of ['0', '31', 'abc', '', '2.5']) {
      const response = await postForm(
        shop.host,
        `/invoices/${invoice.id}/share-links`,
        { days },
        { Cookie: shop.cookie },
      );
      expect(response.status, days).toBe(422);
      const page = await response.text();
      expect(page).toContain('Indique un número entero de días entre 1 y 30.');
      expect(page).toContain('aria-invalid="true"');
    }
    const htmx = await postForm(
      shop.host,
      `/invoices/${invoice.id}/share-links`,
      { days: '0' },
      { Cookie: shop.cookie, 'HX-Request': 'true' },
    );
    expect(htmx.status).toBe(422);
    expect(await htmx.text()).not.toContain('<html');
    expect(await shop.db.select().from(shareLinks)).toEqual([]);
  });

  it('refuses links for drafts (409) and unknown invoices (404)', async () => {
    const shop = await documentsShop();
    const draft = await insertInvoice(shop.db, { branchId: shop.branch.id, status: 'draft' });
    expect(
      (await postForm(shop.host, `/invoices/${draft.id}/share-links`, { days: '7' }, { Cookie: shop.cookie })).status,
    ).toBe(409);
    expect(
      (
        await postForm(
          shop.host,
          `/invoices/${crypto.randomUUID()}/share-links`,
          { days: '7' },
          { Cookie: shop.cookie },
        )
      ).status,
    ).toBe(404);
    expect(
      (await postForm(shop.host, '/invoices/bad/share-links', { days: '7' }, { Cookie: shop.cookie })).status,
    ).toBe(404);
    expect(
      (await api(shop.host, `/invoices/${draft.id}/share-links`, shop.bearer, { method: 'POST', body: '{}' })).status,
    ).toBe(409);
    expect(await shop.db.select().from(shareLinks)).toEqual([]);
  });

  it('forbids creating and revoking links without invoices.manage (403)', async () => {
    const shop = await documentsShop();
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    await createLink(shop, invoice.id);
    const [link] = await shop.db.select().from(shareLinks);
    const optometrist = await signedIn(shop.tenant.id, 'optometrista');
    expect(
      (await postForm(shop.host, `/invoices/${invoice.id}/share-links`, { days: '7' }, { Cookie: optometrist.cookie }))
        .status,
    ).toBe(403);
    expect(
      (await postForm(shop.host, `/share-links/${link!.id}/revoke`, {}, { Cookie: optometrist.cookie })).status,
    ).toBe(403);
    expect(
      (await api(shop.host, `/invoices/${invoice.id}/share-links`, optometrist.bearer, { method: 'POST', body: '{}' }))
        .status,
    ).toBe(403);
    // The list is readable (invoices.view) but shows no create form or revoke button.
    const page = await (
      await get(shop.host, `/invoices/${invoice.id}/share-links`, { headers: { Cookie: optometrist.cookie } })
    ).text();
    expect(page).not.toContain('Crear enlace');
    expect(page).not.toContain('/revoke"');
  });

  it('works through the API: create (url + expiresAt), list, revoke', async () => {
    const shop = await documentsShop('admin');
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    const created = await api(shop.host, `/invoices/${invoice.id}/share-links`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ expiresInDays: 3 }),
    });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; url: string; expiresAt: string; active: boolean };
    expect(link.url).toMatch(new RegExp(`^http://${shop.host}/share/[A-Za-z0-9_-]{43}$`));
    expect(link.active).toBe(true);
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(2.99);
    expect(days).toBeLessThan(3.01);
    const path = new URL(link.url).pathname;
    expect((await get(shop.host, path)).status).toBe(200);

    const defaulted = await api(shop.host, `/invoices/${invoice.id}/share-links`, shop.bearer, { method: 'POST' });
    expect(defaulted.status).toBe(201);
    const defaultDays =
      (Date.parse(((await defaulted.json()) as { expiresAt: string }).expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(defaultDays)).toBe(7);

    const invalid = await api(shop.host, `/invoices/${invoice.id}/share-links`, shop.bearer, {
      method: 'POST',
      body: JSON.stringify({ expiresInDays: 45 }),
    });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('expiresInDays');

    const list = (await (await api(shop.host, `/invoices/${invoice.id}/share-links`, shop.bearer)).json()) as {
      data: Array<{ id: string; lastOpenedAt: string | null }>;
    };
    expect(list.data).toHaveLength(2);
    expect(list.data.find((row) => row.id === link.id)!.lastOpenedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(path.slice(7));

    const revoked = await api(shop.host, `/share-links/${link.id}/revoke`, shop.bearer, { method: 'POST' });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { active: boolean; revokedAt: string | null }).revokedAt).not.toBeNull();
    expect((await get(shop.host, path)).status).toBe(404);
  });

  it('keeps shops apart: shop B cannot list, create on or revoke shop A’s links', async () => {
    const a = await documentsShop();
    const b = await documentsShop();
    const invoice = await insertInvoice(a.db, { branchId: a.branch.id });
    await createLink(a, invoice.id);
    const [link] = await a.db.select().from(shareLinks);
    expect((await get(b.host, `/invoices/${invoice.id}/share-links`, { headers: { Cookie: b.cookie } })).status).toBe(
      404,
    );
    expect(
      (await postForm(b.host, `/invoices/${invoice.id}/share-links`, { days: '7' }, { Cookie: b.cookie })).status,
    ).toBe(404);
    expect((await postForm(b.host, `/share-links/${link!.id}/revoke`, {}, { Cookie: b.cookie })).status).toBe(404);
    expect((await api(b.host, `/invoices/${invoice.id}/share-links`, b.bearer)).status).toBe(404);
    expect(
      (await api(b.host, `/invoices/${invoice.id}/share-links`, b.bearer, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
    expect((await api(b.host, `/share-links/${link!.id}/revoke`, b.bearer, { method: 'POST' })).status).toBe(404);
    const [after] = await a.db.select().from(shareLinks);
    expect(after!.revokedAt).toBeNull();
    expect(await b.db.select().from(shareLinks)).toEqual([]);
  });
});
