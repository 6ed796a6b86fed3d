/** Spanish (es-DO) messages of the invoices screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const invoicesMessages = {
} as const;
