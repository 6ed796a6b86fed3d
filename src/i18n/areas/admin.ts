/** Spanish (es-DO) messages of the admin panel's accounts, login and audit screens; merged in src/i18n/es-DO.ts. */
export const adminMessages = {
  'admin.title': 'Administración de OptiFlow',
  'admin.nav.home': 'Inicio',
  'admin.nav.tenants': 'Ópticas',
  'admin.nav.clients': 'Clientes',
  'admin.nav.audit': 'Auditoría',
  'admin.nav.account': 'Mi cuenta',
} as const;
