/** Spanish (es-DO) messages of e-CF exchange with other taxpayers: delivery to buyers and the inbox of received e-CF (/ecf/recibidos); merged in src/i18n/es-DO.ts. */
export const ecfInboxMessages = {
  'ecfInbox.delivery.noSettings': 'La óptica no tiene certificado para e-CF.',
  'ecfInbox.delivery.notReceived': 'El comprador respondió que no lo recibió: {reason}',
  'ecfInbox.delivery.reason.1': 'error de especificación',
  'ecfInbox.delivery.reason.2': 'error de firma digital',
  'ecfInbox.delivery.reason.3': 'envío duplicado',
  'ecfInbox.delivery.reason.4': 'el RNC del comprador no corresponde',
  'ecfInbox.delivery.error.unreachable': 'No se pudo contactar al comprador ({detail}).',
  'ecfInbox.delivery.error.unauthorized': 'El comprador no aceptó la autenticación de la óptica ({detail}).',
  'ecfInbox.delivery.error.refused': 'El comprador rechazó el envío ({detail}).',
  'ecfInbox.delivery.error.bad_answer': 'El acuse de recibo del comprador no es válido ({detail}).',
  'ecfInbox.delivery.error.directory': 'No se pudo consultar el directorio de la DGII ({detail}).',
  'ecfInbox.delivery.error.unexpected': 'Error inesperado al entregar el e-CF ({detail}).',
} as const;
