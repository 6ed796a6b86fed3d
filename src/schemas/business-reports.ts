import { z } from 'zod';
import { productCategories } from '../db/tenant-schema';
import { checkRange } from '../domain/business-reports';
import { t } from '../i18n/es-DO';

const empty = (value: unknown) => (value === '' || value === undefined ? null : value);

const day = (message: string) =>
  z.preprocess(
    empty,
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, message)
      .refine(
        (value) =>
          !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
          new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
        message,
      )
      .nullable(),
  );

const optionalId = (message: string) => z.preprocess(empty, z.uuid({ error: message }).nullable());

/**
 * A report's filters as the address carries them (`?from=&to=&branch=&seller=&category=`); every
 * field is optional (the service fills the current month) and a report reads only those it declares.
 */
export const reportFiltersQuery = z
  .object({
    from: day(t('businessReports.validation.date')),
    to: day(t('businessReports.validation.date')),
    branch: optionalId(t('businessReports.validation.branch')),
    seller: optionalId(t('businessReports.validation.seller')),
    category: z.preprocess(
      empty,
      z.enum(productCategories, { error: t('businessReports.validation.category') }).nullable(),
    ),
  })
  .superRefine((value, context) => {
    if (!value.from || !value.to) return;
    const problem = checkRange(value.from, value.to);
    if (problem)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: t(problem === 'order' ? 'businessReports.validation.order' : 'businessReports.validation.length'),
      });
  });

export type ReportFiltersQuery = z.infer<typeof reportFiltersQuery>;

export const reportFormat = z.enum(['xlsx', 'csv']);
export type ReportFormat = z.infer<typeof reportFormat>;
