/** Spanish (es-DO) messages of the currencies screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const currenciesMessages = {} as const;
