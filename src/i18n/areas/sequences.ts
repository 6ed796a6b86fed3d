/** Spanish (es-DO) messages of the sequences screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const sequencesMessages = {
} as const;
