/** Spanish (es-DO) messages of the support screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const supportMessages = {
} as const;
