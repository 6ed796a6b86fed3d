/** Spanish (es-DO) messages of WhatsApp's status webhooks; merged in src/i18n/es-DO.ts. */
export const whatsappHooksMessages = {
  'whatsappHooks.badVerifyToken': 'El token de verificación de WhatsApp no coincide.',
  'whatsappHooks.badSignature': 'La firma de WhatsApp (X-Hub-Signature-256) no es válida.',
  'whatsappHooks.badPayload': 'El aviso de WhatsApp no es JSON válido.',
  'whatsappHooks.tooLarge': 'El aviso de WhatsApp es demasiado grande.',
  'whatsappHooks.failed': 'WhatsApp no pudo entregarlo (código {code}): {detail}',
  'whatsappHooks.failed131047':
    'WhatsApp no lo entregó: pasaron más de 24 horas desde el último mensaje del cliente; hace falta una plantilla aprobada (código {code}).',
} as const;
