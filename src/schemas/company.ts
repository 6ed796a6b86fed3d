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
