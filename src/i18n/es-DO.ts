import { contactsMessages } from './areas/contacts';
import { importsMessages } from './areas/imports';
import { productsMessages } from './areas/products';
import { catalogMessages } from './areas/catalog';
import { labelsMessages } from './areas/labels';
import { stockMessages } from './areas/stock';
import { usersMessages } from './areas/users';
import { branchesMessages } from './areas/branches';
import { companyMessages } from './areas/company';
import { currenciesMessages } from './areas/currencies';
import { apiTokensMessages } from './areas/apiTokens';
import { dgiiMessages } from './areas/dgii';
import { taxesMessages } from './areas/taxes';
import { backupsMessages } from './areas/backups';
import { supportMessages } from './areas/support';
import { adminTenantsMessages } from './areas/adminTenants';
import { adminMessages } from './areas/admin';
import { reportsMessages } from './areas/reports';
import { documentsMessages } from './areas/documents';
import { creditNotesMessages } from './areas/creditNotes';
import { paymentsMessages } from './areas/payments';
import { invoicesMessages } from './areas/invoices';
import { quotationsMessages } from './areas/quotations';
import { sequencesMessages } from './areas/sequences';
import { prescriptionsMessages } from './areas/prescriptions';
import { inputMessages } from './areas/input';
import { ecfSubmissionsMessages } from './areas/ecf-submissions';
import { ecfMessages } from './areas/ecf';
import { ecfCertificateMessages } from './areas/ecfCertificate';
import { ecfReceptionMessages } from './areas/ecf-reception';
import { ecfInboxMessages } from './areas/ecf-inbox';
import { pickersMessages } from './areas/pickers';
import { navigationMessages } from './areas/navigation';
import { cashClosesMessages } from './areas/cashCloses';
import { dashboardMessages } from './areas/dashboard';
import { salesEditorMessages } from './areas/sales-editor';
import { receivablesMessages } from './areas/receivables';
import { patientsMessages } from './areas/patients';
import { labBoardMessages } from './areas/lab-board';
import { labMessages } from './areas/lab';
import { messagingMessages } from './areas/messaging';
import { webhooksMessages } from './areas/webhooks';
import { whatsappHooksMessages } from './areas/whatsapp-hooks';
import { shareMessages } from './areas/share';
import { businessReportsMessages } from './areas/business-reports';
import { commissionsMessages } from './areas/commissions';
import { expensesMessages } from './areas/expenses';

/** Spanish (Dominican Republic) messages. Keys are stable; the UI never hard-codes text. */
const coreMessages = {
  'app.name': 'OptiFlow',
  'app.tagline': 'El sistema de gestión para ópticas dominicanas',
  'central.title': 'OptiFlow — software para ópticas',
  'central.lead':
    'Pacientes y recetas, inventario de monturas y lentes, cotizaciones, facturas con NCF, cobros y reportes 607/608 para la DGII.',
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
  'error.badRequest.title': 'Solicitud no válida',
  'error.badRequest.body': 'No se pudo procesar la solicitud.',
  'error.server.title': 'Error del servidor',
  'error.server.body': 'Ocurrió un error inesperado. Código de referencia: {requestId}.',
  'error.validation.title': 'Datos no válidos',
  'nav.home': 'Inicio',
  'nav.contacts': 'Contactos',
  'nav.products': 'Productos',
  'nav.stock': 'Inventario',
  'nav.branches': 'Sucursales',
  'nav.users': 'Usuarios',
  'nav.prescriptions': 'Recetas',
  'nav.quotations': 'Cotizaciones',
  'nav.invoices': 'Facturas',
  'nav.payments': 'Cobros',
  'nav.creditNotes': 'Notas de crédito',
  'nav.sequences': 'Comprobantes (NCF)',
  'nav.reports': 'Reportes DGII',
  'nav.currencies': 'Monedas',
  'nav.taxes': 'Impuestos',
  'nav.company': 'Empresa',
  'nav.apiTokens': 'API',
  'nav.account': 'Mi cuenta',
  'nav.logout': 'Cerrar sesión',
  'nav.branch': 'Sucursal',
  'nav.switchBranch': 'Cambiar',
  'nav.main': 'Navegación principal',
  'nav.skip': 'Saltar al contenido',
  'nav.pagination': 'Paginación',
  'auth.login.title': 'Iniciar sesión',
  'auth.login.lead': 'Entre a {shop}',
  'auth.email': 'Correo electrónico',
  'auth.password': 'Contraseña',
  'auth.newPassword': 'Contraseña nueva',
  'auth.currentPassword': 'Contraseña actual',
  'auth.confirmPassword': 'Repita la contraseña',
  'auth.login.submit': 'Entrar',
  'auth.login.failed': 'Correo o contraseña incorrectos.',
  'auth.login.throttled': 'Demasiados intentos fallidos. Espere {minutes} minutos e inténtelo de nuevo.',
  'auth.loggedOut': 'Sesión cerrada.',
  'auth.setPassword.title': 'Elija su contraseña',
  'auth.setPassword.lead': 'Cuenta: {email}',
  'auth.setPassword.submit': 'Guardar contraseña',
  'auth.setPassword.invalid':
    'Este enlace no es válido, ya se usó o venció. Pida uno nuevo al administrador de la óptica.',
  'auth.changePassword.title': 'Cambiar contraseña',
  'auth.changePassword.submit': 'Cambiar contraseña',
  'auth.changePassword.done': 'Contraseña cambiada. Las demás sesiones se cerraron.',
  'auth.changePassword.wrongCurrent': 'La contraseña actual no es correcta.',
  'validation.required': 'Este campo es obligatorio.',
  'validation.email': 'Escriba un correo electrónico válido.',
  'validation.passwordLength': 'La contraseña debe tener entre {min} y {max} caracteres.',
  'validation.passwordMatch': 'Las contraseñas no coinciden.',
  'validation.cursor': 'La posición de la lista no es válida; vuelva a la primera página.',
  'validation.summary': 'Revise los campos marcados.',
  'validation.rncFormat': 'El RNC debe tener 9 dígitos.',
  'validation.cedulaFormat': 'La cédula debe tener 11 dígitos.',
  'validation.rncChecksum': 'El RNC no es válido (dígito verificador) y no está en el registro de la DGII.',
  'validation.cedulaChecksum': 'La cédula no es válida (dígito verificador) y no está en el registro de la DGII.',
  'validation.notFound': 'No existe.',
  'validation.saved': 'Cambios guardados.',
  'dashboard.title': 'Inicio',
  'dashboard.hello': 'Hola, {name}',
  'dashboard.lead': 'Está trabajando en {branch}.',
  'support.leave': 'Terminar sesión de soporte',
  'nav.audit': 'Registro de actividad',
  'support.banner': 'Sesión de soporte de OptiFlow ({admin}). Todo lo que haga queda registrado.',
  'error.forbidden.title': 'Acceso denegado',
  'error.forbidden.body': 'Su usuario no tiene permiso para esta acción.',
  'error.unauthorized.title': 'Inicie sesión',
  'error.unauthorized.body': 'Necesita iniciar sesión para continuar.',
  'error.tooMany.title': 'Demasiadas solicitudes',
  'error.csrf': 'La solicitud no vino de esta óptica.',
} as const;

export const messages = {
  ...coreMessages,
  ...contactsMessages,
  ...productsMessages,
  ...catalogMessages,
  ...labelsMessages,
  ...stockMessages,
  ...usersMessages,
  ...branchesMessages,
  ...companyMessages,
  ...currenciesMessages,
  ...apiTokensMessages,
  ...webhooksMessages,
  ...whatsappHooksMessages,
  ...dgiiMessages,
  ...taxesMessages,
  ...backupsMessages,
  ...supportMessages,
  ...adminTenantsMessages,
  ...adminMessages,
  ...reportsMessages,
  ...documentsMessages,
  ...creditNotesMessages,
  ...paymentsMessages,
  ...invoicesMessages,
  ...quotationsMessages,
  ...sequencesMessages,
  ...prescriptionsMessages,
  ...inputMessages,
  ...ecfSubmissionsMessages,
  ...ecfMessages,
  ...ecfCertificateMessages,
  ...ecfReceptionMessages,
  ...ecfInboxMessages,
  ...pickersMessages,
  ...navigationMessages,
  ...cashClosesMessages,
  ...dashboardMessages,
  ...salesEditorMessages,
  ...receivablesMessages,
  ...patientsMessages,
  ...labBoardMessages,
  ...labMessages,
  ...messagingMessages,
  ...shareMessages,
  ...businessReportsMessages,
  ...commissionsMessages,
  ...expensesMessages,
  ...importsMessages,
} as const;

export type MessageKey = keyof typeof messages;

/** Looks up a message and fills `{placeholders}`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}
