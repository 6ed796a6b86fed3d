import { ChannelError, jsonBody, providerFetch, retryableStatus } from './channel-error';

export interface WhatsappConfig {
  /** https://graph.facebook.com/v24.0 (WHATSAPP_API_URL). */
  apiUrl: string;
  phoneNumberId: string;
  token: string;
  timeoutMs?: number;
}

export interface WhatsappMessage {
  /** E.164 digits, no '+'. */
  to: string;
  text?: string;
  /** An approved template: what may be sent outside the 24-hour customer service window. */
  template?: { name: string; language: string; parameters: string[] };
  /** Sent as biz_opaque_callback_data, which Meta echoes in the status webhooks. */
  idempotencyKey: string;
}

/** Graph's codes that a later attempt may get past: throttling and Meta's own trouble. */
const retryableCodes = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004]);

/** Sends one message through WhatsApp Business Cloud API (POST /<phone number id>/messages). */
export async function sendWhatsapp(
  config: WhatsappConfig,
  message: WhatsappMessage,
): Promise<{ providerMessageId: string }> {
  if (!message.text === !message.template)
    throw new ChannelError({
      retryable: false,
      code: 'invalid',
      message: 'A WhatsApp message is either a text or a template',
    });
  const body = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: message.to.replace(/^\+/, ''),
    biz_opaque_callback_data: message.idempotencyKey.slice(0, 512),
    ...(message.template
      ? {
          type: 'template',
          template: {
            name: message.template.name,
            language: { code: message.template.language },
            components: message.template.parameters.length
              ? [{ type: 'body', parameters: message.template.parameters.map((text) => ({ type: 'text', text })) }]
              : [],
          },
        }
      : { type: 'text', text: { body: message.text, preview_url: /https?:\/\//.test(message.text ?? '') } }),
  };
  const response = await providerFetch(
    'WhatsApp',
    `${config.apiUrl.replace(/\/$/, '')}/${encodeURIComponent(config.phoneNumberId)}/messages`,
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${config.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    },
    config.timeoutMs ?? 10_000,
  );
  const answer = (await jsonBody(response)) as
    | {
        messages?: Array<{ id?: string }>;
        error?: { message?: string; code?: number; error_data?: { details?: string } };
      }
    | undefined;
  const id = answer?.messages?.[0]?.id;
  if (response.ok && id) return { providerMessageId: id };
  throw whatsappError(response.status, answer?.error);
}

function whatsappError(
  status: number,
  error: { message?: string; code?: number; error_data?: { details?: string } } | undefined,
): ChannelError {
  const code = error?.code;
  if (code === 131047)
    return new ChannelError({
      retryable: false,
      status,
      code: String(code),
      message:
        'More than 24 hours since the customer last wrote: WhatsApp only delivers an approved template now (set one on the message template)',
    });
  const detail = error?.error_data?.details ?? error?.message ?? `WhatsApp answered ${status}`;
  return new ChannelError({
    retryable: retryableStatus(status) || (code !== undefined && retryableCodes.has(code)),
    status,
    code: code === undefined ? undefined : String(code),
    message: code === 190 ? `The WhatsApp access token is invalid or expired (${detail})` : detail,
  });
}
