/** Spanish (es-DO) messages of the dgii screens; merged into the catalogue in src/i18n/es-DO.ts. */
export const dgiiMessages = {
  'dgii.registry': 'Registro de la DGII',
  'dgii.found': 'En el registro de la DGII: {name}',
  'dgii.commercialName': 'Nombre comercial: {name}',
  'dgii.status': 'Estado: {status}',
  'dgii.notFound': 'No está en el registro de la DGII.',
  'dgii.invalidChecksum': 'Dígito verificador no válido y no está en el registro de la DGII.',
  'dgii.incomplete': 'Siga escribiendo el número…',
  'dgii.inactive': 'Atención: el contribuyente no está activo ({status}).',
} as const;
