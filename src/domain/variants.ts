/**
 * Frame variants: a model (the parent product) in each chosen colour and size, each a product of its
 * own with its SKU `<model>-<colour code>-<size>` (e.g. `RB3025-NEG-58`).
 */

/** The colour's code in a SKU: its first three letters or digits, accents dropped, upper-case (`Dorado` -> `DOR`). */
export function colourCode(colour: string): string {
  return colour
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 3);
}

/** A size as a SKU part: letters, digits, dot and dash only (`52-18-140`, `M`). */
export function sizeCode(size: string): string {
  return size
    .trim()
    .toUpperCase()
    .replace(/\s+/g, '-')
    .replace(/[^A-Z0-9.-]/g, '');
}

export function variantSku(modelSku: string, colour: string | null, size: string | null): string {
  return [modelSku, colour ? colourCode(colour) : '', size ? sizeCode(size) : ''].filter(Boolean).join('-');
}

/** The sizes typed as a list (`52, 54; 56`): trimmed, distinct, in order. */
export function parseSizes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,;\n]/)
        .map((size) => size.trim())
        .filter(Boolean),
    ),
  ];
}

export interface VariantPlan {
  colour: string | null;
  size: string | null;
  sku: string;
}

/** Every colour x size (a missing dimension counts once as none), with its SKU. */
export function planVariants(modelSku: string, colours: readonly string[], sizes: readonly string[]): VariantPlan[] {
  const colourList = colours.length ? colours : [null];
  const sizeList = sizes.length ? sizes : [null];
  return colourList.flatMap((colour) =>
    sizeList.map((size) => ({ colour, size, sku: variantSku(modelSku, colour, size) })),
  );
}
