import { z } from '@hono/zod-openapi';
import { parseSizes } from '../domain/variants';
import { t } from '../i18n/es-DO';

/** The variants form: colours ticked (one or several checkboxes) and sizes typed as a list. */
export const variantsForm = z.object({
  colours: z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.string().trim().min(1).max(60)).max(30, t('catalog.variants.tooMany')),
  ),
  sizes: z
    .string()
    .max(200, t('catalog.variants.tooMany'))
    .optional()
    .transform((text) => parseSizes(text ?? ''))
    .pipe(z.array(z.string().max(20, t('catalog.variants.size.invalid'))).max(20, t('catalog.variants.tooMany'))),
});

export type VariantsForm = z.output<typeof variantsForm>;
