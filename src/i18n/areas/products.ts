/** Spanish (es-DO) messages of the products screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const productsMessages = {} as const;
