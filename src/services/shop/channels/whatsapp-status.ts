/**
 * WhatsApp's status webhooks on each shop host (Cloud API "Webhooks": the GET subscription
 * handshake with the verify token, then POSTs of `statuses` signed X-Hub-Signature-256 with the
 * app secret). The secret and the verify token are the shop's, from its sealed channel credentials.
 */
import { AppError } from '../../../errors';
import { t } from '../../../i18n/es-DO';
import { type WhatsappStatusUpdate, whatsappStatusUpdate } from '../../../queries/whatsapp-status';
import type { ShopContext } from '../context';
import { channelCredentials } from '../messaging';

type HookContext = Pick<ShopContext, 'db' | 'tenant' | 'env'>;

export const whatsappHooksPath = '/hooks/whatsapp';

/**
 * The verify token to paste in Meta's webhook settings beside `https://<shop host>/hooks/whatsapp`:
 * the one sealed with the channel's credentials, or else one derived from the platform key and the
 * shop's id (a shop never needs to make one up; it changes if ENCRYPTION_KEY is rotated). Null
 * when the shop has no WhatsApp channel.
 */
export async function whatsappVerifyToken(ctx: HookContext): Promise<string | null> {
  const channel = await channelCredentials(ctx, 'whatsapp');
  if (!channel) return null;
  const sealed = (channel.credentials as { verifyToken?: string | null }).verifyToken;
  if (sealed) return sealed;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(ctx.env.ENCRYPTION_KEY),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`whatsapp-verify-token:${ctx.tenant.id}`));
  return [...new Uint8Array(mac).slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The subscription handshake: the challenge when the token is the shop's, else 403. */
export async function verifyWhatsappSubscription(
  ctx: HookContext,
  query: { mode?: string; verifyToken?: string; challenge?: string },
): Promise<string> {
  const expected = await whatsappVerifyToken(ctx);
  const challenge = query.challenge ?? '';
  if (
    query.mode !== 'subscribe' ||
    !expected ||
    !query.verifyToken ||
    !(await sameSecret(query.verifyToken, expected)) ||
    !/^[\w-]{1,128}$/.test(challenge)
  )
    throw new AppError('forbidden', t('whatsappHooks.badVerifyToken'));
  return challenge;
}

/**
 * A status webhook: verified against the shop's app secret (401 and nothing changed otherwise),
 * then each status applied to the shop's own message with that provider id, never backwards.
 * Returns how many messages changed.
 */
export async function receiveWhatsappStatuses(
  ctx: HookContext,
  input: { body: Uint8Array<ArrayBuffer>; signature: string | undefined },
): Promise<number> {
  const channel = await channelCredentials(ctx, 'whatsapp');
  const secret = channel?.credentials.appSecret;
  if (!secret || !(await validSignature(secret, input.body, input.signature)))
    throw new AppError('unauthorized', t('whatsappHooks.badSignature'));
  const updates = statusUpdates(new TextDecoder().decode(input.body), channel.settings.phoneNumberId);
  if (!updates.length) return 0;
  const [first, ...rest] = updates.map((update) => whatsappStatusUpdate(ctx.db, update));
  const results = await ctx.db.batch([first!, ...rest]);
  return results.reduce((changed, result) => changed + result.rows.length, 0);
}

async function validSignature(secret: string, body: Uint8Array<ArrayBuffer>, header: string | undefined) {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!hex) return false;
  const signature = new Uint8Array(hex.match(/../g)!.map((byte) => Number.parseInt(byte, 16)));
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // HMAC verify compares in constant time.
  return crypto.subtle.verify('HMAC', key, signature, body);
}

/** Compares two secrets without revealing where they differ: the HMACs of both under a fresh key. */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const key = (await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKey;
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(a));
  return crypto.subtle.verify('HMAC', key, mac, new TextEncoder().encode(b));
}

interface StatusEntry {
  id?: unknown;
  status?: unknown;
  timestamp?: unknown;
  errors?: Array<{ code?: unknown; title?: unknown; message?: unknown; error_data?: { details?: unknown } }>;
}

const deliveryStatuses = new Set(['sent', 'delivered', 'read', 'failed']);

/** The statuses of the webhook that are about the shop's own phone number (others are ignored). */
function statusUpdates(text: string, phoneNumberId: string | undefined): WhatsappStatusUpdate[] {
  let payload: { entry?: Array<{ changes?: Array<{ field?: unknown; value?: unknown }> }> };
  try {
    payload = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', t('whatsappHooks.badPayload'));
  }
  const updates: WhatsappStatusUpdate[] = [];
  for (const entry of Array.isArray(payload?.entry) ? payload.entry : [])
    for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
      const value = change?.value as { metadata?: { phone_number_id?: unknown }; statuses?: StatusEntry[] } | undefined;
      if (change?.field !== 'messages' || !value || !Array.isArray(value.statuses)) continue;
      if (phoneNumberId && String(value.metadata?.phone_number_id ?? '') !== phoneNumberId) continue;
      for (const status of value.statuses) {
        if (typeof status?.id !== 'string' || !deliveryStatuses.has(String(status.status))) continue;
        const seconds = Number(status.timestamp);
        const error = status.errors?.[0];
        updates.push({
          providerMessageId: status.id.slice(0, 256),
          status: status.status as WhatsappStatusUpdate['status'],
          at: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(),
          reason:
            status.status === 'failed'
              ? t(error?.code === 131047 ? 'whatsappHooks.failed131047' : 'whatsappHooks.failed', {
                  code: String(error?.code ?? '?'),
                  detail: String(error?.error_data?.details ?? error?.message ?? error?.title ?? '').slice(0, 300),
                })
              : null,
        });
      }
    }
  return updates.slice(0, 100);
}
