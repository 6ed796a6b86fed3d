/** Spanish (es-DO) messages of the dgii screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const dgiiMessages = {} as const;
