import { z } from 'zod';

/** The most products on one label sheet, and the most copies of each. */
export const labelLimits = { products: 200, copies: 50 } as const;

/** `/products/labels?product=<id>&product=<id>&copies=2&layout=roll`: which labels, how many, on what paper. */
export const productLabelsQuery = z.object({
  product: z
    .array(z.uuid())
    .min(1)
    .max(labelLimits.products)
    .transform((ids) => [...new Set(ids)]),
  copies: z.coerce.number().int().min(1).max(labelLimits.copies).default(1),
  /** `a4`: a sheet of 3 x 8 labels of 70 x 37 mm; `roll`: a label printer's 50 x 25 mm labels, one per page. */
  layout: z.enum(['a4', 'roll']).default('a4'),
});

export type ProductLabelsQuery = z.infer<typeof productLabelsQuery>;
