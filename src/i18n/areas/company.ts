/** Spanish (es-DO) messages of the company screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const companyMessages = {} as const;
