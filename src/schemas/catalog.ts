import { z } from '@hono/zod-openapi';
import { catalogListKinds } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';

const valueField = z
  .string({ error: t('catalog.lists.invalid') })
  .trim()
  .min(1, t('catalog.lists.invalid'))
  .max(60, t('catalog.lists.invalid'));

export const catalogValueAdd = z.object({
  list: z.enum(catalogListKinds, { error: t('catalog.lists.unknownList') }),
  value: valueField,
});

export const catalogValueRename = z.object({ value: valueField });

export const catalogValueMove = z.object({ direction: z.enum(['up', 'down']) });
