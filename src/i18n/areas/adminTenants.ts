/** Spanish (es-DO) messages of the adminTenants screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const adminTenantsMessages = {
} as const;
