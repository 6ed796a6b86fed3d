/** Spanish (es-DO) messages of the contacts screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const contactsMessages = {} as const;
