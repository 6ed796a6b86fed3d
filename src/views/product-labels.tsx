import { PrintDocument, PrintToolbar } from './print-document';
import { barcodeModules } from '../domain/barcodes';
import { formatMoney } from '../domain/money';
import { t } from '../i18n/es-DO';
import type { LabelSheet } from '../services/shop/product-labels';

/** Quiet zone on each side of the bars, in modules (EAN-13 asks for 11 and 7; Code 128 for 10). */
const quietZone = 11;

/**
 * The label's barcode as an SVG data URI, one rect per bar (x and width in modules), for an <img>:
 * EAN-13 for a valid 13-digit code, Code 128 for any other barcode or, without one, the SKU.
 */
export function labelBarcode(code: string): { uri: string; symbology: 'ean13' | 'code128' } | null {
  const encoded = barcodeModules(code);
  if (!encoded) return null;
  const { modules } = encoded;
  const bars: string[] = [];
  for (let start = 0; start < modules.length; ) {
    if (modules[start] !== '1') {
      start += 1;
      continue;
    }
    let end = start;
    while (modules[end] === '1') end += 1;
    bars.push(`<rect x="${start + quietZone}" y="0" width="${end - start}" height="40"/>`);
    start = end;
  }
  const width = modules.length + 2 * quietZone;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 40" shape-rendering="crispEdges"><rect width="${width}" height="40" fill="#fff"/><g fill="#000">${bars.join('')}</g></svg>`;
  return { uri: `data:image/svg+xml;base64,${btoa(svg)}`, symbology: encoded.symbology };
}

function Label(props: { product: LabelSheet['products'][number] }) {
  const { product } = props;
  const code = product.barcode ?? product.sku;
  const barcode = labelBarcode(code);
  const variant = [product.variantColour, product.variantSize].filter(Boolean).join(' · ');
  return (
    <article class="label">
      <p class="label-name">{product.name}</p>
      {variant ? <p class="label-variant">{variant}</p> : null}
      <p class="label-price">{formatMoney(product.price)}</p>
      {barcode ? (
        <img
          class="label-barcode"
          src={barcode.uri}
          alt={t('labels.barcodeAlt', { code })}
          data-symbology={barcode.symbology}
        />
      ) : (
        <p class="label-nobarcode">{t('labels.noBarcode')}</p>
      )}
      <p class="label-sku">{product.barcode ? `${product.barcode} · ${product.sku}` : product.sku}</p>
    </article>
  );
}

/** A sheet of price labels: A4 (3 x 8) or a label printer's 50 x 25 mm roll, each product `copies` times. */
export function ProductLabelsPage(props: { sheet: LabelSheet }) {
  const { sheet } = props;
  const ids = sheet.products.map((product) => `product=${product.id}`).join('&');
  const labels = sheet.products.flatMap((product) => Array.from({ length: sheet.copies }, () => product));
  return (
    <PrintDocument title={t('labels.title')} stylesheets={['labels.css']} bodyClass={`print labels-${sheet.layout}`}>
      <PrintToolbar label={t('labels.title')} printLabel={t('labels.print')}>
        <a href="/products">← {t('labels.back')}</a>
        <a
          href={`/products/labels?${ids}&copies=${sheet.copies}&layout=a4`}
          aria-current={sheet.layout === 'a4' ? 'page' : undefined}
        >
          {t('labels.layoutA4')}
        </a>
        <a
          href={`/products/labels?${ids}&copies=${sheet.copies}&layout=roll`}
          aria-current={sheet.layout === 'roll' ? 'page' : undefined}
        >
          {t('labels.layoutRoll')}
        </a>
        <form method="get" action="/products/labels" class="labels-copies">
          {sheet.products.map((product) => (
            <input type="hidden" name="product" value={product.id} />
          ))}
          <input type="hidden" name="layout" value={sheet.layout} />
          <label>
            {t('labels.copies')}{' '}
            <input type="number" name="copies" min="1" max="50" value={String(sheet.copies)} inputmode="numeric" />
          </label>
          <button type="submit">{t('labels.apply')}</button>
        </form>
        <span>{t('labels.count', { labels: labels.length, products: sheet.products.length })}</span>
      </PrintToolbar>
      <main class="labels">
        {labels.map((product) => (
          <Label product={product} />
        ))}
      </main>
    </PrintDocument>
  );
}
