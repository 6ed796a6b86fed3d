/** Spanish (es-DO) messages of input checks shared by every form and the API; merged into the catalogue in src/i18n/es-DO.ts. */
export const inputMessages = {
  'input.amount.ambiguous':
    '{field} Use punto para los decimales y coma solo para separar miles, por ejemplo 10,000.50.',
  'input.controlCharacters': 'Contiene caracteres no permitidos.',
  'input.tooLarge': 'El archivo es demasiado grande.',
} as const;
