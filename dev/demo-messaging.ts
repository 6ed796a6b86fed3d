/**
 * Development only: the demo shop's WhatsApp and e-mail channels point at the messaging stand-in
 * (WHATSAPP_API_URL / EMAIL_API_URL of `npm run dev`) with made-up credentials, sealed as real ones
 * are, so what its automations send can be read on the stand-in's page. A channel the developer has
 * already set up is left alone.
 */
import type { TenantDb } from '../src/db/client';
import { type MessageChannelKind, messageChannels } from '../src/db/tenant-schema';
import { channelAssociatedData } from '../src/services/shop/messaging';
import { encryptionKeyFor, encryptSecret } from '../src/tenancy/crypto';

/** The demo's phone number id: the stand-in page filters by it. */
export const demoPhoneNumberId = '109876543210001';
/** What the stand-in signs the demo's status webhooks with. */
export const demoWhatsappAppSecret = 'demo-app-secret';

const demoChannels: Record<
  MessageChannelKind,
  { credentials: object; display: string; settings: Record<string, string> }
> = {
  whatsapp: {
    credentials: { token: 'EAAGdemo-local-token', appSecret: demoWhatsappAppSecret, verifyToken: 'demo-verify-token' },
    display: '+1 809 555 0100',
    settings: { phoneNumberId: demoPhoneNumberId },
  },
  email: {
    credentials: { apiKey: 're_demo_local_key' },
    display: 'avisos@opticademo.test',
    settings: { from: 'avisos@opticademo.test', fromName: 'Óptica Demo' },
  },
};

/** Returns the channels it set up (none when both were there). */
export async function ensureDemoChannels(
  db: TenantDb,
  options: { tenantId: string; env: { ENCRYPTION_KEY: string } },
): Promise<MessageChannelKind[]> {
  const key = await encryptionKeyFor(options.env.ENCRYPTION_KEY);
  const added: MessageChannelKind[] = [];
  for (const [kind, channel] of Object.entries(demoChannels) as Array<
    [MessageChannelKind, (typeof demoChannels)['email']]
  >) {
    const sealedCredentials = await encryptSecret(
      key,
      JSON.stringify(channel.credentials),
      channelAssociatedData(options.tenantId, kind),
    );
    const inserted = await db
      .insert(messageChannels)
      .values({ kind, enabled: true, sealedCredentials, display: channel.display, settings: channel.settings })
      .onConflictDoNothing()
      .returning({ kind: messageChannels.kind });
    if (inserted.length) added.push(kind);
  }
  return added;
}
