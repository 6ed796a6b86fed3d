/**
 * The /fe/ receiver endpoints under attack: a seed exchanged by many at once, expired or foreign
 * seeds, tokens carried to another shop, and isolation of what one shop receives.
 */
import { describe, expect, it } from 'vitest';
import { receivedEcf } from '../../src/db/tenant-schema';
import { issueSeed, receiverKey } from '../../src/ecf/reception/auth';
import { signXml } from '../../src/ecf/sign';
import { ecfShop } from '../support/worker/ecf';
import { authenticate, field, paths, post, sender, signedEcf, signedSeed } from '../support/worker/ecf-reception';
import { get, testEnv } from '../support/worker/helpers';

function seedModel(valor: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><SemillaModel><valor>${valor}</valor><fecha>${new Date().toISOString()}</fecha></SemillaModel>`;
}

describe('seeds', { timeout: 30_000 }, () => {
  it('ten simultaneous validations of one signed seed give exactly one token', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const signed = await signedSeed(shop.host, supplier);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(shop.host, paths.validate, signed)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    const tokens = await Promise.all(
      responses.filter((r) => r.status === 200).map(async (r) => ((await r.json()) as { token: string }).token),
    );
    expect(tokens).toHaveLength(1);
    // And later, the same seed is still spent.
    expect((await post(shop.host, paths.validate, signed)).status).toBe(400);
  });

  it('refuses an expired seed, a seed another shop handed out, and a made-up one', async () => {
    const shop = await ecfShop();
    const other = await ecfShop();
    const supplier = await sender();
    const key = await receiverKey(testEnv.ENCRYPTION_KEY);
    const expired = await issueSeed(key, shop.tenant.id, Date.now() - 10 * 60_000);
    const foreign = await issueSeed(key, other.tenant.id);
    const fresh = await issueSeed(key, shop.tenant.id);
    const madeUp = `${fresh.split('.')[0]}.${'A'.repeat(43)}`;
    for (const valor of [expired, foreign, madeUp]) {
      const response = await post(shop.host, paths.validate, await signXml(seedModel(valor), supplier.credentials));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toBe('Semilla no válida o vencida.');
    }
    // The same construction with a good seed passes, so the refusals above are the seed's.
    const accepted = await post(shop.host, paths.validate, await signXml(seedModel(fresh), supplier.credentials));
    expect(accepted.status).toBe(200);
  });

  it('caps seed validations per address and minute (429)', async () => {
    const shop = await ecfShop();
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`;
    // 40 at the same moment: the window counts in one atomic step, so exactly 30 pass and 10 are held back.
    const statuses = await Promise.all(
      Array.from(
        { length: 40 },
        async () => (await post(shop.host, paths.validate, '<SemillaModel/>', { address })).status,
      ),
    );
    expect(statuses.filter((status) => status === 400)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
    // Another address is not held back.
    expect((await post(shop.host, paths.validate, '<SemillaModel/>', { address: '198.51.100.7' })).status).toBe(400);
  });
});

describe('tokens and isolation', { timeout: 30_000 }, () => {
  it("a token of shop A is refused at shop B's host, and a seed is no token", async () => {
    const shopA = await ecfShop();
    const shopB = await ecfShop();
    const supplier = await sender();
    const tokenA = await authenticate(shopA.host, supplier);
    const toB = await signedEcf(supplier, shopB.rnc);
    const atB = await post(shopB.host, paths.reception, toB.xml, { token: tokenA });
    expect(atB.status).toBe(401);
    expect(await shopB.db.select().from(receivedEcf)).toEqual([]);

    const seedXml = await (await get(shopB.host, paths.seed)).text();
    const seedValue = /<valor>([^<]+)<\/valor>/.exec(seedXml)![1]!;
    expect((await post(shopB.host, paths.reception, toB.xml, { token: seedValue })).status).toBe(401);

    // With B's own token the same document goes in: the refusals were the tokens'.
    const tokenB = await authenticate(shopB.host, supplier);
    const accepted = await post(shopB.host, paths.reception, toB.xml, { token: tokenB });
    expect(field(await accepted.text(), 'Estado')).toBe('0');
  });

  it("an e-CF received by shop A is in A's table and R2 only", async () => {
    const shopA = await ecfShop();
    const shopB = await ecfShop();
    const supplier = await sender();
    const { xml, encf } = await signedEcf(supplier, shopA.rnc);
    const response = await post(shopA.host, paths.reception, xml, { token: await authenticate(shopA.host, supplier) });
    expect(field(await response.text(), 'Estado')).toBe('0');

    const [inA] = await shopA.db.select().from(receivedEcf);
    expect(inA?.encf).toBe(encf);
    expect(await shopA.files.list('ecf/received')).toHaveLength(2);
    expect(await shopB.db.select().from(receivedEcf)).toEqual([]);
    expect(await shopB.files.list('ecf/received')).toEqual([]);
    expect(await shopB.files.get(inA!.xmlKey)).toBeNull();

    // Sent to B's host, A's e-CF is not B's to receive: "RNC comprador no corresponde".
    const tokenB = await authenticate(shopB.host, supplier);
    const atB = await post(shopB.host, paths.reception, xml, { token: tokenB });
    const arecf = await atB.text();
    expect([field(arecf, 'Estado'), field(arecf, 'CodigoMotivoNoRecibido')]).toEqual(['1', '4']);
    expect(await shopB.db.select().from(receivedEcf)).toEqual([]);
  });
});
