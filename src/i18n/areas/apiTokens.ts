/** Spanish (es-DO) messages of the apiTokens screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const apiTokensMessages = {} as const;
