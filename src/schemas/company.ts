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

/** The company as served and as printed: the company resource and an invoice's issuer share it. */
export const companyIdentityOut = {
  name: z.string(),
  rnc: z.string().nullable(),
  address: z.string().nullable(),
  phones: z.string().nullable(),
  email: z.string().nullable(),
  invoiceFooter: z.string().nullable(),
};

export const companyOut = z
  .object({
    ...companyIdentityOut,
    defaultCurrency: z.string(),
    hasLogo: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Company');

/**
 * The logo: PNG, JPEG or WebP, at most 1 MB and 2000 x 2000 pixels. The pixel limit matters more
 * than the bytes: a small file can declare a picture that takes hundreds of MB to decode in a PDF.
 */
export const logoPolicy = {
  maxBytes: 1024 * 1024,
  /** What the multipart envelope around the file may add. */
  envelopeBytes: 16 * 1024,
  maxSide: 2000,
  maxPixels: 2000 * 2000,
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
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  )
    return 'image/webp';
  return null;
}

/**
 * Width and height as the image's own header declares them (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X),
 * or null when the header cannot be read.
 */
export function imageDimensions(bytes: Uint8Array, type: LogoType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (length: number) => bytes.byteLength >= length;
  const text = (offset: number, length: number) => String.fromCharCode(...bytes.subarray(offset, offset + length));
  if (type === 'image/png') {
    if (!has(24) || text(12, 4) !== 'IHDR') return null;
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (type === 'image/jpeg') {
    let offset = 2;
    while (has(offset + 4)) {
      if (bytes[offset] !== 0xff) return null;
      const marker = bytes[offset + 1]!;
      if (marker === 0xff) {
        offset += 1; // fill byte
        continue;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame)
        return has(offset + 9) ? { width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) } : null;
      if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame
      offset += 2 + view.getUint16(offset + 2);
    }
    return null;
  }
  if (!has(30)) return null;
  const chunk = text(12, 4);
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X')
    return {
      width: 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)),
      height: 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)),
    };
  return null;
}

/** True when the declared size fits the logo policy. */
export function logoDimensionsAllowed(size: { width: number; height: number }): boolean {
  return (
    size.width >= 1 &&
    size.height >= 1 &&
    size.width <= logoPolicy.maxSide &&
    size.height <= logoPolicy.maxSide &&
    size.width * size.height <= logoPolicy.maxPixels
  );
}
