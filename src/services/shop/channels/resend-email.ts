import { ChannelError, jsonBody, providerFetch, retryableStatus } from './channel-error';

export interface EmailConfig {
  /** https://api.resend.com (EMAIL_API_URL). */
  apiUrl: string;
  apiKey: string;
  timeoutMs?: number;
}

export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  /** Resend keeps it 24 h: a retry of a send that did go through returns the same id, no second e-mail. */
  idempotencyKey: string;
}

/** Sends one e-mail through Resend (POST /emails). */
export async function sendEmail(config: EmailConfig, message: EmailMessage): Promise<{ providerMessageId: string }> {
  const response = await providerFetch(
    'Resend',
    `${config.apiUrl.replace(/\/$/, '')}/emails`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${config.apiKey}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': message.idempotencyKey,
      },
      body: JSON.stringify({
        from: message.from,
        to: [message.to],
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.replyTo ? { reply_to: message.replyTo } : {}),
      }),
    },
    config.timeoutMs ?? 10_000,
  );
  const answer = (await jsonBody(response)) as { id?: string; name?: string; message?: string } | undefined;
  if (response.ok && answer?.id) return { providerMessageId: answer.id };
  throw new ChannelError({
    // The first request with this key is still in flight: asking again later returns its answer.
    retryable: retryableStatus(response.status) || answer?.name === 'concurrent_idempotent_requests',
    status: response.status,
    code: answer?.name,
    message: answer?.message ?? `Resend answered ${response.status}`,
  });
}
