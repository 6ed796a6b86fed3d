import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';

const encfNumber = z.coerce
  .number({ error: t('ecfCancellations.validation.number') })
  .int(t('ecfCancellations.validation.number'))
  .min(1, t('ecfCancellations.validation.number'))
  .max(9_999_999_999, t('ecfCancellations.validation.number'));

/** A range of one E sequence to cancel with an ANECF: its numbers `from`..`to`, both included. */
export const ecfRangeCancel = z
  .object({
    sequenceId: z.uuid({ error: t('ecfCancellations.refusal.not_found') }),
    from: encfNumber.openapi({
      example: 51,
      description: 'First number of the range (the sequential part of the e-NCF)',
    }),
    to: encfNumber.openapi({ example: 100, description: 'Last number of the range, included' }),
  })
  .refine((value) => value.to >= value.from, { path: ['to'], message: t('ecfCancellations.validation.order') });

export const ecfCancellationOut = z
  .object({
    id: z.uuid(),
    sequenceId: z.uuid(),
    docType: z.string().openapi({ example: 'E32' }),
    firstEncf: z.string().openapi({ example: 'E320000000051' }),
    lastEncf: z.string().openapi({ example: 'E320000000100' }),
    count: z.number().int(),
    state: z.enum(['sending', 'accepted', 'unconfirmed']).openapi({
      description: 'accepted: DGII cancelled the range; unconfirmed: DGII did not answer, the numbers stay blocked',
    }),
    environment: z.string().nullable(),
    dgiiCode: z.string().nullable(),
    dgiiMessages: z.array(z.string()),
    lastError: z.string().nullable(),
    requestedBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('EcfCancellation');
