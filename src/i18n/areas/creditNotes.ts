/** Spanish (es-DO) messages of the credit-notes screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const creditNotesMessages = {
} as const;
