/** Spanish (es-DO) messages of the stock screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const stockMessages = {} as const;
