/**
 * The provider clients (src/services/shop/channels/) in workerd against the messaging stand-in the
 * test run started (WHATSAPP_API_URL, EMAIL_API_URL). Each test makes its own phone number id or
 * API key, which scopes both what the stand-in received and its fault switches.
 */
import { describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/services/shop/channels/channel-error';
import { sendEmail } from '../../src/services/shop/channels/resend-email';
import { sendWhatsapp } from '../../src/services/shop/channels/whatsapp-cloud';
import { testEnv } from '../support/worker/helpers';
import {
  emailCredentials,
  failNext,
  messagingStandinUrl,
  receivedMessages,
  standinRequests,
  whatsappCredentials,
} from '../support/worker/messaging';

function whatsapp(timeoutMs?: number) {
  const credentials = whatsappCredentials();
  return {
    ...credentials,
    config: {
      apiUrl: testEnv.WHATSAPP_API_URL,
      phoneNumberId: credentials.phoneNumberId,
      token: credentials.token,
      timeoutMs,
    },
  };
}

function email(timeoutMs?: number) {
  const { apiKey } = emailCredentials();
  return { apiKey, config: { apiUrl: testEnv.EMAIL_API_URL, apiKey, timeoutMs } };
}

async function channelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

const mail = {
  from: 'Óptica Central <avisos@opticacentral.com.do>',
  to: 'maria@example.com',
  subject: 'Sus lentes están listos',
  text: 'Hola María, sus lentes están listos para retirar.',
};

describe('sendWhatsapp', () => {
  it('sends a text and a template in the Cloud API shapes, and answers the wamid the stand-in kept', async () => {
    const s = whatsapp();
    const text = await sendWhatsapp(s.config, {
      to: '18095551234',
      text: 'Hola María, sus lentes están listos: https://demo.localhost/s/abc',
      idempotencyKey: 'lab_order.stage_entered:1/18095551234/whatsapp',
    });
    const template = await sendWhatsapp(s.config, {
      to: '+18295550000',
      template: { name: 'lentes_listos', language: 'es', parameters: ['María', 'https://demo.localhost/s/abc'] },
      idempotencyKey: 'k2',
    });
    expect(text.providerMessageId).toMatch(/^wamid\./);
    const received = await receivedMessages({ scope: s.phoneNumberId });
    expect(received.map((m) => m.id)).toEqual([text.providerMessageId, template.providerMessageId]);
    expect(received[0]).toMatchObject({
      channel: 'whatsapp',
      to: ['18095551234'],
      text: 'Hola María, sus lentes están listos: https://demo.localhost/s/abc',
      idempotencyKey: 'lab_order.stage_entered:1/18095551234/whatsapp',
    });
    expect(received[1]).toMatchObject({
      to: ['18295550000'],
      template: { name: 'lentes_listos', language: 'es', parameters: ['María', 'https://demo.localhost/s/abc'] },
    });
    expect(await receivedMessages({ scope: s.phoneNumberId, to: '18295550000' })).toHaveLength(1);
  });

  it('a 500 or a rate limit is retryable, and the retry sends the message once', async () => {
    const s = whatsapp();
    await failNext(s.phoneNumberId, { kind: 'status', status: 500 });
    await failNext(s.phoneNumberId, { kind: 'rate_limit' });
    const message = { to: '18095551234', text: 'Hola', idempotencyKey: 'k' };
    const first = await channelError(sendWhatsapp(s.config, message));
    expect(first).toMatchObject({ retryable: true, status: 500 });
    const second = await channelError(sendWhatsapp(s.config, message));
    expect(second).toMatchObject({ retryable: true, status: 429, code: '130429' });
    await sendWhatsapp(s.config, message);
    expect(await standinRequests(s.phoneNumberId)).toEqual([500, 429, 200]);
    expect(await receivedMessages({ scope: s.phoneNumberId })).toHaveLength(1);
  });

  it('an invalid token, a number outside the allowed list, an undeliverable number and a bad number are permanent', async () => {
    const s = whatsapp();
    const badToken = await channelError(
      sendWhatsapp({ ...s.config, token: 'invalid' }, { to: '18095551234', text: 'Hola', idempotencyKey: 'k' }),
    );
    expect(badToken).toMatchObject({ retryable: false, status: 401, code: '190' });
    expect(badToken.message).toMatch(/token/);
    for (const code of [131030, 131026]) {
      await failNext(s.phoneNumberId, { kind: 'whatsapp', code });
      const error = await channelError(
        sendWhatsapp(s.config, { to: '18095551234', text: 'Hola', idempotencyKey: 'k' }),
      );
      expect(error).toMatchObject({ retryable: false, status: 400, code: String(code) });
    }
    const badNumber = await channelError(sendWhatsapp(s.config, { to: '809-abc', text: 'Hola', idempotencyKey: 'k' }));
    expect(badNumber).toMatchObject({ retryable: false, status: 400, code: '100' });
    expect(await receivedMessages({ scope: s.phoneNumberId })).toEqual([]);
  });

  it('free text outside the 24-hour window (131047) is permanent and says a template is needed', async () => {
    const s = whatsapp();
    await failNext(s.phoneNumberId, { kind: 'whatsapp', code: 131047 });
    const error = await channelError(sendWhatsapp(s.config, { to: '18095551234', text: 'Hola', idempotencyKey: 'k' }));
    expect(error).toMatchObject({ retryable: false, code: '131047' });
    expect(error.message).toMatch(/template/);
  });

  it('a provider slower than the timeout, or one not listening, is a retryable error', async () => {
    const s = whatsapp(200);
    await failNext(s.phoneNumberId, { kind: 'slow', delayMs: 1_500 });
    const started = Date.now();
    const slow = await channelError(sendWhatsapp(s.config, { to: '18095551234', text: 'Hola', idempotencyKey: 'k' }));
    expect(slow).toMatchObject({ retryable: true, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_400);
    // Port 9 (discard) on loopback: nothing listens there.
    const down = await channelError(
      sendWhatsapp(
        { ...s.config, apiUrl: 'http://127.0.0.1:9/graph/v24.0' },
        { to: '18095551234', text: 'Hola', idempotencyKey: 'k' },
      ),
    );
    expect(down).toMatchObject({ retryable: true, code: 'network' });
  });

  it("one shop's fault switch does not reach another shop sending at the same moment", async () => {
    const a = whatsapp();
    const b = whatsapp();
    await failNext(a.phoneNumberId, { kind: 'status', status: 500 }, 3);
    const results = await Promise.allSettled(
      [a, b, a, b, a, b].map((s, i) =>
        sendWhatsapp(s.config, { to: `1809555000${i}`, text: `n${i}`, idempotencyKey: `k${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((await receivedMessages({ scope: b.phoneNumberId })).map((m) => m.text).sort()).toEqual(['n1', 'n3', 'n5']);
    expect(await receivedMessages({ scope: a.phoneNumberId })).toEqual([]);
  });
});

describe('sendEmail', () => {
  it('sends through Resend with the Idempotency-Key and answers its id', async () => {
    const s = email();
    const { providerMessageId } = await sendEmail(s.config, {
      ...mail,
      html: '<p>Hola María</p>',
      replyTo: 'caja@opticacentral.com.do',
      idempotencyKey: 'invoice.issued:1/maria@example.com/email',
    });
    const received = await receivedMessages({ scope: s.apiKey });
    expect(received).toEqual([
      expect.objectContaining({
        id: providerMessageId,
        channel: 'email',
        from: mail.from,
        to: ['maria@example.com'],
        replyTo: ['caja@opticacentral.com.do'],
        subject: mail.subject,
        text: mail.text,
        html: '<p>Hola María</p>',
        idempotencyKey: 'invoice.issued:1/maria@example.com/email',
      }),
    ]);
  });

  it('the same key sent five times at once is one e-mail with one id; without a key each send is another e-mail', async () => {
    const s = email();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        sendEmail(s.config, { ...mail, idempotencyKey: 'payment.received:7/maria/email' }),
      ),
    );
    expect(new Set(results.map((r) => r.providerMessageId)).size).toBe(1);
    expect(await receivedMessages({ scope: s.apiKey })).toHaveLength(1);
    // What the key guards: two plain POSTs without it are two e-mails.
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${testEnv.EMAIL_API_URL}/emails`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${s.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text }),
      });
      expect(response.status).toBe(200);
    }
    expect(await receivedMessages({ scope: s.apiKey })).toHaveLength(3);
  });

  it('the same key with another body is refused for good (409 invalid_idempotent_request)', async () => {
    const s = email();
    await sendEmail(s.config, { ...mail, idempotencyKey: 'k1' });
    const error = await channelError(sendEmail(s.config, { ...mail, subject: 'Otro asunto', idempotencyKey: 'k1' }));
    expect(error).toMatchObject({ retryable: false, status: 409, code: 'invalid_idempotent_request' });
    expect(await receivedMessages({ scope: s.apiKey })).toHaveLength(1);
  });

  it('a send that timed out on our side but went through is not sent twice by the retry', async () => {
    const s = email(200);
    await failNext(s.apiKey, { kind: 'slow', delayMs: 800 });
    const message = { ...mail, idempotencyKey: 'lab_order.stage_entered:9/maria/email' };
    const timedOut = await channelError(sendEmail(s.config, message));
    expect(timedOut).toMatchObject({ retryable: true, code: 'timeout' });
    // Retried while Resend still works on the first: 409 concurrent_idempotent_requests, retryable.
    const inFlight = await channelError(sendEmail(s.config, message));
    expect(inFlight).toMatchObject({ retryable: true, status: 409, code: 'concurrent_idempotent_requests' });
    await expect.poll(() => receivedMessages({ scope: s.apiKey }), { timeout: 5_000 }).toHaveLength(1);
    const [first] = await receivedMessages({ scope: s.apiKey });
    const retried = await sendEmail(s.config, message);
    expect(retried.providerMessageId).toBe(first!.id);
    expect(await receivedMessages({ scope: s.apiKey })).toHaveLength(1);
  });

  it("a 500 or 429 is retryable; a bad address or an unknown key is permanent with Resend's message", async () => {
    const s = email();
    await failNext(s.apiKey, { kind: 'status', status: 500 });
    await failNext(s.apiKey, { kind: 'rate_limit' });
    expect(await channelError(sendEmail(s.config, { ...mail, idempotencyKey: 'a' }))).toMatchObject({
      retryable: true,
      status: 500,
    });
    expect(await channelError(sendEmail(s.config, { ...mail, idempotencyKey: 'a' }))).toMatchObject({
      retryable: true,
      status: 429,
      code: 'rate_limit_exceeded',
    });
    const badAddress = await channelError(
      sendEmail(s.config, { ...mail, to: 'maria-sin-arroba', idempotencyKey: 'b' }),
    );
    expect(badAddress).toMatchObject({ retryable: false, status: 422, code: 'validation_error' });
    expect(badAddress.message).toMatch(/`to`/);
    const badKey = await channelError(
      sendEmail({ ...s.config, apiKey: 'not-a-resend-key' }, { ...mail, idempotencyKey: 'c' }),
    );
    expect(badKey).toMatchObject({ retryable: false, status: 403, code: 'invalid_api_key' });
    expect(await standinRequests(s.apiKey)).toEqual([500, 429, 422]);
    expect(await receivedMessages({ scope: s.apiKey })).toEqual([]);
  });
});

describe('the stand-in page', () => {
  it('lists what a phone number id received, newest first, escaped', async () => {
    const s = whatsapp();
    await sendWhatsapp(s.config, { to: '18095551234', text: 'primero <b>uno</b>', idempotencyKey: 'a' });
    await sendWhatsapp(s.config, { to: '18095551234', text: 'segundo', idempotencyKey: 'b' });
    const html = await (await fetch(`${messagingStandinUrl}/?scope=${s.phoneNumberId}`)).text();
    expect(html).toContain('primero &#60;b&#62;uno&#60;/b&#62;');
    expect(html.indexOf('segundo')).toBeLessThan(html.indexOf('primero'));
  });
});
