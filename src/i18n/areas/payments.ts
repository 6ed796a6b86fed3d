/** Spanish (es-DO) messages of the payments screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const paymentsMessages = {
} as const;
