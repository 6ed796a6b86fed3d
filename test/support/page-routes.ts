/**
 * Every GET page of a shop's UI (the signed-in shell: lists, details, new and edit forms, settings,
 * reports), with its ids filled from rows a test seeded. test/node/browser-layout.test.ts opens each
 * at phone and desk width. A new page adds its line here. Left out on purpose: print documents
 * (A4 / 80 mm sheets, not screens), downloads (PDF, TXT, XML) and htmx fragments (pickers, registry).
 */
export interface SeededIds {
  contactId: string;
  productId: string;
  branchId: string;
  userId: string;
  sequenceId: string;
  taxId: string;
  prescriptionId: string;
  quotationId: string;
  draftInvoiceId: string;
  invoiceId: string;
  paymentId: string;
  creditNoteId: string;
  receivedEcfId: string;
  labOrderId: string;
  expenseId: string;
  roleId: string;
}

export interface PageRoute {
  /** A short name for messages and screenshots. */
  name: string;
  path: string;
}

export function pageRoutes(ids: SeededIds): PageRoute[] {
  return [
    { name: 'home', path: '/' },
    // Ventas
    { name: 'quotations', path: '/quotations' },
    { name: 'quotations-open', path: '/quotations?status=open' },
    { name: 'quotation-new', path: '/quotations/new' },
    { name: 'quotation-from-rx', path: `/quotations/new?prescription=${ids.prescriptionId}` },
    { name: 'quotation', path: `/quotations/${ids.quotationId}` },
    { name: 'quotation-edit', path: `/quotations/${ids.quotationId}/edit` },
    { name: 'invoices', path: '/invoices' },
    { name: 'invoices-period', path: '/invoices?from=2026-01-01&to=2026-12-31' },
    { name: 'invoice-new', path: '/invoices/new' },
    { name: 'invoice', path: `/invoices/${ids.invoiceId}` },
    { name: 'invoice-draft', path: `/invoices/${ids.draftInvoiceId}` },
    { name: 'invoice-edit', path: `/invoices/${ids.draftInvoiceId}/edit` },
    { name: 'invoice-issue-confirm', path: `/invoices/${ids.draftInvoiceId}/issue` },
    { name: 'invoice-share', path: `/invoices/${ids.invoiceId}/share-links` },
    { name: 'quotation-share', path: `/quotations/${ids.quotationId}/share-links` },
    { name: 'prescription-share', path: `/prescriptions/${ids.prescriptionId}/share-links` },
    { name: 'payment-share', path: `/payments/${ids.paymentId}/share-links` },
    { name: 'payment-new', path: `/invoices/${ids.invoiceId}/payments/new` },
    { name: 'payments', path: '/payments' },
    { name: 'payment', path: `/payments/${ids.paymentId}` },
    { name: 'cash-closes', path: '/cash-closes' },
    { name: 'cash-close-new', path: '/cash-closes/new' },
    { name: 'receivables', path: '/receivables' },
    { name: 'statement', path: `/contacts/${ids.contactId}/statement` },
    { name: 'credit', path: `/contacts/${ids.contactId}/credit` },
    { name: 'credit-note-new', path: `/invoices/${ids.invoiceId}/credit-notes/new` },
    { name: 'credit-notes', path: '/credit-notes' },
    { name: 'credit-note', path: `/credit-notes/${ids.creditNoteId}` },
    { name: 'ecf', path: '/ecf' },
    { name: 'ecf-received', path: '/ecf/recibidos' },
    { name: 'ecf-received-detail', path: `/ecf/recibidos/${ids.receivedEcfId}` },
    { name: 'ecf-cancellations', path: '/ecf/cancellations' },
    { name: 'ecf-fallback', path: '/ecf/fallback' },
    // Pacientes
    { name: 'contacts', path: '/contacts' },
    { name: 'contact-new', path: '/contacts/new' },
    { name: 'contact', path: `/contacts/${ids.contactId}` },
    { name: 'contact-prescriptions', path: `/contacts/${ids.contactId}/prescriptions` },
    { name: 'patient', path: `/patients/${ids.contactId}` },
    { name: 'prescriptions', path: '/prescriptions' },
    { name: 'prescriptions-due', path: '/prescriptions?due=week' },
    { name: 'prescription-new', path: '/prescriptions/new' },
    { name: 'prescription', path: `/prescriptions/${ids.prescriptionId}` },
    { name: 'prescription-edit', path: `/prescriptions/${ids.prescriptionId}/edit` },
    { name: 'lab-board', path: '/lab' },
    { name: 'lab-orders', path: '/lab-orders' },
    { name: 'lab-order-new', path: '/lab-orders/new?q=mar' },
    { name: 'lab-order-new-invoice', path: `/lab-orders/new?invoiceId=${ids.invoiceId}` },
    { name: 'lab-order', path: `/lab-orders/${ids.labOrderId}` },
    { name: 'lab-order-edit', path: `/lab-orders/${ids.labOrderId}/edit` },
    // Inventario
    { name: 'products', path: '/products' },
    { name: 'product-new', path: '/products/new' },
    { name: 'product', path: `/products/${ids.productId}` },
    { name: 'stock', path: '/stock' },
    { name: 'stock-movements', path: `/stock/movements?productId=${ids.productId}` },
    { name: 'stock-adjust', path: '/stock/adjust' },
    { name: 'stock-transfer', path: '/stock/transfer' },
    { name: 'price-updates', path: '/products/prices' },
    // Reportes
    { name: 'reports', path: '/reports' },
    { name: 'report-sales-by-day', path: '/reports/sales-by-day' },
    { name: 'report-receivables-ageing', path: '/reports/receivables-ageing' },
    { name: 'dgii', path: '/reports/dgii' },
    { name: 'expenses', path: '/expenses' },
    { name: 'expense-new', path: '/expenses/new' },
    { name: 'expense', path: `/expenses/${ids.expenseId}` },
    { name: 'expense-edit', path: `/expenses/${ids.expenseId}/edit` },
    { name: 'commissions', path: '/commissions' },
    { name: 'commission-rules', path: '/commissions/rules' },
    // Configuración
    { name: 'company', path: '/company' },
    { name: 'branches', path: '/branches' },
    { name: 'branch-new', path: '/branches/new' },
    { name: 'branch', path: `/branches/${ids.branchId}` },
    { name: 'users', path: '/users' },
    { name: 'user-new', path: '/users/new' },
    { name: 'user', path: `/users/${ids.userId}` },
    { name: 'sequences', path: '/sequences' },
    { name: 'sequence-new', path: '/sequences/new' },
    { name: 'sequence', path: `/sequences/${ids.sequenceId}` },
    { name: 'currencies', path: '/currencies' },
    { name: 'currency', path: '/currencies/USD' },
    { name: 'taxes', path: '/taxes' },
    { name: 'tax', path: `/taxes/${ids.taxId}` },
    { name: 'lab-stages', path: '/settings/lab-stages' },
    { name: 'ecf-settings', path: '/settings/ecf' },
    { name: 'api-tokens', path: '/api-tokens' },
    { name: 'webhooks', path: '/settings/webhooks' },
    { name: 'messaging-settings', path: '/settings/messages' },
    { name: 'messaging-channel', path: '/settings/messages/channels/whatsapp' },
    { name: 'messaging-template-new', path: '/settings/messages/templates/new' },
    { name: 'messages', path: '/messages' },
    { name: 'audit', path: '/audit' },
    { name: 'roles', path: '/roles' },
    { name: 'role-new', path: '/roles/new' },
    { name: 'role', path: `/roles/${ids.roleId}` },
    { name: 'catalog', path: '/catalog' },
    { name: 'imports', path: '/imports' },
    { name: 'import-new', path: '/imports/new?entity=contacts' },
    { name: 'account-password', path: '/account/password' },
  ];
}
