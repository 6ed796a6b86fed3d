/** Share links: the form/API schema and the token format (32 random bytes, base64url; only the SHA-256 is stored). */
import { z } from '@hono/zod-openapi';
import { randomToken, sha256Hex } from '../auth/crypto';
import { t } from '../i18n/es-DO';

export const shareLinkPolicy = { defaultDays: 7, minDays: 1, maxDays: 30, tokenBytes: 32 } as const;

const daysMessage = t('documents.share.daysInvalid');

/** Days until the link expires, 1..30. */
export const shareDays = z.coerce
  .number({ error: daysMessage })
  .int(daysMessage)
  .min(shareLinkPolicy.minDays, daysMessage)
  .max(shareLinkPolicy.maxDays, daysMessage);

export const shareLinkForm = z.object({
  days: z
    .string({ error: daysMessage })
    .trim()
    .regex(/^\d{1,3}$/, daysMessage)
    .transform(Number)
    .pipe(z.number().int().min(shareLinkPolicy.minDays, daysMessage).max(shareLinkPolicy.maxDays, daysMessage)),
});

export const shareLinkCreate = z
  .object({
    expiresInDays: shareDays
      .default(shareLinkPolicy.defaultDays)
      .openapi({ example: 7, description: 'Days until the link expires (1-30, default 7)' }),
  })
  .openapi('ShareLinkCreate');

export const shareLinkOut = z
  .object({
    id: z.uuid(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    lastOpenedAt: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('ShareLink');

export const shareLinkCreated = shareLinkOut
  .extend({ url: z.url().openapi({ description: 'Shown once: only a hash of the token is stored' }) })
  .openapi('ShareLinkCreated');

/** base64url of 32 bytes: 43 characters. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function isShareToken(value: string): boolean {
  return tokenPattern.test(value);
}

export async function newShareToken(): Promise<{ token: string; hash: string }> {
  const token = randomToken(shareLinkPolicy.tokenBytes);
  return { token, hash: await sha256Hex(token) };
}

export function shareUrl(origin: string, token: string): string {
  return `${origin}/share/${token}`;
}
