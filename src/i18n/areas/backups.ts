/** Spanish (es-DO) messages of the backups screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const backupsMessages = {
} as const;
