import { barcodeIssue, internalBarcode, normaliseBarcode, type BarcodeIssue } from '../../domain/barcodes';
import { AppError } from '../../errors';
import { t, type MessageKey } from '../../i18n/es-DO';
import { addBarcode, removeBarcode } from '../../queries/barcodes';
import { requireRight, type ShopContext } from './context';

const issueMessages: Record<BarcodeIssue, MessageKey> = {
  empty: 'catalog.barcodes.empty',
  tooLong: 'catalog.barcodes.tooLong',
  characters: 'catalog.barcodes.characters',
  checkDigit: 'catalog.barcodes.checkDigit',
};

/**
 * Adds a barcode (typed or scanned) to a product: normalised, checked (EAN-13/UPC-A/EAN-8 check
 * digit), unique in the shop. Returns the stored code.
 */
export async function addProductBarcode(ctx: ShopContext, productId: string, raw: string): Promise<string> {
  requireRight(ctx, 'products.manage');
  const code = normaliseBarcode(raw);
  const issue = barcodeIssue(code);
  if (issue) throw new AppError('validation', t(issueMessages[issue]), { code: t(issueMessages[issue]) });
  const result = await addBarcode(ctx.db, productId, code, { actor: ctx.actor, action: 'product.barcodeAdded' });
  if (result.ok) return code;
  if (result.reason === 'not_found') throw new AppError('not_found');
  const message = result.product
    ? t('catalog.barcodes.taken', { sku: result.product.sku, name: result.product.name })
    : t('catalog.barcodes.takenUnknown');
  throw new AppError('validation', message, { code: message });
}

/** Gives a product a new internal EAN-13 (prefix 20); a clash with an existing code draws again. */
export async function generateProductBarcode(ctx: ShopContext, productId: string): Promise<string> {
  requireRight(ctx, 'products.manage');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const code = internalBarcode();
    const result = await addBarcode(ctx.db, productId, code, { actor: ctx.actor, action: 'product.barcodeAdded' });
    if (result.ok) return code;
    if (result.reason === 'not_found') throw new AppError('not_found');
  }
  throw new AppError('conflict', t('catalog.barcodes.takenUnknown'));
}

export async function removeProductBarcode(ctx: ShopContext, productId: string, raw: string): Promise<void> {
  requireRight(ctx, 'products.manage');
  const removed = await removeBarcode(ctx.db, productId, normaliseBarcode(raw), {
    actor: ctx.actor,
    action: 'product.barcodeRemoved',
  });
  if (!removed) throw new AppError('not_found');
}
