/**
 * The messaging stand-in (dev/messaging-standin.ts) seen from a worker test: what it received and
 * its fault switches. Every switch names one phone number id or API key (a shop's own, made with
 * `whatsappCredentials` / `emailCredentials`), so test files running side by side never meet.
 */
import { expect } from 'vitest';
import type { Fault, ReceivedMessage } from '../../../dev/messaging-standin';
import { testEnv } from './helpers';

export type { Fault, ReceivedMessage };

/** The stand-in's origin: WHATSAPP_API_URL is <origin>/graph/<version>. */
export const messagingStandinUrl = new URL(testEnv.WHATSAPP_API_URL).origin;

/** Fresh WhatsApp credentials, unique to the caller (the phone number id is what scopes the stand-in). */
export function whatsappCredentials() {
  const digits = Array.from(crypto.getRandomValues(new Uint8Array(15)), (b) => String(b % 10)).join('');
  return {
    phoneNumberId: `1${digits}`,
    token: `EAAG${crypto.randomUUID().replaceAll('-', '')}`,
    appSecret: crypto.randomUUID().replaceAll('-', ''),
    verifyToken: crypto.randomUUID(),
  };
}

/** A fresh Resend API key (the stand-in accepts any key that starts with re_, as Resend's do). */
export function emailCredentials() {
  return { apiKey: `re_${crypto.randomUUID().replaceAll('-', '')}` };
}

export async function receivedMessages(filter: {
  scope: string;
  to?: string;
  channel?: 'whatsapp' | 'email';
}): Promise<ReceivedMessage[]> {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as Array<[string, string]>);
  const response = await fetch(`${messagingStandinUrl}/_control/messages?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: ReceivedMessage[] }).messages;
}

/** How the stand-in answered each request of this phone number id / API key, in order. */
export async function standinRequests(scope: string): Promise<number[]> {
  const response = await fetch(`${messagingStandinUrl}/_control/requests?scope=${encodeURIComponent(scope)}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { requests: Array<{ status: number }> }).requests.map((r) => r.status);
}

/** The next `count` requests of this phone number id / API key meet `fault`. */
export async function failNext(scope: string, fault: Fault, count = 1): Promise<void> {
  const response = await fetch(`${messagingStandinUrl}/_control/fail`, {
    method: 'POST',
    body: JSON.stringify({ scope, fault, count }),
  });
  expect(response.status).toBe(200);
}

export async function resetStandin(scope: string): Promise<void> {
  const response = await fetch(`${messagingStandinUrl}/_control/reset`, {
    method: 'POST',
    body: JSON.stringify({ scope }),
  });
  expect(response.status).toBe(200);
}

/** A WhatsApp status webhook for one message, as Meta signs it with the app's secret. */
export async function statusWebhook(options: {
  messageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  appSecret: string;
  phoneNumberId?: string;
  errors?: Array<{ code: number; title: string }>;
}): Promise<{ body: string; signature: string }> {
  const response = await fetch(`${messagingStandinUrl}/_control/status-webhook`, {
    method: 'POST',
    body: JSON.stringify(options),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { body: string; signature: string };
}
