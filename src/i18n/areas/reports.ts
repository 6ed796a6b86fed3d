/** Spanish (es-DO) messages of the reports screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const reportsMessages = {
} as const;
