/** Spanish (es-DO) messages of the branches screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const branchesMessages = {} as const;
