/**
 * The claims cookie only saves a round trip; it never decides. Forged claims (a raised role, a
 * branch the user may not use, another user's id, a bad signature, another shop's key) show no
 * data and change nothing; a session that ended is refused with its first request's writes rolled
 * back; a role or branch change by an admin counts on the user's very next request, GET or POST,
 * and a POST still does its work exactly once.
 */
import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { claimsKey, signClaims, verifyClaims } from '../../src/auth/session-claims';
import { afterConfirmed, type CheckOutcome } from '../../src/http/session';
import { TenantCache } from '../../src/tenancy/cache';
import { TenantFiles } from '../../src/tenancy/files';
import { TenantJobs } from '../../src/tenancy/jobs';
import { branches, contacts, sessions, userBranches, users } from '../../src/db/tenant-schema';
import { countRoundTrips, get, postForm, signedIn, testEnv } from '../support/worker/helpers';
import { cookieWithClaims, sessionState, shopWithSeller } from '../support/worker/session';

type Shop = Awaited<ReturnType<typeof shopWithSeller>>;

async function count(s: Shop, table: typeof contacts | typeof branches): Promise<number> {
  return (await s.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
}

/** The shop's users page (owners and admins only) and whether it lists the owner's e-mail. */
async function usersPage(s: Shop, cookie: string) {
  const response = await get(s.host, '/users', { headers: { Cookie: cookie }, redirect: 'manual' });
  return { status: response.status, response, html: await response.text() };
}

/** A shop whose seller also has an owner colleague (whose e-mail only owners and admins may see). */
async function shop() {
  const s = await shopWithSeller();
  const owner = await signedIn(s.tenant.id, 'owner');
  const state = await sessionState(s.tenant.id, s.seller.token);
  return { ...s, owner, state };
}

function newBranch(cookie: string, s: Shop) {
  return postForm(s.host, '/branches', { name: 'Sucursal Falsa', code: 'FAL' }, { Cookie: cookie });
}

describe('forged claims', { timeout: 30_000 }, () => {
  it('a role raised from sales to owner under a bad signature or another shop key shows nothing and changes nothing', async () => {
    const s = await shop();
    const other = await shopWithSeller();
    const raised = { ...s.state, role: 'owner' as const };
    const otherShopKey = await cookieWithClaims(s.tenant.id, s.seller.token, raised, other.tenant.id);
    const [tag, payload] = (await claimsFor(s.tenant.id, raised)).split('.');
    const badSignature = `optiflow_session=${s.seller.token}; optiflow_claims=${tag}.${payload}.${'A'.repeat(43)}`;
    for (const cookie of [otherShopKey, badSignature]) {
      const page = await usersPage(s, cookie);
      expect(page.status).toBe(403);
      expect(page.html).not.toContain(s.owner.email);
      const before = await count(s, branches);
      expect((await newBranch(cookie, s)).status).toBe(403);
      expect(await count(s, branches)).toBe(before);
    }
    // The key is the shop's: claims signed for one shop do not verify in another.
    const signed = await signClaims(await claimsKey(testEnv.ENCRYPTION_KEY, other.tenant.id), raised);
    expect(await verifyClaims(await claimsKey(testEnv.ENCRYPTION_KEY, other.tenant.id), signed)).toEqual(raised);
    expect(await verifyClaims(await claimsKey(testEnv.ENCRYPTION_KEY, s.tenant.id), signed)).toBeNull();
  });

  it('a raised role that is validly signed (as if the key leaked) is refused by the database check', async () => {
    const s = await shop();
    const cookie = await cookieWithClaims(s.tenant.id, s.seller.token, { ...s.state, role: 'owner' });
    const page = await usersPage(s, cookie);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain(s.owner.email);
    const before = await count(s, branches);
    expect((await newBranch(cookie, s)).status).toBe(403);
    expect(await count(s, branches)).toBe(before);
  });

  it('a branch the user may not use, or another user id, in signed claims is refused by the check', async () => {
    const s = await shop();
    const norte = { id: s.norte.id, name: s.norte.name, code: s.norte.code };
    const otherBranch = await cookieWithClaims(s.tenant.id, s.seller.token, {
      ...s.state,
      branchId: s.norte.id,
      branches: [...s.state.branches, norte],
    });
    const home = await get(s.host, '/', { headers: { Cookie: otherBranch }, redirect: 'manual' });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Sucursal Centro');
    expect(html).not.toContain('Sucursal Norte');
    // The owner's claims beside the seller's session token.
    const ownerState = await sessionState(s.tenant.id, s.owner.token);
    const otherUser = await cookieWithClaims(s.tenant.id, s.seller.token, ownerState);
    const page = await usersPage(s, otherUser);
    expect(page.status).toBe(403);
    expect(page.html).not.toContain(s.owner.email);
  });
});

describe('a session that ended', { timeout: 30_000 }, () => {
  const endings = {
    revoked: (s: Shop) => s.db.delete(sessions).where(eq(sessions.userId, s.seller.user.id)),
    expired: (s: Shop) =>
      s.db
        .update(sessions)
        .set({ expiresAt: sql`now() - interval '1 minute'` })
        .where(eq(sessions.userId, s.seller.user.id)),
    idle: (s: Shop) =>
      s.db
        .update(sessions)
        .set({ lastSeenAt: sql`now() - interval '5 hours'` })
        .where(eq(sessions.userId, s.seller.user.id)),
    'user disabled': (s: Shop) => s.db.update(users).set({ status: 'disabled' }).where(eq(users.id, s.seller.user.id)),
  };

  it('the login page (a public route) settles the session first: signed in it redirects, ended it shows the form', async () => {
    const s = await shop();
    const signedInLogin = await get(s.host, '/login?next=/contacts', {
      headers: { Cookie: s.cookie },
      redirect: 'manual',
    });
    expect(signedInLogin.status).toBe(303);
    expect(signedInLogin.headers.get('location')).toBe('/contacts');
    await endings.revoked(s);
    const ended = await get(s.host, '/login?next=/contacts', { headers: { Cookie: s.cookie }, redirect: 'manual' });
    expect(ended.status).toBe(200);
    expect(await ended.text()).toContain('name="password"');
    expect(ended.headers.getSetCookie().filter((cookie) => /Max-Age=0/i.test(cookie)).length).toBe(2);
  });

  for (const [name, end] of Object.entries(endings)) {
    it(`${name}: a GET goes to the login page and a POST's write is rolled back`, async () => {
      const s = await shop();
      await end(s);
      const page = await get(s.host, '/contacts/new', { headers: { Cookie: s.cookie }, redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toBe('/login?next=%2Fcontacts%2Fnew');
      const cleared = page.headers.getSetCookie();
      expect(cleared.filter((cookie) => /Max-Age=0/i.test(cookie)).map((cookie) => cookie.split('=')[0])).toEqual([
        'optiflow_session',
        'optiflow_claims',
      ]);
      const before = await count(s, contacts);
      let post: Response | undefined;
      const trips = await countRoundTrips(s.database, async () => {
        post = await postForm(s.host, '/contacts', { kind: 'customer', name: 'Nadie' }, { Cookie: s.cookie });
      });
      expect(post!.status).toBe(303);
      expect(post!.headers.get('location')).toBe('/login?next=%2Fcontacts');
      // The insert went to the database with the check, in the transaction the check rolled back.
      expect(trips).toBe(1);
      expect(await count(s, contacts)).toBe(before);
      const htmx = await get(s.host, '/contacts', { headers: { Cookie: s.cookie, 'HX-Request': 'true' } });
      expect(htmx.status).toBe(401);
      expect(htmx.headers.get('HX-Redirect')).toBe('/login?next=%2Fcontacts');
    });
  }
});

/** The start of a 120x60 PNG, as much as the logo upload reads. */
function png(): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
  new DataView(bytes.buffer).setUint32(16, 120);
  new DataView(bytes.buffer).setUint32(20, 60);
  bytes.set([8, 6, 0, 0, 0], 24);
  return bytes;
}

function uploadLogo(s: Shop, cookie: string) {
  const form = new FormData();
  form.append('logo', new File([png()], 'logo.png', { type: 'image/png' }));
  return SELF.fetch(`http://${s.host}/company/logo`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, Origin: `http://${s.host}` },
    body: form,
  });
}

async function storedFiles(s: Shop): Promise<string[]> {
  return (await testEnv.FILES.list({ prefix: `tenants/${s.tenant.id}/` })).objects.map((object) => object.key);
}

describe('what leaves the request before its first query', { timeout: 30_000 }, () => {
  it('an R2 write waits for the check: an ended session stores no logo, a stale one stores it once from the replayed form', async () => {
    const s = await shop();
    const ownerCookie = await cookieWithClaims(
      s.tenant.id,
      s.owner.token,
      await sessionState(s.tenant.id, s.owner.token),
    );
    await s.db.delete(sessions).where(eq(sessions.userId, s.owner.user.id));
    const refused = await uploadLogo(s, ownerCookie);
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe('/login?next=%2Fcompany%2Flogo');
    expect(await storedFiles(s)).toEqual([]);

    const admin = await signedIn(s.tenant.id, 'admin');
    const adminCookie = await cookieWithClaims(s.tenant.id, admin.token, await sessionState(s.tenant.id, admin.token));
    await s.db.update(users).set({ name: 'Administradora Nueva' }).where(eq(users.id, admin.user.id));
    const stored = await uploadLogo(s, adminCookie);
    expect(stored.status).toBe(303);
    expect(stored.headers.get('location')).toBe('/company?logo=saved');
    expect(await storedFiles(s)).toEqual([`tenants/${s.tenant.id}/company/logo`]);
  });
});

describe('files, jobs and cache before the session is confirmed', () => {
  /** The three as a request with claims gets them, over a check that answers `outcome`. */
  function guarded(tenantId: string, outcome: CheckOutcome, sent: unknown[]) {
    const confirm = async () => outcome;
    const queue = { send: async (message: unknown) => void sent.push(message) } as unknown as Queue;
    return {
      files: afterConfirmed(new TenantFiles(testEnv.FILES, tenantId), confirm, ['get', 'head', 'list']),
      jobs: afterConfirmed(new TenantJobs(queue, tenantId), confirm, []),
      cache: afterConfirmed(new TenantCache(testEnv.KV, tenantId), confirm, ['get', 'list']),
    };
  }

  it('performs no write through any of the three for an ended or stale session, and every one once confirmed', async () => {
    const tenantId = crypto.randomUUID();
    const raw = { files: new TenantFiles(testEnv.FILES, tenantId), cache: new TenantCache(testEnv.KV, tenantId) };
    await raw.files.put('kept.txt', 'antes');
    await raw.cache.put('kept', 'antes');
    for (const outcome of ['ended', 'stale'] as const) {
      const sent: unknown[] = [];
      const { files, jobs, cache } = guarded(tenantId, outcome, sent);
      const writes = [
        files.put('nuevo.txt', 'x'),
        files.delete('kept.txt'),
        jobs.send('ecf.send', { id: 1 }),
        cache.put('nuevo', 1),
        cache.delete('kept'),
        cache.clear(),
      ];
      const results = await Promise.allSettled(writes);
      expect(results.map((result) => result.status)).toEqual(Array(writes.length).fill('rejected'));
      // Reads are not held back: they answer what is stored.
      expect(await (await files.get('kept.txt'))?.text()).toBe('antes');
      expect(await cache.get('kept')).toBe('antes');
      expect((await files.list()).map((file) => file.key)).toEqual(['kept.txt']);
      expect(await cache.list()).toEqual(['kept']);
      expect(sent).toEqual([]);
    }
    const sent: unknown[] = [];
    const { files, jobs, cache } = guarded(tenantId, 'confirmed', sent);
    await Promise.all([files.put('nuevo.txt', 'x'), jobs.send('ecf.send', { id: 1 }), cache.put('nuevo', 1)]);
    expect((await raw.files.list()).map((file) => file.key).sort()).toEqual(['kept.txt', 'nuevo.txt']);
    expect(await raw.cache.get('nuevo')).toBe(1);
    expect(sent).toHaveLength(1);
  });

  it('guards a method the list of reads does not name, such as one added later', async () => {
    let calls = 0;
    const target = { read: async () => 'leído', write: async () => void calls++ };
    const wrapped = afterConfirmed(target, async () => 'ended', ['read']);
    await expect(wrapped.write()).rejects.toThrow();
    expect(calls).toBe(0);
    expect(await wrapped.read()).toBe('leído');
  });
});

describe('changes by an admin count on the very next request', { timeout: 30_000 }, () => {
  it('a promoted seller sees the users page at once, and a demoted one loses it at once', async () => {
    const s = await shop();
    await s.db.update(users).set({ role: 'admin' }).where(eq(users.id, s.seller.user.id));
    const page = await usersPage(s, s.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain(s.owner.email);
    expect(page.response.headers.getSetCookie().some((cookie) => cookie.startsWith('optiflow_claims=v1.'))).toBe(true);
    const ownerCookie = await cookieWithClaims(
      s.tenant.id,
      s.owner.token,
      await sessionState(s.tenant.id, s.owner.token),
    );
    expect((await usersPage(s, ownerCookie)).status).toBe(200);
    await s.db.update(users).set({ role: 'caja' }).where(eq(users.id, s.owner.user.id));
    const demoted = await usersPage(s, ownerCookie);
    expect(demoted.status).toBe(403);
    expect(demoted.html).not.toContain(s.seller.email);
  });

  it('a branch taken away or deactivated is gone from the next page', async () => {
    const s = await shop();
    await s.db.insert(userBranches).values({ userId: s.seller.user.id, branchId: s.norte.id });
    const cookie = await cookieWithClaims(s.tenant.id, s.seller.token, await sessionState(s.tenant.id, s.seller.token));
    expect(await (await get(s.host, '/', { headers: { Cookie: cookie } })).text()).toContain('Sucursal Norte');
    await s.db.update(branches).set({ active: false }).where(eq(branches.id, s.norte.id));
    expect(await (await get(s.host, '/', { headers: { Cookie: cookie } })).text()).not.toContain('Sucursal Norte');
  });

  it('a POST with stale claims does its work exactly once (the first attempt is rolled back), lower role or higher', async () => {
    const s = await shop();
    await s.db.update(users).set({ name: 'Vendedora Renombrada' }).where(eq(users.id, s.seller.user.id));
    const before = await count(s, contacts);
    let created: Response | undefined;
    const trips = await countRoundTrips(s.database, async () => {
      created = await postForm(s.host, '/contacts', { kind: 'customer', name: 'Una Vez' }, { Cookie: s.cookie });
    });
    expect(created!.status).toBe(303);
    // The refused attempt, the session loaded the slow way, the insert.
    expect(trips).toBe(3);
    expect(await count(s, contacts)).toBe(before + 1);
    // Promoted after the claims were set: the claims say sales (refused before any query), the database admin.
    await s.db.update(users).set({ role: 'admin' }).where(eq(users.id, s.seller.user.id));
    const branchesBefore = await count(s, branches);
    const branch = await newBranch(s.cookie, s);
    expect(branch.status).toBe(303);
    expect(await count(s, branches)).toBe(branchesBefore + 1);
  });

  it('many simultaneous requests with the same stale claims all end correctly', async () => {
    const s = await shop();
    await s.db.update(users).set({ role: 'admin' }).where(eq(users.id, s.seller.user.id));
    const before = await count(s, contacts);
    const [pages, posts] = await Promise.all([
      Promise.all(Array.from({ length: 8 }, () => usersPage(s, s.cookie))),
      Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          postForm(s.host, '/contacts', { kind: 'customer', name: `Cliente ${i}` }, { Cookie: s.cookie }),
        ),
      ),
    ]);
    expect(pages.map((page) => page.status)).toEqual(Array(8).fill(200));
    for (const page of pages) expect(page.html).toContain(s.owner.email);
    expect(posts.map((post) => post.status)).toEqual(Array(8).fill(303));
    const names = (await s.db.select({ name: contacts.name }).from(contacts)).map((row) => row.name);
    expect(names.length).toBe(before + 8);
    expect(names.filter((name) => name.startsWith('Cliente ')).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `Cliente ${i}`),
    );
  });
});

/** Signed claims for a state in a shop (a helper for the bad-signature case, which keeps the payload). */
async function claimsFor(tenantId: string, state: Parameters<typeof signClaims>[1]): Promise<string> {
  return signClaims(await claimsKey(testEnv.ENCRYPTION_KEY, tenantId), state);
}
