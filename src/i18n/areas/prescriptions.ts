/** Spanish (es-DO) messages of the prescriptions screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const prescriptionsMessages = {
} as const;
