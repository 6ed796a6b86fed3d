/**
 * A local stand-in for the two providers the shops send messages through, for the tests and
 * `npm run dev`: WhatsApp Business Cloud API (Meta's Graph API) and Resend's e-mail API. One Node
 * HTTP server, everything in memory for the life of the process.
 *
 * What it follows (request and response shapes, error bodies and codes):
 * - WhatsApp Cloud API reference, "Messages" (developers.facebook.com/docs/whatsapp/cloud-api/reference/messages):
 *   POST /<version>/<PHONE_NUMBER_ID>/messages with `Authorization: Bearer <token>`, a body with
 *   messaging_product 'whatsapp', `to`, type 'text' (text.body, text.preview_url) or 'template'
 *   (template.name, template.language.code, components[{type:'body', parameters[{type:'text', text}]}]);
 *   200 {messaging_product, contacts:[{input, wa_id}], messages:[{id:'wamid.…'}]}. Graph errors
 *   are {error:{message, type, code, error_subcode?, fbtrace_id}}; the codes are those of "Error
 *   codes" (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes): 190 expired or
 *   invalid token (401), 100 invalid parameter (400), 131030 recipient not in the allowed list,
 *   131026 message undeliverable, 131047 re-engagement message (free text more than 24 h after the
 *   customer last wrote), 130429 / 131056 throughput and pair rate limits (429). Meta reports
 *   131026/131047 in the status webhook of an accepted message; the stand-in answers them on the
 *   request itself when a test asks, so a client's handling of both can be exercised.
 *   Graph API version: v24.0 (the current one as of 2026, quarterly releases, two years of support).
 * - Status webhooks ("Webhooks > messages", statuses[]): {object:'whatsapp_business_account',
 *   entry:[{id, changes:[{field:'messages', value:{messaging_product, metadata:{display_phone_number,
 *   phone_number_id}, statuses:[{id, status, timestamp, recipient_id, errors?}]}}]}]}, signed
 *   `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
 * - Resend "Send Email" (resend.com/docs/api-reference/emails/send-email): POST /emails with
 *   `Authorization: Bearer re_…`, {from, to (string or array), subject, text, html?, reply_to?};
 *   200 {id}. Errors (resend.com/docs/api-reference/errors) {statusCode, name, message}:
 *   missing_api_key 401, invalid_api_key 403, validation_error 422, rate_limit_exceeded 429,
 *   application_error 500. "Idempotency keys" (resend.com/docs/dashboard/emails/idempotency-keys):
 *   `Idempotency-Key` kept 24 h; same key and payload -> the first answer, no second e-mail; same
 *   key, another payload -> 409 invalid_idempotent_request; same key while the first is still in
 *   flight -> 409 concurrent_idempotent_requests; a key over 256 characters -> 400 invalid_idempotency_key.
 *
 * Paths: the Graph API under /graph (WHATSAPP_API_URL = <origin>/graph/v24.0), Resend under
 * /resend (EMAIL_API_URL = <origin>/resend), the control API under /_control (tests), and at /
 * a page listing what was received, newest first (what `npm run dev` prints).
 * Every fault switch is scoped to one phone number id or one API key, so test files that run side
 * by side never disturb each other.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { devPorts } from './ports';

export const graphVersion = 'v24.0';

export interface ReceivedMessage {
  /** wamid.… for WhatsApp, a UUID for e-mail: what the provider answered. */
  id: string;
  channel: 'whatsapp' | 'email';
  /** The phone number id (WhatsApp) or the API key (e-mail) it came through: one shop. */
  scope: string;
  to: string[];
  from?: string;
  replyTo?: string[];
  subject?: string;
  text?: string;
  html?: string;
  template?: { name: string; language: string; parameters: string[] };
  /** Resend's Idempotency-Key, or WhatsApp's biz_opaque_callback_data. */
  idempotencyKey?: string;
  receivedAt: string;
}

export type Fault =
  | { kind: 'status'; status: 500 | 503 }
  | { kind: 'rate_limit' }
  /** Holds the answer this long, then handles the request as usual (it was received, the client gave up). */
  | { kind: 'slow'; delayMs: number }
  /** A WhatsApp error code (131030, 131026, 131047, 100, 190, 130429, 131056). */
  | { kind: 'whatsapp'; code: number }
  | { kind: 'reset' };

export interface MessagingStandinControl {
  messages(filter?: { scope?: string; to?: string; channel?: 'whatsapp' | 'email' }): ReceivedMessage[];
  /** The next `count` requests of this phone number id or API key meet the fault. */
  failNext(scope: string, fault: Fault, count?: number): void;
  /** Requests of this scope and how each was answered (status codes), for retry tests. */
  requests(scope: string): Array<{ status: number; at: number }>;
  reset(scope?: string): void;
  /**
   * After each accepted WhatsApp message of this phone number id, POST its status webhooks (by
   * default 'sent' then 'delivered') to the shop's callback, as Meta does: `npm run dev` points the
   * demo shop's number at the demo host's /hooks/whatsapp.
   */
  statusCallback(phoneNumberId: string, callback: StatusCallback | null): void;
  /**
   * A status webhook for a message, signed with the app secret: returned (a worker test delivers it
   * itself), and POSTed to `callbackUrl` when one is given.
   */
  statusWebhook(options: StatusWebhookOptions): Promise<{ body: string; signature: string; delivered?: number }>;
}

export interface StatusWebhookOptions {
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  appSecret: string;
  phoneNumberId?: string;
  recipientId?: string;
  errors?: Array<{ code: number; title: string }>;
  callbackUrl?: string;
  /** The Host header of the callback (a shop host on 127.0.0.1 under `wrangler dev`). */
  callbackHost?: string;
}

export interface StatusCallback {
  url: string;
  host?: string;
  appSecret: string;
  statuses?: Array<'sent' | 'delivered' | 'read'>;
  delayMs?: number;
}

export interface MessagingStandin {
  url: string;
  control: MessagingStandinControl;
  close(): Promise<void>;
}

/** Meta's wording for the codes the stand-in answers (Cloud API "Error codes"). */
const whatsappErrors: Record<number, { status: number; message: string; type?: string }> = {
  100: { status: 400, message: '(#100) Invalid parameter' },
  190: { status: 401, message: 'Error validating access token: Session has expired or is invalid' },
  130429: { status: 429, message: '(#130429) Rate limit hit' },
  131026: { status: 400, message: '(#131026) Message undeliverable' },
  131030: { status: 400, message: '(#131030) Recipient phone number not in allowed list' },
  131047: {
    status: 400,
    message:
      '(#131047) Re-engagement message: more than 24 hours have passed since the recipient last replied to the sender number',
  },
  131056: { status: 429, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' },
};

const idempotencyTtlMs = 24 * 3_600_000;

export async function startMessagingStandin(
  options: { port?: number; host?: string; log?: (line: string) => void } = {},
): Promise<MessagingStandin> {
  const log = options.log ?? (() => {});
  const received: ReceivedMessage[] = [];
  const faults = new Map<string, Fault[]>();
  const requestLog = new Map<string, Array<{ status: number; at: number }>>();
  /** Resend idempotency: `${apiKey}\n${key}` -> the payload's hash and the answer (or in flight). */
  const idempotency = new Map<string, { hash: string; at: number; answer?: Answer }>();
  const callbacks = new Map<string, StatusCallback>();

  const control: MessagingStandinControl = {
    messages(filter = {}) {
      return received
        .filter(
          (m) =>
            (!filter.scope || m.scope === filter.scope) &&
            (!filter.channel || m.channel === filter.channel) &&
            (!filter.to || m.to.includes(filter.to)),
        )
        .map((m) => ({ ...m }));
    },
    failNext(scope, fault, count = 1) {
      const list = faults.get(scope) ?? [];
      for (let i = 0; i < count; i++) list.push(fault);
      faults.set(scope, list);
    },
    requests(scope) {
      return [...(requestLog.get(scope) ?? [])];
    },
    reset(scope) {
      if (!scope) {
        received.length = 0;
        faults.clear();
        requestLog.clear();
        idempotency.clear();
        callbacks.clear();
        return;
      }
      received.splice(0, received.length, ...received.filter((m) => m.scope !== scope));
      faults.delete(scope);
      requestLog.delete(scope);
      for (const key of idempotency.keys()) if (key.startsWith(`${scope}\n`)) idempotency.delete(key);
      callbacks.delete(scope);
    },
    statusCallback(phoneNumberId, callback) {
      if (callback) callbacks.set(phoneNumberId, callback);
      else callbacks.delete(phoneNumberId);
    },
    async statusWebhook(options) {
      const message = received.find((m) => m.id === options.messageId);
      const phoneNumberId = options.phoneNumberId ?? message?.scope ?? '0';
      const payload = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: `waba-${phoneNumberId}`,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '18095550100', phone_number_id: phoneNumberId },
                  statuses: [
                    {
                      id: options.messageId,
                      status: options.status,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      recipient_id: options.recipientId ?? message?.to[0] ?? '',
                      ...(options.errors ? { errors: options.errors } : {}),
                    },
                  ],
                },
              },
            ],
          },
        ],
      };
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', options.appSecret).update(body).digest('hex')}`;
      if (!options.callbackUrl) return { body, signature };
      const delivered = await postJson(options.callbackUrl, body, {
        'X-Hub-Signature-256': signature,
        ...(options.callbackHost ? { Host: options.callbackHost } : {}),
      });
      log(`status webhook ${options.status} ${options.messageId} -> ${options.callbackUrl}: ${delivered}`);
      return { body, signature, delivered };
    },
  };

  async function reportStatuses(message: ReceivedMessage, callback: StatusCallback) {
    for (const status of callback.statuses ?? ['sent', 'delivered']) {
      await new Promise((resolve) => setTimeout(resolve, callback.delayMs ?? 500));
      try {
        await control.statusWebhook({
          messageId: message.id,
          status,
          appSecret: callback.appSecret,
          callbackUrl: callback.url,
          callbackHost: callback.host,
        });
      } catch (error) {
        log(`status webhook to ${callback.url} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  function takeFault(scope: string): Fault | undefined {
    const list = faults.get(scope);
    const fault = list?.shift();
    if (list && !list.length) faults.delete(scope);
    return fault;
  }

  function record(scope: string, status: number) {
    const list = requestLog.get(scope) ?? [];
    if (list.length >= 10_000) list.splice(0, 1_000);
    list.push({ status, at: Date.now() });
    requestLog.set(scope, list);
  }

  function keep(message: ReceivedMessage) {
    if (received.length >= 50_000) received.splice(0, 5_000);
    received.push(message);
  }

  async function whatsappSend(req: IncomingMessage, phoneNumberId: string): Promise<Answer> {
    const token = bearer(req);
    if (!token) return graphError(190, 'An access token is required to request this resource.');
    const fault = takeFault(phoneNumberId);
    if (fault) {
      const answer = await faultAnswer(fault, 'whatsapp', req);
      if (answer) return answer;
    }
    if (token === 'invalid') return graphError(190);
    let body: Record<string, unknown>;
    try {
      body = (await readJson(req)) as Record<string, unknown>;
    } catch {
      return graphError(100, '(#100) The request body is not valid JSON');
    }
    if (body.messaging_product !== 'whatsapp')
      return graphError(100, '(#100) The parameter messaging_product is required.');
    const to = typeof body.to === 'string' ? body.to.replace(/^\+/, '') : '';
    if (!/^\d{8,15}$/.test(to)) return graphError(100, '(#100) Invalid parameter: to');
    const message: ReceivedMessage = {
      id: `wamid.${randomBytes(24).toString('base64url')}`,
      channel: 'whatsapp',
      scope: phoneNumberId,
      to: [to],
      idempotencyKey: typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined,
      receivedAt: new Date().toISOString(),
    };
    if (body.type === 'text') {
      const text = body.text as { body?: unknown } | undefined;
      if (typeof text?.body !== 'string' || !text.body.trim())
        return graphError(100, '(#100) The parameter text[body] is required.');
      if (text.body.length > 4096)
        return graphError(100, '(#100) Param text[body] must be at most 4096 characters long.');
      message.text = text.body;
    } else if (body.type === 'template') {
      const template = body.template as
        | {
            name?: unknown;
            language?: { code?: unknown };
            components?: Array<{ type?: string; parameters?: unknown[] }>;
          }
        | undefined;
      if (typeof template?.name !== 'string' || typeof template.language?.code !== 'string')
        return graphError(100, '(#100) The parameters template[name] and template[language][code] are required.');
      const parameters: string[] = [];
      for (const component of template.components ?? [])
        for (const parameter of (component.parameters ?? []) as Array<{ type?: string; text?: unknown }>) {
          if (parameter.type !== 'text' || typeof parameter.text !== 'string')
            return graphError(100, '(#100) Invalid parameter: template parameters must be {type: "text", text}');
          parameters.push(parameter.text);
        }
      message.template = { name: template.name, language: template.language.code, parameters };
    } else {
      return graphError(100, `(#100) Unsupported message type: ${String(body.type)}`);
    }
    keep(message);
    const callback = callbacks.get(phoneNumberId);
    if (callback) void reportStatuses(message, callback);
    return json(200, {
      messaging_product: 'whatsapp',
      contacts: [{ input: String(body.to), wa_id: to }],
      messages: [{ id: message.id }],
    });
  }

  async function emailSend(req: IncomingMessage): Promise<Answer> {
    const apiKey = bearer(req);
    if (!apiKey) return resendError(401, 'missing_api_key', 'Missing API key in the authorization header');
    const fault = takeFault(apiKey);
    if (fault) {
      const answer = await faultAnswer(fault, 'email', req);
      if (answer) return answer;
    }
    if (!apiKey.startsWith('re_')) return resendError(403, 'invalid_api_key', 'API key is invalid');
    const raw = (await readBody(req)).toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return resendError(422, 'validation_error', 'The request body is not valid JSON');
    }
    const key = header(req, 'idempotency-key');
    if (key !== undefined && (key.length < 1 || key.length > 256))
      return resendError(400, 'invalid_idempotency_key', 'Idempotency keys must be between 1 and 256 characters');
    const slot = key === undefined ? undefined : `${apiKey}\n${key}`;
    const hash = createHash('sha256').update(raw).digest('hex');
    if (slot) {
      const seen = idempotency.get(slot);
      if (seen && Date.now() - seen.at < idempotencyTtlMs) {
        if (seen.hash !== hash)
          return resendError(
            409,
            'invalid_idempotent_request',
            'This idempotency key has already been used on a request that had a different payload',
          );
        if (!seen.answer)
          return resendError(
            409,
            'concurrent_idempotent_requests',
            'Another request with this idempotency key is in progress',
          );
        return seen.answer;
      }
    }
    const invalid = emailProblem(body);
    if (invalid) return resendError(422, 'validation_error', invalid);
    const message: ReceivedMessage = {
      id: crypto.randomUUID(),
      channel: 'email',
      scope: apiKey,
      to: addresses(body.to),
      from: String(body.from),
      replyTo: body.reply_to === undefined ? undefined : addresses(body.reply_to),
      subject: String(body.subject),
      text: typeof body.text === 'string' ? body.text : undefined,
      html: typeof body.html === 'string' ? body.html : undefined,
      idempotencyKey: key,
      receivedAt: new Date().toISOString(),
    };
    keep(message);
    const answer = json(200, { id: message.id });
    if (slot) idempotency.set(slot, { hash, at: Date.now(), answer });
    return answer;
  }

  /** A fault's answer, or undefined when the request goes on (a slow one, after its delay). */
  async function faultAnswer(
    fault: Fault,
    channel: 'whatsapp' | 'email',
    req: IncomingMessage,
  ): Promise<Answer | undefined> {
    switch (fault.kind) {
      case 'status':
        return channel === 'whatsapp'
          ? json(fault.status, {
              error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1, fbtrace_id: trace() },
            })
          : resendError(fault.status, 'application_error', 'An unexpected error occurred');
      case 'rate_limit':
        return channel === 'whatsapp'
          ? graphError(130429)
          : resendError(429, 'rate_limit_exceeded', 'Too many requests');
      case 'whatsapp':
        return channel === 'whatsapp'
          ? graphError(fault.code)
          : resendError(422, 'validation_error', 'whatsapp fault on e-mail');
      case 'reset':
        req.socket.destroy();
        return { status: 0 };
      case 'slow':
        // Resend keeps the key "in progress" meanwhile: a retry sooner gets 409 concurrent_idempotent_requests.
        if (channel === 'email') {
          const apiKey = bearer(req)!;
          const key = header(req, 'idempotency-key');
          const raw = (await readBody(req)).toString('utf8');
          if (key && !idempotency.has(`${apiKey}\n${key}`))
            idempotency.set(`${apiKey}\n${key}`, {
              hash: createHash('sha256').update(raw).digest('hex'),
              at: Date.now(),
            });
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
          if (key) idempotency.delete(`${apiKey}\n${key}`);
        } else {
          await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        }
        return undefined;
    }
  }

  async function controlRoute(req: IncomingMessage, url: URL): Promise<Answer> {
    const action = url.pathname.slice('/_control/'.length);
    const query = Object.fromEntries(url.searchParams);
    if (req.method === 'GET' && action === 'messages')
      return json(200, {
        messages: control.messages({
          scope: query.scope,
          to: query.to,
          channel: query.channel as 'whatsapp' | 'email' | undefined,
        }),
      });
    if (req.method === 'GET' && action === 'requests') {
      if (!query.scope) return json(400, { error: 'scope is required' });
      return json(200, { requests: control.requests(query.scope) });
    }
    if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
    const body = (await readJson(req)) as Record<string, unknown>;
    switch (action) {
      case 'fail': {
        if (typeof body.scope !== 'string' || !body.scope)
          return json(400, { error: 'a fault names its phone number id or API key (scope)' });
        control.failNext(body.scope, body.fault as Fault, Number(body.count ?? 1));
        return json(200, { ok: true });
      }
      case 'reset':
        control.reset(typeof body.scope === 'string' ? body.scope : undefined);
        return json(200, { ok: true });
      case 'status-callback':
        if (typeof body.phoneNumberId !== 'string') return json(400, { error: 'phoneNumberId is required' });
        control.statusCallback(body.phoneNumberId, (body.callback as StatusCallback | null) ?? null);
        return json(200, { ok: true });
      case 'status-webhook':
        return json(200, await control.statusWebhook(body as unknown as StatusWebhookOptions));
      default:
        return json(404, { error: `unknown action: ${action}` });
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) send(res, json(500, { error: 'stand-in error' }));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname.startsWith('/_control/')) return send(res, await controlRoute(req, url));
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html'))
      return send(res, page(received, url.searchParams.get('scope') ?? ''));
    const graph = /^\/graph\/(v\d+\.\d+)\/([^/]+)\/messages\/?$/.exec(url.pathname);
    let scope: string | undefined;
    let answer: Answer;
    if (graph && req.method === 'POST') {
      scope = decodeURIComponent(graph[2]!);
      answer = await whatsappSend(req, scope);
    } else if (url.pathname.replace(/\/$/, '') === '/resend/emails' && req.method === 'POST') {
      scope = bearer(req);
      answer = await emailSend(req);
    } else {
      answer = json(404, { error: 'not found' });
    }
    if (answer.status === 0) return; // connection dropped on purpose
    if (scope) record(scope, answer.status);
    log(`${req.method} ${url.pathname} -> ${answer.status}`);
    send(res, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  log(`messaging stand-in listening on ${url}`);
  return {
    url,
    control,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

interface Answer {
  status: number;
  type?: string;
  body?: string;
  headers?: Record<string, string>;
}

function send(res: ServerResponse, answer: Answer) {
  res.writeHead(answer.status, { ...(answer.type ? { 'Content-Type': answer.type } : {}), ...answer.headers });
  res.end(answer.body ?? '');
}

function json(status: number, value: unknown): Answer {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

function trace(): string {
  return randomBytes(8).toString('base64url');
}

function graphError(code: number, message?: string): Answer {
  const known = whatsappErrors[code] ?? { status: 400, message: `(#${code}) Error` };
  return json(known.status, {
    error: {
      message: message ?? known.message,
      type: 'OAuthException',
      code,
      ...(code === 190 ? { error_subcode: 463 } : {}),
      error_data: { messaging_product: 'whatsapp', details: message ?? known.message },
      fbtrace_id: trace(),
    },
  });
}

function resendError(statusCode: number, name: string, message: string): Answer {
  return json(statusCode, { statusCode, name, message });
}

function bearer(req: IncomingMessage): string | undefined {
  return /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function addresses(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

const emailPattern = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** Resend's checks on a send, in its words where it has them. */
function emailProblem(body: Record<string, unknown>): string | undefined {
  const address = (value: string) => /<([^>]+)>\s*$/.exec(value)?.[1] ?? value.trim();
  if (typeof body.from !== 'string' || !emailPattern.test(address(body.from)))
    return 'Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
  const to = body.to === undefined ? [] : addresses(body.to);
  if (!to.length) return 'Missing `to` field.';
  if (to.length > 50) return 'Too many recipients: `to` holds at most 50 addresses.';
  if (to.some((one) => !emailPattern.test(address(one))))
    return 'Invalid `to` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';
  if (typeof body.subject !== 'string' || !body.subject) return 'Missing `subject` field.';
  if (typeof body.text !== 'string' && typeof body.html !== 'string') return 'Missing `html` or `text` field.';
  return undefined;
}

const readBodies = new WeakMap<IncomingMessage, Buffer>();

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const read = readBodies.get(req);
  if (read) return read;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  readBodies.set(req, body);
  return body;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = (await readBody(req)).toString('utf8');
  return body ? JSON.parse(body) : {};
}

/** node:http rather than fetch, which does not let a request name another Host (a shop host on 127.0.0.1). */
function postJson(target: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      target,
      { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped text with its http(s) links clickable: the developer opens a share link from the page. */
function textWithLinks(value: string): string {
  return escapeHtml(value).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

/** The developer's page: what the shops sent, newest first, optionally one phone number id's. */
function page(all: ReceivedMessage[], scope: string): Answer {
  const shown = all
    .filter((m) => !scope || m.scope === scope)
    .slice(-500)
    .reverse();
  const scopes = [...new Set(all.filter((m) => m.channel === 'whatsapp').map((m) => m.scope))];
  const rows = shown
    .map((m) => {
      const content = m.template
        ? `Plantilla <b>${escapeHtml(m.template.name)}</b> (${escapeHtml(m.template.language)}): ${m.template.parameters.map((p) => `<q>${textWithLinks(p)}</q>`).join(', ')}`
        : `${m.subject ? `<b>${escapeHtml(m.subject)}</b><br>` : ''}${textWithLinks(m.text ?? m.html ?? '').replace(/\n/g, '<br>')}`;
      const via =
        m.channel === 'whatsapp' ? `WhatsApp · ${escapeHtml(m.scope)}` : `E-mail · ${escapeHtml(m.from ?? '')}`;
      return `<tr><td><time datetime="${m.receivedAt}">${escapeHtml(m.receivedAt.replace('T', ' ').slice(0, 19))} UTC</time></td><td>${via}</td><td>${escapeHtml(m.to.join(', '))}</td><td>${content}</td></tr>`;
    })
    .join('');
  const options = scopes
    .map((s) => `<option value="${escapeHtml(s)}"${s === scope ? ' selected' : ''}>${escapeHtml(s)}</option>`)
    .join('');
  const body = `<!doctype html><html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mensajes enviados (stand-in local)</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:1rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}td:last-child{overflow-wrap:anywhere}form{margin:.5rem 0 1rem}@media(max-width:600px){thead{display:none}tr,td{display:block}tr{border-bottom:2px solid #999}td{border:0;padding:.15rem 0}}</style></head>
<body><main><h1>Mensajes enviados</h1><p>WhatsApp Cloud API y Resend de desarrollo: nada sale de esta máquina. ${all.length} recibidos.</p>
<form method="get"><label for="scope">Número de WhatsApp (phone number id)</label> <select id="scope" name="scope"><option value="">Todos</option>${options}</select> <button>Filtrar</button></form>
<table><thead><tr><th scope="col">Recibido</th><th scope="col">Canal</th><th scope="col">Para</th><th scope="col">Contenido</th></tr></thead><tbody>${rows || '<tr><td colspan="4">Ningún mensaje todavía.</td></tr>'}</tbody></table></main></body></html>`;
  return { status: 200, type: 'text/html; charset=utf-8', body, headers: { 'Cache-Control': 'no-store' } };
}

async function main() {
  const port = Number(process.argv[2] ?? devPorts.messaging);
  const standin = await startMessagingStandin({ port, log: (line) => console.log(line) });
  console.log(
    `Messaging stand-in: ${standin.url}  (WhatsApp ${standin.url}/graph/${graphVersion}, Resend ${standin.url}/resend)`,
  );
  const stop = () => void standin.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
