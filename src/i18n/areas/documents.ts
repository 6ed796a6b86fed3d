/** Spanish (es-DO) messages of the documents screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const documentsMessages = {
} as const;
