import { z } from '@hono/zod-openapi';
import { messageChannelKinds, outboundMessageStatuses } from '../db/tenant-schema';
import { messageEvents } from '../domain/message-template';
import { t } from '../i18n/es-DO';
import { emailField, optionalEmail, optionalText, requiredName } from './common';

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal(''), z.boolean()])
  .optional()
  .transform((value) => value === true || value === 'on' || value === 'true' || value === '1');

/** WhatsApp channel: a blank token or app secret keeps the stored one. */
export const whatsappChannelForm = z.object({
  phoneNumberId: z
    .string({ error: t('validation.required') })
    .trim()
    .regex(/^\d{5,30}$/, t('validation.required')),
  token: optionalText(1000),
  appSecret: optionalText(200),
  verifyToken: optionalText(200),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(_[A-Z]{2})?$/)
    .optional()
    .default('es'),
  enabled: checkbox,
});
export type WhatsappChannelInput = z.infer<typeof whatsappChannelForm>;

/** E-mail channel: a blank API key keeps the stored one. */
export const emailChannelForm = z.object({
  apiKey: optionalText(300),
  from: emailField,
  fromName: optionalText(100),
  replyTo: optionalEmail,
  enabled: checkbox,
});
export type EmailChannelInput = z.infer<typeof emailChannelForm>;

const variableList = z
  .string()
  .trim()
  .max(500)
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((part) => part.trim().replace(/^\{\{\s*|\s*\}\}$/g, ''))
      .filter(Boolean),
  );

export const templateForm = z.object({
  event: z.enum(messageEvents),
  channel: z.enum(messageChannelKinds),
  name: requiredName(120),
  subject: optionalText(300),
  body: requiredName(4000),
  whatsappTemplate: z
    .string()
    .trim()
    .max(512)
    .regex(/^[a-z0-9_]*$/)
    .optional()
    .transform((value) => value || null),
  whatsappLanguage: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(_[A-Z]{2})?$/)
    .optional()
    .default('es'),
  whatsappParameters: variableList,
});
export type TemplateInput = z.infer<typeof templateForm>;

const optionalUuid = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || null)
  .pipe(z.uuid().nullable());

export const automationForm = z.object({
  name: requiredName(120),
  event: z.enum(messageEvents),
  templateId: z.uuid(t('messaging.error.templateMissing')),
  channel: z.enum(messageChannelKinds),
  stageId: optionalUuid,
  branchId: optionalUuid,
  daysBefore: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : null))
    .pipe(z.number().int().min(0).max(365).nullable()),
});
export type AutomationInput = z.infer<typeof automationForm>;

const clock = z
  .string()
  .trim()
  .refine((value) => value === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(value), t('messaging.quiet.invalid'));

/** Quiet hours: both ends (HH:MM, shop time, different), or both blank for none. */
export const quietHoursForm = z
  .object({ quietHoursStart: clock.default(''), quietHoursEnd: clock.default('') })
  .superRefine((value, ctx) => {
    const start = value.quietHoursStart;
    const end = value.quietHoursEnd;
    if ((start === '') !== (end === ''))
      ctx.addIssue({
        code: 'custom',
        path: [start ? 'quietHoursEnd' : 'quietHoursStart'],
        message: t('messaging.quiet.both'),
      });
    else if (start && start === end)
      ctx.addIssue({ code: 'custom', path: ['quietHoursEnd'], message: t('messaging.quiet.same') });
  })
  .transform((value) => ({ start: value.quietHoursStart || null, end: value.quietHoursEnd || null }));
export type QuietHoursInput = z.infer<typeof quietHoursForm>;

export const testSendForm = z.object({ phone: optionalText(30) });

export const messageLogFilter = z.object({
  status: z.enum(outboundMessageStatuses).optional().catch(undefined),
  channel: z.enum(messageChannelKinds).optional().catch(undefined),
  contactId: z.uuid().optional().catch(undefined),
  automationId: z.uuid().optional().catch(undefined),
  before: z.string().max(200).optional(),
});
export type MessageLogFilterInput = z.infer<typeof messageLogFilter>;
