import { SELF } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

function company(host: string, bearer: string) {
  return SELF.fetch(`http://${host}/api/v1/company`, { headers: { Authorization: bearer } });
}

async function tokenIdOf(tenantId: string, userId: string): Promise<string> {
  const { db } = await tenantContext(tenantId);
  const result = await db.execute<{ id: string }>(
    sql`SELECT id FROM api_tokens WHERE user_id = ${userId} ORDER BY created_at LIMIT 1`,
  );
  return result.rows[0]!.id;
}

describe('API tokens and their user', () => {
  it('stop working when the user is disabled, and stay revoked when the user is enabled again', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const clerk = await signedIn(tenant.id, 'ventas');
    expect((await company(host, clerk.bearer)).status).toBe(200);

    expect((await postForm(host, `/users/${clerk.user.id}/disable`, {}, { Cookie: owner.cookie })).status).toBe(303);
    expect((await company(host, clerk.bearer)).status).toBe(401);

    expect((await postForm(host, `/users/${clerk.user.id}/enable`, {}, { Cookie: owner.cookie })).status).toBe(303);
    expect((await company(host, clerk.bearer)).status).toBe(401);
    const { db } = await tenantContext(tenant.id);
    const rows = await db.execute<{ revoked: boolean }>(
      sql`SELECT revoked_at IS NOT NULL AS revoked FROM api_tokens WHERE user_id = ${clerk.user.id}`,
    );
    expect(rows.rows).toEqual([{ revoked: true }]);
    // The owner's own token is untouched.
    expect((await company(host, owner.bearer)).status).toBe(200);
  });

  it('the owner sees every user’s tokens, with whose they are, and can revoke any', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const admin = await signedIn(tenant.id, 'admin');
    const clerk = await signedIn(tenant.id, 'caja');
    const page = await (await get(host, '/api-tokens', { headers: { Cookie: owner.cookie } })).text();
    for (const user of [owner, admin, clerk]) expect(page, user.email).toContain(user.email);

    const clerkToken = await tokenIdOf(tenant.id, clerk.user.id);
    expect((await postForm(host, `/api-tokens/${clerkToken}/revoke`, {}, { Cookie: owner.cookie })).status).toBe(303);
    expect((await company(host, clerk.bearer)).status).toBe(401);
  });

  it('an admin sees and revokes only their own tokens', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const admin = await signedIn(tenant.id, 'admin');
    const page = await (await get(host, '/api-tokens', { headers: { Cookie: admin.cookie } })).text();
    expect(page).not.toContain(owner.email);
    const ownerToken = await tokenIdOf(tenant.id, owner.user.id);
    expect((await postForm(host, `/api-tokens/${ownerToken}/revoke`, {}, { Cookie: admin.cookie })).status).toBe(404);
    expect((await company(host, owner.bearer)).status).toBe(200);
    const ownToken = await tokenIdOf(tenant.id, admin.user.id);
    expect((await postForm(host, `/api-tokens/${ownToken}/revoke`, {}, { Cookie: admin.cookie })).status).toBe(303);
    expect((await company(host, admin.bearer)).status).toBe(401);
  });
});
