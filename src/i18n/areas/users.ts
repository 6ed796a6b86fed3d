/** Spanish (es-DO) messages of the users screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const usersMessages = {} as const;
