import type { Role } from '../db/tenant-schema';

/**
 * The permission matrix. The server checks it on every route of the UI and the API
 * (`requirePermission` in src/auth/middleware.ts); the UI only hides what a role cannot use.
 */
export const permissionMatrix = {
  'dashboard.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  /** Home page money figures: sales, collections, refunds, open quotations, drafts (a cashier's cash, not margins). */
  'dashboard.sales': ['owner', 'admin', 'ventas', 'caja'],
  'dashboard.receivables': ['owner', 'admin', 'ventas', 'caja'],
  'dashboard.margins': ['owner', 'admin'],
  /** The new shop's setup checklist; only the owner may hide it before it is done. */
  'dashboard.setup': ['owner', 'admin'],
  'dashboard.setup.dismiss': ['owner'],
  'account.manage': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'company.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'company.manage': ['owner', 'admin'],
  /** Messaging channels (sealed credentials), templates, automations, test sends and the message log. */
  'messaging.manage': ['owner', 'admin'],
  'branches.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'branches.manage': ['owner', 'admin'],
  'users.manage': ['owner', 'admin'],
  'contacts.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'contacts.manage': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'contacts.archive': ['owner', 'admin'],
  'products.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'products.manage': ['owner', 'admin'],
  'stock.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'stock.adjust': ['owner', 'admin'],
  'stock.transfer': ['owner', 'admin', 'ventas'],
  'currencies.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'currencies.manage': ['owner', 'admin', 'caja'],
  'apiTokens.manage': ['owner', 'admin'],
  'webhooks.manage': ['owner', 'admin'],
  'prescriptions.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'prescriptions.manage': ['owner', 'admin', 'optometrista'],
  'sequences.view': ['owner', 'admin', 'ventas', 'caja'],
  'sequences.manage': ['owner', 'admin'],
  'quotations.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  'quotations.manage': ['owner', 'admin', 'ventas', 'caja'],
  'invoices.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  /** Create and edit drafts, issue them (allocates the NCF), print and share. */
  'invoices.manage': ['owner', 'admin', 'ventas', 'caja'],
  'invoices.void': ['owner', 'admin'],
  'payments.manage': ['owner', 'admin', 'ventas', 'caja'],
  'payments.void': ['owner', 'admin'],
  /** Close one's own cash (cuadre de caja) and see one's own closes. */
  'cashCloses.close': ['owner', 'admin', 'ventas', 'caja'],
  /** Every cashier's closes, and the branch's close of a day. */
  'cashCloses.viewAll': ['owner', 'admin'],
  /** Receivables, customer statements and credit balances (saldo a favor); refund/apply need payments.manage. */
  'receivables.view': ['owner', 'admin', 'ventas', 'caja'],
  'creditNotes.manage': ['owner', 'admin'],
  'reports.dgii': ['owner', 'admin'],
  /** The shop's own audit log, including OptiFlow support sessions. */
  'audit.view': ['owner'],
  /** e-CF settings: the shop's signing certificate and DGII environment. */
  'ecf.manage': ['owner'],
  /** The inbox of e-CF received from suppliers: list, view, download, print. */
  'ecf.inbox.view': ['owner', 'admin', 'caja'],
  /** Accept or reject a received e-CF commercially (a signed ACECF to DGII and the issuer). */
  'ecf.inbox.approve': ['owner', 'admin'],
  /** The lab board and the lab orders list. */
  'labOrders.view': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  /** Create, edit and move lab orders, add notes and photos (any staff, in their own branches). */
  'labOrders.manage': ['owner', 'admin', 'ventas', 'optometrista', 'caja'],
  /** The lab board's stages: add, rename, reorder, archive. */
  'labStages.manage': ['owner', 'admin'],
  /** Lists and documents of every branch, not only the current one. */
  'branches.all': ['owner', 'admin'],
  /** Expenses and purchases (gastos y compras): list, view and download their attachments. */
  'expenses.view': ['owner', 'admin'],
  /** Record, edit, pay and void expenses; turn a received e-CF into one. */
  'expenses.manage': ['owner', 'admin'],
  /** The business reports (sales, receivables, stock, prescriptions, quotations, expenses) and their exports. */
  'reports.view': ['owner', 'admin'],
  /** The commission report and its rules; closing a period. */
  'commissions.manage': ['owner', 'admin'],
  /** Record someone else as the seller of a quotation or an invoice (everyone else sells as themselves). */
  'sellers.change': ['owner', 'admin'],
  /** Imports from the shop's old system (contacts, products with stock, prescriptions, open invoices). */
  'imports.manage': ['owner', 'admin'],
  /** The shop's optical lists (lens types, materials, indices, treatments, colours, frame shapes, reasons for visit). */
  'catalog.manage': ['owner', 'admin'],
  /** Bulk price updates by filter (preview, then apply). */
  'products.prices': ['owner', 'admin'],
  /** Custom roles built from these permissions, and giving them to users. */
  'roles.manage': ['owner'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionMatrix;

/**
 * Who a permission is asked for: one of the five default roles, or a signed-in principal whose
 * `permissions` (a custom role's list, when the user has one) replace its role's column of the matrix.
 */
export type PermissionHolder = Role | { role: Role; permissions?: readonly Permission[] | null };

export function can(holder: PermissionHolder, permission: Permission): boolean {
  if (typeof holder === 'string') return (permissionMatrix[permission] as readonly Role[]).includes(holder);
  if (holder.permissions) return holder.permissions.includes(permission);
  return (permissionMatrix[permission] as readonly Role[]).includes(holder.role);
}
