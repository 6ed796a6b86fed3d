/** JsBarcode's encoders (CommonJS, no DOM): the two symbologies a label prints. The package ships no types for them. */
declare module 'jsbarcode/bin/barcodes/EAN_UPC/index.js' {
  export class EAN13 {
    constructor(data: string, options: Record<string, unknown>);
    valid(): boolean;
    encode(): Array<{ data: string; text?: string }>;
  }
}

declare module 'jsbarcode/bin/barcodes/CODE128/index.js' {
  /** Code 128 switching between sets A, B and C for the shortest symbol. */
  export class CODE128 {
    constructor(data: string, options: Record<string, unknown>);
    valid(): boolean;
    encode(): { data: string; text?: string };
  }
}
