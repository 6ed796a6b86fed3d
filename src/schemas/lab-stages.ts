import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';

/** The board's named colours (a CSS class each), never free CSS. */
export const labStageColors = ['gray', 'blue', 'amber', 'violet', 'green', 'teal', 'red'] as const;

/** A stage as the settings form sends it: `outcome` empty for a stage in between, else the final stage's outcome. */
export const labStageForm = z.object({
  name: z
    .string({ error: t('labStages.validation.name') })
    .trim()
    .min(1, t('labStages.validation.name'))
    .max(60, t('labStages.validation.name')),
  color: z.enum(labStageColors, { error: t('labStages.validation.color') }),
  outcome: z
    .enum(['', 'delivered', 'cancelled'], { error: t('labStages.validation.outcome') })
    .optional()
    .transform((value) => (value ? value : null)),
});

export const labStageMoveForm = z.object({
  direction: z.enum(['up', 'down'], { error: t('labStages.validation.outcome') }),
});
