import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, contacts, labOrders, labStages, prescriptions, shareLinks } from '../../src/db/tenant-schema';
import { type Db, documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';
import { get, postForm, signedIn } from '../support/worker/helpers';
import { colleague } from '../support/worker/shop';

type DocShop = Awaited<ReturnType<typeof documentsShop>>;

async function createToken(s: DocShop, base: string): Promise<string> {
  const response = await postForm(s.host, `${base}/share-links`, { days: '7' }, { Cookie: s.cookie });
  expect(response.status, base).toBe(200);
  const match = /\/share\/([A-Za-z0-9_-]{43})"/.exec(await response.text());
  expect(match, base).not.toBeNull();
  return match![1]!;
}

/** One document of every kind but invoices (their own test covers them), in the shop's main branch. */
async function documents(s: DocShop) {
  const [customer] = await s.db.insert(contacts).values({ name: 'Ana Rosa Díaz', phone: '8095550199' }).returning();
  const quotation = await insertQuotation(s.db, { branchId: s.branch.id, customerId: customer!.id });
  const invoice = await insertInvoice(s.db, { branchId: s.branch.id, customerId: customer!.id });
  const payment = await insertPayment(s.db, {
    invoiceId: invoice.id,
    branchId: s.branch.id,
    amount: '100.00',
    number: `REC-${Math.floor(Math.random() * 1e8)}`,
  });
  const [rx] = await s.db
    .insert(prescriptions)
    .values({ patientId: customer!.id, branchId: s.branch.id, examinedOn: '2026-11-02', odSphere: '-1.00' })
    .returning();
  const [stage] = await s.db.select().from(labStages).where(eq(labStages.isInitial, true));
  const [order] = await s.db
    .insert(labOrders)
    .values({ branchId: s.branch.id, customerId: customer!.id, stageId: stage!.id })
    .returning();
  return [
    `/quotations/${quotation.id}`,
    `/prescriptions/${rx!.id}`,
    `/payments/${payment.id}`,
    `/lab-orders/${order!.id}`,
  ] as const;
}

async function linkIds(db: Db): Promise<string[]> {
  return (await db.select({ id: shareLinks.id }).from(shareLinks)).map((row) => row.id);
}

describe('share links keep shops and branches apart', { timeout: 90_000 }, () => {
  it('never opens, lists, creates on or revokes another shop’s links', async () => {
    const [a, b] = await Promise.all([documentsShop(), documentsShop()]);
    const bases = await documents(a);
    const tokens = await Promise.all(bases.map((base) => createToken(a, base)));
    const ids = await linkIds(a.db);
    expect(ids).toHaveLength(4);

    for (const token of tokens) {
      expect((await get(b.host, `/share/${token}`)).status).toBe(404);
      expect((await get(a.host, `/share/${token}`)).status).toBe(200);
    }
    for (const base of bases) {
      expect((await get(b.host, `${base}/share-links`, { headers: { Cookie: b.cookie } })).status, base).toBe(404);
      expect((await postForm(b.host, `${base}/share-links`, { days: '7' }, { Cookie: b.cookie })).status, base).toBe(
        404,
      );
      for (const id of ids) {
        expect((await postForm(b.host, `${base}/share-links/${id}/revoke`, {}, { Cookie: b.cookie })).status).toBe(404);
      }
      // A's cookie on B's host is no session there.
      const foreign = await get(b.host, `${base}/share-links`, { headers: { Cookie: a.cookie }, redirect: 'manual' });
      expect([302, 303]).toContain(foreign.status);
      expect(foreign.headers.get('location')).toMatch(/^\/login/);
    }
    expect(await linkIds(b.db)).toEqual([]);
    const after = await a.db.select().from(shareLinks);
    expect(after.every((link) => link.revokedAt === null)).toBe(true);
  });

  it('keeps a branch-bound user to their branches and checks the permission to share', async () => {
    const s = await documentsShop();
    const bases = await documents(s);
    const [other] = await s.db.insert(branches).values({ name: 'Sucursal Santiago', code: 'STI' }).returning();
    const cashier = await signedIn(s.tenant.id, 'caja');
    await s.db.execute(
      sql`INSERT INTO user_branches (user_id, branch_id) VALUES (${cashier.user.id}::uuid, ${other!.id}::uuid)`,
    );
    for (const base of bases) {
      expect((await get(s.host, `${base}/share-links`, { headers: { Cookie: cashier.cookie } })).status, base).toBe(
        404,
      );
      expect(
        (await postForm(s.host, `${base}/share-links`, { days: '7' }, { Cookie: cashier.cookie })).status,
        base,
      ).toBe(404);
    }
    // An optometrist may share a prescription but not a quotation (quotations.manage).
    const optometrist = await colleague(s, 'optometrista');
    const quotationBase = bases[0];
    expect(
      (await postForm(s.host, `${quotationBase}/share-links`, { days: '7' }, { Cookie: optometrist.cookie })).status,
    ).toBe(403);
    const listed = await get(s.host, `${quotationBase}/share-links`, { headers: { Cookie: optometrist.cookie } });
    expect(listed.status).toBe(200);
    const page = await listed.text();
    expect(page).not.toContain('Crear enlace');
    expect(await linkIds(s.db)).toEqual([]);
    expect(
      (await postForm(s.host, `${bases[1]}/share-links`, { days: '7' }, { Cookie: optometrist.cookie })).status,
    ).toBe(200);
    expect(await linkIds(s.db)).toHaveLength(1);
  });
});
