import { type Permission, permissionMatrix } from './permissions';

/** Every permission, in the order of the matrix. */
export const allPermissions = Object.keys(permissionMatrix) as Permission[];

/**
 * What a custom role may grant: what an admin may do, except managing users. So a custom role never
 * reaches roles, users, the audit log, e-CF settings or the owner's setup checklist: those stay
 * with the default roles (only the owner manages roles), and no custom role can raise itself.
 */
export const grantablePermissions: readonly Permission[] = allPermissions.filter(
  (permission) =>
    (permissionMatrix[permission] as readonly string[]).includes('admin') && permission !== 'users.manage',
);

export const permissionAreas = ['home', 'sales', 'patients', 'inventory', 'reports', 'fiscal', 'settings'] as const;
export type PermissionArea = (typeof permissionAreas)[number];

/** The area of the roles page a permission is shown under, by the part of its name before the first dot. */
const areaOfPrefix: Record<string, PermissionArea> = {
  dashboard: 'home',
  quotations: 'sales',
  invoices: 'sales',
  payments: 'sales',
  cashCloses: 'sales',
  receivables: 'sales',
  creditNotes: 'sales',
  sellers: 'sales',
  contacts: 'patients',
  prescriptions: 'patients',
  labOrders: 'patients',
  labStages: 'patients',
  products: 'inventory',
  stock: 'inventory',
  catalog: 'inventory',
  reports: 'reports',
  expenses: 'reports',
  commissions: 'reports',
  audit: 'reports',
  ecf: 'fiscal',
  sequences: 'fiscal',
};

export function permissionArea(permission: Permission): PermissionArea {
  return areaOfPrefix[permission.split('.')[0]!] ?? 'settings';
}

/** The permissions grouped by area, each area in matrix order (the roles page's checkboxes). */
export function permissionsByArea(
  permissions: readonly Permission[] = allPermissions,
): Array<{ area: PermissionArea; permissions: Permission[] }> {
  return permissionAreas
    .map((area) => ({ area, permissions: permissions.filter((permission) => permissionArea(permission) === area) }))
    .filter((group) => group.permissions.length > 0);
}

/** The permission names of a role as stored (jsonb), keeping only those that still exist, in matrix order. */
export function knownPermissions(names: readonly string[]): Permission[] {
  return allPermissions.filter((permission) => names.includes(permission));
}
