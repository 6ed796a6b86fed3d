/** Spanish (es-DO) messages of the workspace's menu: its groups and its button; merged in src/i18n/es-DO.ts. */
export const navigationMessages = {
  'navigation.menu': 'Menú',
  'navigation.group.sales': 'Ventas',
  'navigation.group.patients': 'Pacientes',
  'navigation.group.inventory': 'Inventario',
  'navigation.group.reports': 'Reportes',
  'navigation.group.settings': 'Configuración',
  'navigation.stock': 'Existencias',
  'navigation.contacts': 'Contactos y pacientes',
  'navigation.switchBranchHint': 'Al elegir otra sucursal, la página se actualiza.',
} as const;
