import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, contacts, messageChannels, outboundMessages } from '../../src/db/tenant-schema';
import { channelAssociatedData, channelCredentials } from '../../src/services/shop/messaging';
import { decryptSecret, encryptionKeyFor } from '../../src/tenancy/crypto';
import { countRoundTrips, get, postForm, testEnv } from '../support/worker/helpers';
import { emailCredentials, whatsappCredentials } from '../support/worker/messaging';
import { colleague, shop, type Shop } from '../support/worker/shop';

function database(s: Shop) {
  return `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
}

async function page(s: Shop, path: string, cookie = s.cookie) {
  const response = await get(s.host, path, { headers: { Cookie: cookie }, redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

/** A shop whose owner set both channels, made the default templates and one automation, through the pages. */
async function configured() {
  const s = await shop('owner');
  const whatsapp = whatsappCredentials();
  const email = emailCredentials();
  const cookie = { Cookie: s.cookie };
  expect(
    (
      await postForm(
        s.host,
        '/settings/messages/channels/whatsapp',
        {
          phoneNumberId: whatsapp.phoneNumberId,
          token: whatsapp.token,
          appSecret: whatsapp.appSecret,
          verifyToken: whatsapp.verifyToken,
          language: 'es',
          enabled: 'on',
        },
        cookie,
      )
    ).status,
  ).toBe(303);
  expect(
    (
      await postForm(
        s.host,
        '/settings/messages/channels/email',
        { apiKey: email.apiKey, from: 'avisos@optica.test', enabled: 'on' },
        cookie,
      )
    ).status,
  ).toBe(303);
  expect((await postForm(s.host, '/settings/messages/templates/defaults', {}, cookie)).headers.get('location')).toBe(
    '/settings/messages?defaults=16',
  );
  const templates = await s.db.query.messageTemplates.findMany();
  const template = templates.find((row) => row.event === 'lab_order.stage_entered' && row.channel === 'whatsapp')!;
  const created = await postForm(
    s.host,
    '/settings/messages/automations',
    { name: 'Lentes listos', event: 'lab_order.stage_entered', templateId: template.id, channel: 'whatsapp' },
    cookie,
  );
  expect(created.status).toBe(303);
  const [automation] = await s.db.query.automations.findMany();
  const [message] = await s.db
    .insert(outboundMessages)
    .values({
      idempotencyKey: `x|whatsapp|18095550199`,
      event: 'invoice.issued',
      channel: 'whatsapp',
      recipient: '18095550199',
      body: 'Hola',
      automationId: automation!.id,
    })
    .returning();
  return { s, whatsapp, email, template, automation: automation!, message: message! };
}

describe('messaging: sealed credentials and isolation', () => {
  it('secrets never come back in a page, a blank field keeps them, and they do not open under another tenant', async () => {
    const { s, whatsapp, email } = await configured();
    for (const path of [
      '/settings/messages',
      '/settings/messages/channels/whatsapp',
      '/settings/messages/channels/email',
      '/messages',
    ]) {
      const { status, body } = await page(s, path);
      expect(status).toBe(200);
      for (const secret of [whatsapp.token, whatsapp.appSecret, whatsapp.verifyToken, email.apiKey])
        expect(body).not.toContain(secret);
    }
    const settingsPage = (await page(s, '/settings/messages')).body;
    expect(settingsPage).toContain(`••••${whatsapp.token.slice(-4)}`);
    expect(settingsPage).toContain(`••••${email.apiKey.slice(-4)}`);

    // A refused form does not echo the token it carried either.
    const refused = await postForm(
      s.host,
      '/settings/messages/channels/whatsapp',
      { phoneNumberId: 'not digits', token: 'EAAG-typed-secret-value' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).not.toContain('EAAG-typed-secret-value');

    // Saved again without re-typing the token: the stored one stays.
    const kept = await postForm(
      s.host,
      '/settings/messages/channels/whatsapp',
      { phoneNumberId: whatsapp.phoneNumberId, token: '', appSecret: '', enabled: 'on' },
      { Cookie: s.cookie },
    );
    expect(kept.status).toBe(303);
    const ctx = { db: s.db, env: testEnv, tenant: s.tenant };
    expect((await channelCredentials(ctx, 'whatsapp'))!.credentials).toEqual({
      token: whatsapp.token,
      appSecret: whatsapp.appSecret,
      verifyToken: whatsapp.verifyToken,
    });

    const rows = await s.db.select().from(messageChannels);
    expect(rows).toHaveLength(2);
    const key = await encryptionKeyFor(testEnv.ENCRYPTION_KEY);
    for (const row of rows) {
      expect(row.sealedCredentials).not.toContain(row.kind === 'whatsapp' ? whatsapp.token : email.apiKey);
      await expect(
        decryptSecret(key, row.sealedCredentials, channelAssociatedData(s.tenant.id, row.kind)),
      ).resolves.toContain('"');
      // Bound to the tenant: another shop's id (or the other channel) does not open it.
      await expect(
        decryptSecret(key, row.sealedCredentials, channelAssociatedData(crypto.randomUUID(), row.kind)),
      ).rejects.toThrow();
      await expect(
        decryptSecret(
          key,
          row.sealedCredentials,
          channelAssociatedData(s.tenant.id, row.kind === 'whatsapp' ? 'email' : 'whatsapp'),
        ),
      ).rejects.toThrow();
    }
  });

  it("another shop cannot open, change or see a shop's templates, automations or messages; only owners and admins manage", async () => {
    const a = await configured();
    const b = await shop('owner');
    expect((await page(b, `/settings/messages/templates/${a.template.id}`)).status).toBe(404);
    expect(
      (await postForm(b.host, `/settings/messages/templates/${a.template.id}/archive`, {}, { Cookie: b.cookie }))
        .status,
    ).toBe(404);
    expect(
      (
        await postForm(
          b.host,
          `/settings/messages/automations/${a.automation.id}/toggle`,
          { enabled: 'false' },
          { Cookie: b.cookie },
        )
      ).status,
    ).toBe(404);
    const bSettings = (await page(b, '/settings/messages')).body;
    expect(bSettings).not.toContain(a.template.name);
    expect(bSettings).not.toContain('Lentes listos');
    expect(bSettings).not.toContain(a.whatsapp.phoneNumberId);
    const bLog = (await page(b, `/messages?automationId=${a.automation.id}`)).body;
    expect(bLog).not.toContain(a.message.recipient);
    // A's session is nothing on B's host.
    expect((await page(b, '/settings/messages', a.s.cookie)).status).not.toBe(200);
    // A's own log shows it, by its automation.
    expect((await page(a.s, `/messages?automationId=${a.automation.id}`)).body).toContain(a.message.recipient);
    // The template and automation are untouched.
    expect((await a.s.db.query.automations.findMany())[0]!.enabled).toBe(true);

    const seller = await colleague(a.s, 'ventas');
    expect((await page(a.s, '/settings/messages', seller.cookie)).status).toBe(403);
    expect((await page(a.s, '/messages', seller.cookie)).status).toBe(403);
    expect(
      (
        await postForm(
          a.s.host,
          '/settings/messages/channels/email',
          { apiKey: 're_x', from: 'x@y.test' },
          { Cookie: seller.cookie },
        )
      ).status,
    ).toBe(403);
  });

  it('consent and opt-out from the contact page, recorded with who did it; another shop cannot touch them', async () => {
    const s = await shop('owner');
    const other = await shop('owner');
    const [person] = await s.db.insert(contacts).values({ name: 'Carla', mobile: '8095550123' }).returning();
    const path = `/contacts/${person!.id}`;
    const read = async () => (await s.db.select().from(contacts).where(eq(contacts.id, person!.id)))[0]!;
    expect((await postForm(s.host, `${path}/messaging`, { whatsappConsent: 'on' }, { Cookie: s.cookie })).status).toBe(
      303,
    );
    expect([(await read()).whatsappConsent, (await read()).emailConsent]).toEqual([true, false]);
    expect((await postForm(s.host, `${path}/messaging`, { emailConsent: 'on' }, { Cookie: s.cookie })).status).toBe(
      303,
    );
    expect([(await read()).whatsappConsent, (await read()).emailConsent]).toEqual([false, true]);
    expect((await postForm(other.host, `${path}/messaging/opt-out`, {}, { Cookie: other.cookie })).status).toBe(404);
    expect((await read()).optedOutAt).toBeNull();
    expect((await postForm(s.host, `${path}/messaging/opt-out`, {}, { Cookie: s.cookie })).status).toBe(303);
    expect((await read()).optedOutAt).not.toBeNull();
    expect((await page(s, path)).body).toContain('Pidió no recibir mensajes desde');
    const entries = await s.db.select().from(auditLog).where(eq(auditLog.action, 'contact.optedOut'));
    expect(entries.map((entry) => [entry.actor, entry.details])).toEqual([
      [`${s.user.name} (${s.email})`, { contactId: person!.id, optedOut: true }],
    ]);
    expect((await postForm(s.host, `${path}/messaging/opt-in`, {}, { Cookie: s.cookie })).status).toBe(303);
    expect((await read()).optedOutAt).toBeNull();
  });

  it('unknown variables are a 422 naming them; the no-JS preview renders sample data; pages take one round trip', async () => {
    const { s, template } = await configured();
    const bad = await postForm(
      s.host,
      `/settings/messages/templates/${template.id}`,
      {
        event: 'lab_order.stage_entered',
        channel: 'whatsapp',
        name: template.name,
        body: 'Hola {{cliente.nombre}} {{factura.numero}} {{nada}}',
      },
      { Cookie: s.cookie },
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Variables desconocidas para este evento: factura.numero, nada');
    const preview = await postForm(
      s.host,
      '/settings/messages/templates',
      {
        event: 'lab_order.stage_entered',
        channel: 'whatsapp',
        name: 'Vista',
        body: 'Hola {{cliente.nombre}}, orden {{orden.numero}}',
        preview: '1',
      },
      { Cookie: s.cookie },
    );
    expect(preview.status).toBe(200);
    expect(await preview.text()).toContain('Hola María Pérez, orden LAB-000123');
    expect(await s.db.query.messageTemplates.findMany()).toHaveLength(16);
    // A test send: the e-mail template to the user's own address, sample data, marked as a test, no consent asked.
    const emailTemplate = (await s.db.query.messageTemplates.findMany()).find(
      (row) => row.event === 'payment.received' && row.channel === 'email',
    )!;
    const tested = await postForm(
      s.host,
      `/settings/messages/templates/${emailTemplate.id}/test`,
      {},
      { Cookie: s.cookie },
    );
    expect(tested.status).toBe(303);
    const [testMessage] = await s.db.query.outboundMessages.findMany({ where: (row, { eq }) => eq(row.isTest, true) });
    // (the queue may already have sent it: status is not asserted)
    expect([testMessage!.recipient, testMessage!.subject, testMessage!.contactId]).toEqual([
      s.email,
      'Recibo REC-000045 de Óptica Demo',
      null,
    ]);
    // WhatsApp needs the user's number: none typed is a 422 on the form.
    const noPhone = await postForm(
      s.host,
      `/settings/messages/templates/${template.id}/test`,
      { phone: '' },
      { Cookie: s.cookie },
    );
    expect(noPhone.status).toBe(422);
    for (const path of [
      '/settings/messages',
      `/settings/messages/templates/${template.id}`,
      '/messages',
      '/settings/messages/channels/email',
    ]) {
      const trips = await countRoundTrips(database(s), () => page(s, path));
      expect({ path, trips }).toEqual({ path, trips: 1 });
    }
  });
});
