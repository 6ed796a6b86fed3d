import { z } from '@hono/zod-openapi';
import { stockMovementKinds } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';
import { amountField } from './amount';
import { skuField } from './products';

/** A whole number of units (the stock table counts units). */
const quantityText = amountField({
  scale: 0,
  maxIntegerDigits: 7,
  allowNegative: true,
  message: t('stock.validation.quantity'),
}).transform((value) => Number.parseInt(value, 10));

const reasonField = z
  .string({ error: t('stock.validation.reason') })
  .trim()
  .min(1, t('stock.validation.reason'))
  .max(300);
const optionalReason = z
  .string()
  .trim()
  .max(300)
  .transform((value) => (value === '' ? null : value))
  .nullable()
  .optional();
const branchField = z.uuid({ error: t('stock.validation.branch') });

export const adjustmentForm = z.object({
  sku: skuField,
  branchId: branchField,
  quantity: quantityText.refine((value) => value !== 0, t('stock.validation.nonZero')),
  reason: reasonField,
});

export const transferForm = z
  .object({
    sku: skuField,
    fromBranchId: branchField,
    toBranchId: branchField,
    quantity: quantityText.refine((value) => value > 0, t('stock.validation.positive')),
    reason: optionalReason,
  })
  .refine((value) => value.fromBranchId !== value.toBranchId, {
    message: t('stock.validation.sameBranch'),
    path: ['toBranchId'],
  });

const apiQuantity = z
  .number({ error: t('stock.validation.quantity') })
  .int(t('stock.validation.quantity'))
  .min(-1_000_000)
  .max(1_000_000);

export const adjustmentCreate = z
  .object({
    productId: z.uuid(),
    branchId: z.uuid(),
    quantity: apiQuantity.refine((value) => value !== 0, t('stock.validation.nonZero')),
    reason: reasonField,
  })
  .openapi('StockAdjustment');

export const transferCreate = z
  .object({
    productId: z.uuid(),
    fromBranchId: z.uuid(),
    toBranchId: z.uuid(),
    quantity: apiQuantity.refine((value) => value > 0, t('stock.validation.positive')),
    reason: optionalReason,
  })
  .refine((value) => value.fromBranchId !== value.toBranchId, {
    message: t('stock.validation.sameBranch'),
    path: ['toBranchId'],
  })
  .openapi('StockTransfer');

export const movementOut = z
  .object({
    id: z.number().int(),
    productId: z.uuid(),
    branchId: z.uuid(),
    branchName: z.string(),
    kind: z.enum(stockMovementKinds),
    quantity: z.number().int(),
    balanceAfter: z.number().int(),
    reason: z.string().nullable(),
    reference: z.string().nullable(),
    userId: z.uuid().nullable(),
    userName: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('StockMovement');

export const stockLevelOut = z
  .object({
    productId: z.uuid(),
    sku: z.string(),
    name: z.string(),
    branchId: z.uuid(),
    branchName: z.string(),
    quantity: z.number().int(),
  })
  .openapi('StockLevel');

export const transferOut = z
  .object({ reference: z.string(), out: movementOut, in: movementOut })
  .openapi('StockTransferResult');
