import { z } from '@hono/zod-openapi';
import { ecfDeliveryStates, ecfStates } from '../db/tenant-schema';

const isoTime = z.string().openapi({ format: 'date-time' });

/** The e-CF of an invoice or credit note in the API (null on B-series documents and drafts). */
export const ecfOut = z
  .object({
    status: z.enum(ecfStates).openapi({
      description:
        'pending (signed, not sent yet), sending, sent (waiting for DGII’s result), accepted, accepted_conditional, rejected, contingency (DGII unreachable; retried automatically)',
    }),
    dgiiStatus: z
      .string()
      .nullable()
      .openapi({ description: 'DGII’s estado as it answered it', example: 'Aceptado Condicional' }),
    trackId: z.string().nullable().openapi({ description: 'DGII’s trackId once Recepción took it' }),
    encf: z.string().openapi({ example: 'E310000000001' }),
    ecfType: z.string().openapi({ example: '31' }),
    securityCode: z
      .string()
      .openapi({ description: 'The first 6 characters of the signature value', example: 'Ab3+9z' }),
    signedAt: isoTime,
    environment: z.enum(['TesteCF', 'CerteCF', 'eCF']),
    channel: z.enum(['ecf', 'rfce']).openapi({
      description:
        'ecf: the whole document went to Recepción; rfce: a consumer invoice under RD$250,000 went as a summary',
    }),
    qrUrl: z
      .string()
      .nullable()
      .openapi({ description: 'DGII’s consultatimbre (consultatimbrefc for an RFCE) URL the printed QR carries' }),
    messages: z
      .array(z.object({ codigo: z.union([z.number(), z.string()]), valor: z.string() }))
      .openapi({ description: 'DGII’s messages on the final answer (why it was rejected or conditionally accepted)' }),
    sequenceUsed: z
      .boolean()
      .nullable()
      .openapi({ description: 'DGII’s secuenciaUtilizada: whether a rejected e-NCF counts as used' }),
    lastError: z
      .string()
      .nullable()
      .openapi({ description: 'Why the last attempt to reach DGII failed, while it waits' }),
    sentAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    buyerApproval: z
      .object({
        status: z.enum(['approved', 'rejected']),
        reason: z.string().nullable(),
        at: isoTime.nullable(),
      })
      .nullable()
      .openapi({ description: 'The buyer’s commercial approval (ACECF) once it answered; null until then' }),
    delivery: z
      .object({
        status: z.enum(ecfDeliveryStates).openapi({
          description:
            'Sending it to an electronic buyer after DGII accepted it: pending, sending, delivered, not_received (the buyer’s ARECF said so), not_receiver (not in DGII’s directory), failed',
        }),
        deliveredAt: isoTime.nullable(),
        error: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'null when the document is not sent to a buyer (no buyer RNC, or not accepted yet)' }),
  })
  .openapi('Ecf');
