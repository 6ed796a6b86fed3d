/** Spanish (Dominican Republic) messages. Keys are stable; the UI never hard-codes text. */
export const messages = {
  'app.name': 'OptiFlow',
  'app.tagline': 'El sistema de gestión para ópticas dominicanas',
  'central.title': 'OptiFlow — software para ópticas',
  'central.lead': 'Pacientes y recetas, inventario de monturas y lentes, cotizaciones, facturas con NCF, cobros y reportes 607/608 para la DGII.',
  'central.shopSignIn': 'Para entrar a su óptica, escriba su dirección: su-optica.{domain}',
  'tenant.welcome': 'Bienvenido a {name}',
  'tenant.lead': 'Su espacio de trabajo en OptiFlow está listo.',
  'tenant.address': 'Dirección de la óptica',
  'error.notFound.title': 'Página no encontrada',
  'error.notFound.body': 'La dirección que buscó no existe.',
  'error.badHost.title': 'Solicitud no válida',
  'error.badHost.body': 'El nombre de host de la solicitud no es válido.',
  'error.suspended.title': 'Servicio suspendido',
  'error.suspended.body': 'Esta óptica no está disponible en este momento. Contacte a su administrador.',
  'error.provisioning.title': 'Preparando la óptica',
  'error.provisioning.body': 'Esta óptica se está configurando. Vuelva a intentarlo en unos segundos.',
  'error.server.title': 'Error del servidor',
  'error.server.body': 'Ocurrió un error inesperado. Código de referencia: {requestId}.',
  'error.validation.title': 'Datos no válidos',
} as const;

export type MessageKey = keyof typeof messages;

/** Looks up a message and fills `{placeholders}`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}
