/**
 * WhatsApp status webhooks on the shop host (/hooks/whatsapp): the subscription handshake with the
 * shop's verify token, status POSTs signed by the stand-in exactly as Meta signs them (HMAC-SHA256
 * of the raw body with the shop's app secret), statuses that never go backwards, and isolation:
 * one shop's secret or message ids do nothing on another shop's host.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messageChannels, outboundMessages } from '../../src/db/tenant-schema';
import { sendWhatsapp } from '../../src/services/shop/channels/whatsapp-cloud';
import { whatsappVerifyToken } from '../../src/services/shop/channels/whatsapp-status';
import { channelAssociatedData } from '../../src/services/shop/messaging';
import { encryptionKeyFor, encryptSecret } from '../../src/tenancy/crypto';
import { get, testEnv } from '../support/worker/helpers';
import { statusWebhook, whatsappCredentials } from '../support/worker/messaging';
import { shop } from '../support/worker/shop';

/** A shop with its WhatsApp channel set up (credentials sealed as the channel settings seal them) and one sent message. */
async function whatsappShop(options: { sealVerifyToken?: boolean } = {}) {
  const s = await shop('owner');
  const credentials = whatsappCredentials();
  const key = await encryptionKeyFor(testEnv.ENCRYPTION_KEY);
  const sealed = await encryptSecret(
    key,
    JSON.stringify({
      token: credentials.token,
      appSecret: credentials.appSecret,
      ...(options.sealVerifyToken === false ? {} : { verifyToken: credentials.verifyToken }),
    }),
    channelAssociatedData(s.tenant.id, 'whatsapp'),
  );
  await s.db.insert(messageChannels).values({
    kind: 'whatsapp',
    enabled: true,
    sealedCredentials: sealed,
    display: '+1 809 555 0100',
    settings: { phoneNumberId: credentials.phoneNumberId },
  });
  const message = await sentMessage(s, credentials);
  return { ...s, credentials, message };
}

type WhatsappShop = Awaited<ReturnType<typeof shop>>;

/** An outbound message the stand-in accepted, marked sent with its wamid as the send job marks it. */
async function sentMessage(s: WhatsappShop, credentials: ReturnType<typeof whatsappCredentials>) {
  const { providerMessageId } = await sendWhatsapp(
    { apiUrl: testEnv.WHATSAPP_API_URL, phoneNumberId: credentials.phoneNumberId, token: credentials.token },
    { to: '18095551234', text: 'Sus lentes están listos', idempotencyKey: crypto.randomUUID() },
  );
  const [row] = await s.db
    .insert(outboundMessages)
    .values({
      idempotencyKey: crypto.randomUUID(),
      event: 'lab_order.stage_entered',
      channel: 'whatsapp',
      recipient: '18095551234',
      body: 'Sus lentes están listos',
      status: 'sent',
      providerMessageId,
      sentAt: new Date(),
    })
    .returning();
  return row!;
}

function post(host: string, body: string, signature?: string) {
  return get(host, '/hooks/whatsapp', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(signature ? { 'X-Hub-Signature-256': signature } : {}) },
    body,
  });
}

async function stateOf(s: WhatsappShop, id: string) {
  const [row] = await s.db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
  return row!;
}

async function deliver(
  s: Awaited<ReturnType<typeof whatsappShop>>,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  messageId = s.message.providerMessageId!,
  errors?: Array<{ code: number; title: string }>,
) {
  const hook = await statusWebhook({ messageId, status, appSecret: s.credentials.appSecret, errors });
  return post(s.host, hook.body, hook.signature);
}

describe('GET /hooks/whatsapp (subscription)', () => {
  it("echoes the challenge for the shop's own verify token only", async () => {
    const a = await whatsappShop();
    const b = await whatsappShop();
    const handshake = (host: string, token: string) =>
      get(
        host,
        `/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
      );
    const ok = await handshake(a.host, a.credentials.verifyToken);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await handshake(a.host, `${a.credentials.verifyToken}x`)).status).toBe(403);
    expect((await handshake(a.host, b.credentials.verifyToken)).status).toBe(403);
    expect(
      (
        await get(
          a.host,
          `/hooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${a.credentials.verifyToken}&hub.challenge=1`,
        )
      ).status,
    ).toBe(403);
    // A shop without a WhatsApp channel has no token to match.
    const none = await shop('owner');
    expect((await handshake(none.host, '')).status).toBe(403);
  });
});

describe('the verify token without one sealed', () => {
  it("is derived per shop: the shop's own works, another shop's does not", async () => {
    const a = await whatsappShop({ sealVerifyToken: false });
    const b = await whatsappShop({ sealVerifyToken: false });
    const tokenA = await whatsappVerifyToken({ db: a.db, tenant: a.tenant, env: testEnv });
    const tokenB = await whatsappVerifyToken({ db: b.db, tenant: b.tenant, env: testEnv });
    expect(tokenA).toMatch(/^[0-9a-f]{32}$/);
    expect(tokenB).not.toBe(tokenA);
    const handshake = (host: string, token: string) =>
      get(host, `/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`);
    expect((await handshake(a.host, tokenA!)).status).toBe(200);
    expect((await handshake(a.host, tokenB!)).status).toBe(403);
    // A sealed token wins over the derived one.
    const sealed = await whatsappShop();
    expect(await whatsappVerifyToken({ db: sealed.db, tenant: sealed.tenant, env: testEnv })).toBe(
      sealed.credentials.verifyToken,
    );
  });
});

describe('POST /hooks/whatsapp (statuses)', () => {
  it('moves a message sent -> delivered -> read, and a late or repeated status changes nothing', async () => {
    const s = await whatsappShop();
    const delivered = await deliver(s, 'delivered');
    expect(delivered.status).toBe(200);
    expect(await delivered.json()).toEqual({ received: true, changed: 1 });
    const afterDelivered = await stateOf(s, s.message.id);
    expect(afterDelivered.status).toBe('delivered');
    expect(afterDelivered.deliveredAt).not.toBeNull();
    expect(afterDelivered.readAt).toBeNull();

    expect(await (await deliver(s, 'read')).json()).toEqual({ received: true, changed: 1 });
    for (const late of ['delivered', 'sent', 'read', 'failed'] as const)
      expect(await (await deliver(s, late)).json()).toEqual({ received: true, changed: 0 });
    const final = await stateOf(s, s.message.id);
    expect(final.status).toBe('read');
    expect(final.readAt).not.toBeNull();
    expect(final.deliveredAt).toEqual(afterDelivered.deliveredAt);
    expect(final.failedAt).toBeNull();
  });

  it('read and delivered arriving at the same moment end at read', async () => {
    const s = await whatsappShop();
    const responses = await Promise.all([deliver(s, 'read'), deliver(s, 'delivered'), deliver(s, 'read')]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const row = await stateOf(s, s.message.id);
    expect(row.status).toBe('read');
    expect(row.deliveredAt).not.toBeNull();
  });

  it('a failure (131047) marks the message failed with a reason that asks for a template', async () => {
    const s = await whatsappShop();
    await deliver(s, 'failed', undefined, [{ code: 131047, title: 'Re-engagement message' }]);
    const row = await stateOf(s, s.message.id);
    expect(row.status).toBe('failed');
    expect(row.failedAt).not.toBeNull();
    expect(row.reason).toMatch(/plantilla aprobada/);
  });

  it("a tampered byte, a missing or malformed signature, or another shop's secret: 401 and nothing changes", async () => {
    const a = await whatsappShop();
    const b = await whatsappShop();
    const hook = await statusWebhook({
      messageId: a.message.providerMessageId!,
      status: 'read',
      appSecret: a.credentials.appSecret,
    });
    const tampered = hook.body.replace('"read"', '"reae"');
    expect(tampered).not.toBe(hook.body);
    expect((await post(a.host, tampered, hook.signature)).status).toBe(401);
    expect((await post(a.host, hook.body)).status).toBe(401);
    expect((await post(a.host, hook.body, hook.signature.replace('sha256=', 'sha1='))).status).toBe(401);
    const flipped = hook.signature.slice(0, -1) + (hook.signature.endsWith('0') ? '1' : '0');
    expect((await post(a.host, hook.body, flipped)).status).toBe(401);
    const signedByB = await statusWebhook({
      messageId: a.message.providerMessageId!,
      status: 'read',
      appSecret: b.credentials.appSecret,
    });
    expect((await post(a.host, signedByB.body, signedByB.signature)).status).toBe(401);
    expect((await stateOf(a, a.message.id)).status).toBe('sent');
    // The untouched body and its signature do go through: the refusals above were the tampering.
    expect((await post(a.host, hook.body, hook.signature)).status).toBe(200);
    expect((await stateOf(a, a.message.id)).status).toBe('read');
  });

  it("another shop's message id is not touched from this shop's host", async () => {
    const a = await whatsappShop();
    const b = await whatsappShop();
    // Signed with A's secret and about A's phone number, naming B's message: A has no such message.
    const hook = await statusWebhook({
      messageId: b.message.providerMessageId!,
      status: 'read',
      appSecret: a.credentials.appSecret,
      phoneNumberId: a.credentials.phoneNumberId,
    });
    const response = await post(a.host, hook.body, hook.signature);
    expect(await response.json()).toEqual({ received: true, changed: 0 });
    expect((await stateOf(b, b.message.id)).status).toBe('sent');
    // A status about another phone number id, even signed with this shop's secret, is ignored.
    const otherNumber = await statusWebhook({
      messageId: a.message.providerMessageId!,
      status: 'read',
      appSecret: a.credentials.appSecret,
      phoneNumberId: b.credentials.phoneNumberId,
    });
    expect(await (await post(a.host, otherNumber.body, otherNumber.signature)).json()).toEqual({
      received: true,
      changed: 0,
    });
    expect((await stateOf(a, a.message.id)).status).toBe('sent');
  });

  it('a shop without a WhatsApp channel refuses every status (401)', async () => {
    const s = await shop('owner');
    const hook = await statusWebhook({
      messageId: 'wamid.x',
      status: 'read',
      appSecret: 'anything',
      phoneNumberId: '1',
    });
    expect((await post(s.host, hook.body, hook.signature)).status).toBe(401);
  });
});
