import { z } from '@hono/zod-openapi';
import { optionalEmail, optionalText, requiredName } from './common';

export const companyFields = z.object({
  name: requiredName(200),
  rnc: optionalText(20),
  address: optionalText(500),
  phones: optionalText(200),
  email: optionalEmail,
  invoiceFooter: optionalText(1000),
  defaultCurrency: z.string().trim().toUpperCase().length(3).optional(),
});

export const companyPatch = companyFields.partial().openapi('CompanyPatch');

export const companyOut = z
  .object({
    name: z.string(),
    rnc: z.string().nullable(),
    address: z.string().nullable(),
    phones: z.string().nullable(),
    email: z.string().nullable(),
    invoiceFooter: z.string().nullable(),
    defaultCurrency: z.string(),
    hasLogo: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Company');

/** The logo: PNG, JPEG or WebP, at most 1 MB. */
export const logoPolicy = {
  maxBytes: 1024 * 1024,
  types: ['image/png', 'image/jpeg', 'image/webp'] as const,
};

export type LogoType = (typeof logoPolicy.types)[number];

/**
 * The image type the bytes really are (by their magic numbers), or null. The browser's content
 * type is only a claim; this decides what is stored and served.
 */
export function sniffImageType(bytes: Uint8Array): LogoType | null {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  // RIFF....WEBP
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  return null;
}
