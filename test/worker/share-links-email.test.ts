import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/auth/session';
import { contacts, outboundMessages, shareLinks } from '../../src/db/tenant-schema';
import type { ShopContext } from '../../src/services/shop/context';
import { sendMessage } from '../../src/services/shop/messaging';
import { saveEmailChannel } from '../../src/services/shop/messaging-settings';
import { documentsShop, insertQuotation } from '../support/worker/documents';
import { get, postForm, tenantContext, testEnv } from '../support/worker/helpers';
import { emailCredentials, receivedMessages } from '../support/worker/messaging';

type DocShop = Awaited<ReturnType<typeof documentsShop>>;

async function shopContextOf(s: DocShop): Promise<ShopContext> {
  const context = await tenantContext(s.tenant.id);
  const actor = { id: s.user.id, role: 'owner', name: 'Dueña', shopName: 'Óptica Visión Clara', branches: [] };
  return { ...context, env: testEnv, requestId: 'test', actor: actor as unknown as SessionUser };
}

async function quotationFor(s: DocShop, values: Partial<typeof contacts.$inferInsert> = {}) {
  const [customer] = await s.db
    .insert(contacts)
    .values({ name: 'Luisa María Castillo', email: `luisa.${crypto.randomUUID()}@example.com`, ...values })
    .returning();
  return {
    customer: customer!,
    quotation: await insertQuotation(s.db, { branchId: s.branch.id, customerId: customer!.id }),
  };
}

describe('share by e-mail', { timeout: 60_000 }, () => {
  it('sends a new link through the shop’s e-mail channel: the provider receives the message with a URL that opens', async () => {
    const s = await documentsShop();
    const ctx = await shopContextOf(s);
    const credentials = emailCredentials();
    await saveEmailChannel(ctx, { apiKey: credentials.apiKey, from: 'citas@visionclara.do', enabled: true } as never);
    const { customer, quotation } = await quotationFor(s);

    const page = await (
      await get(s.host, `/quotations/${quotation.id}/share-links`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(page).toContain(`Enviar por correo a ${customer.email}`);
    const response = await postForm(
      s.host,
      `/quotations/${quotation.id}/share-links/email`,
      { days: '3' },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`El correo con el enlace quedó en cola para ${customer.email}.`);

    const [link] = await s.db.select().from(shareLinks).where(eq(shareLinks.quotationId, quotation.id));
    const [message] = await s.db.select().from(outboundMessages).where(eq(outboundMessages.contactId, customer.id));
    expect(message!.channel).toBe('email');
    expect(message!.recipient).toBe(customer.email);
    expect(message!.status).toBe('queued');
    expect(message!.eventKey).toBe(`share_link.sent:${link!.id}`);
    expect(message!.subject).toContain(quotation.number);

    await sendMessage(ctx, message!.id);
    const received = await receivedMessages({ scope: credentials.apiKey, to: customer.email! });
    expect(received).toHaveLength(1);
    const text = JSON.stringify(received[0]);
    expect(text).toContain('Hola Luisa,');
    const token = /\/share\/([A-Za-z0-9_-]{43})/.exec(text)![1]!;
    const opened = await get(s.host, `/share/${token}`);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(quotation.number);
  });

  it('writes a skipped message with the reason when the channel is off, and has no button for an opted-out customer', async () => {
    const s = await documentsShop();
    const { customer, quotation } = await quotationFor(s);
    const response = await postForm(
      s.host,
      `/quotations/${quotation.id}/share-links/email`,
      { days: '7' },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('no está configurado o está desactivado');
    const [message] = await s.db.select().from(outboundMessages).where(eq(outboundMessages.contactId, customer.id));
    expect(message!.status).toBe('skipped');

    const optedOut = await quotationFor(s, { optedOutAt: new Date() });
    const page = await (
      await get(s.host, `/quotations/${optedOut.quotation.id}/share-links`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(page).not.toContain('Enviar por correo');
    expect(page).toContain('El cliente pidió no recibir mensajes.');

    const noEmail = await quotationFor(s, { email: null });
    const refused = await postForm(
      s.host,
      `/quotations/${noEmail.quotation.id}/share-links/email`,
      { days: '7' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('El cliente no tiene correo registrado.');
  });
});
