/** Spanish (es-DO) messages of the quotations screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const quotationsMessages = {
} as const;
