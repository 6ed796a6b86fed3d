import { csrf } from 'hono/csrf';
import { requestId } from 'hono/request-id';
import { securityHeaders } from './http/security-headers';
import { notFound, onError } from './http/error-page';
import { inputGuard } from './http/input-guard';
import { factory } from './http/factory';
import { central } from './routes/central';
import { api } from './api';
import { companyRoutes } from './routes/company';
import { branchesRoutes } from './routes/branches';
import { usersRoutes } from './routes/users';
import { apiTokensRoutes } from './routes/api-tokens';
import { webhooksRoutes } from './routes/webhooks';
import { messagingRoutes } from './routes/messaging';
import { contactsRoutes } from './routes/contacts';
import { patientsRoutes } from './routes/patients';
import { ecfSettingsRoutes } from './routes/ecf-settings';
import { productsRoutes } from './routes/products';
import { priceUpdatesRoutes } from './routes/price-updates';
import { productLabelsRoutes } from './routes/product-labels';
import { catalogRoutes } from './routes/catalog';
import { stockRoutes } from './routes/stock';
import { currenciesRoutes } from './routes/currencies';
import { taxesRoutes } from './routes/taxes';
import { prescriptionsRoutes } from './routes/prescriptions';
import { labOrdersRoutes } from './routes/lab-orders';
import { sequencesRoutes } from './routes/sequences';
import { quotationsRoutes } from './routes/quotations';
import { invoicesRoutes } from './routes/invoices';
import { paymentsRoutes } from './routes/payments';
import { cashClosesRoutes } from './routes/cash-closes';
import { receivablesRoutes } from './routes/receivables';
import { creditNotesRoutes } from './routes/credit-notes';
import { ecfRoutes } from './routes/ecf';
import { ecfInboxRoutes } from './routes/ecf-inbox';
import { fePostPaths, feRoutes, receiverPath } from './routes/fe';
import { whatsappHooksPath, whatsappHooksRoutes } from './routes/whatsapp-hooks';
import { documentsRoutes } from './routes/documents';
import { shareLinksRoutes } from './routes/share-links';
import { reportsRoutes } from './routes/reports';
import { businessReportsRoutes } from './routes/business-reports';
import { importsRoutes, importUploadPath } from './routes/imports';
import { supportRoutes } from './routes/support';
import { auditRoutes } from './routes/audit';
import { pickersRoutes } from './routes/pickers';
import { salesEditorRoutes } from './routes/sales-editor';
import { commissionsRoutes } from './routes/commissions';
import { rolesRoutes } from './routes/roles';
import { labBoardRoutes } from './routes/lab-board';
import { expensesRoutes } from './routes/expenses';
import { auth } from './routes/auth';
import { tenantHealth } from './routes/health';
import { tenantHome } from './routes/tenant-home';
import { loadUser } from './http/session';
import { shopRenderer } from './http/renderer';
import { tenancy } from './http/tenancy';

function baseApp(options?: Parameters<typeof factory.createApp>[0]) {
  const app = factory.createApp(options);
  app.use(requestId(), securityHeaders);
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

/**
 * Browser forms are checked against CSRF (the Origin must be the shop). The JSON API is exempt: it
 * authenticates with bearer tokens only, never cookies, so a cross-site request carries no credentials.
 */
const checkOrigin = csrf();
const browserCsrf = factory.createMiddleware((c, next) =>
  c.req.path.startsWith('/api/') || c.req.path.startsWith('/fe/') || c.req.path === whatsappHooksPath
    ? next()
    : checkOrigin(c, next),
);

/** What the central domains serve. */
export function createCentralApp() {
  const app = baseApp();
  app.use(inputGuard());
  app.route('/', central);
  return app;
}

/** What a shop's host serves: nothing runs before the tenant is identified and its context set. */
export function createTenantApp() {
  const app = baseApp({ getPath: receiverPath });
  app.use(
    tenancy,
    browserCsrf,
    loadUser((request, env, ctx) => app.fetch(request, env, ctx)),
    shopRenderer,
  );
  // Before the input guard: the signature is over the raw body, which the guard would read as JSON.
  app.route('/', whatsappHooksRoutes);
  app.use(inputGuard({ streamedPaths: ['/company/logo', '/settings/ecf', importUploadPath, ...fePostPaths] }));
  app.route('/', tenantHealth);
  app.route('/', feRoutes);
  app.route('/', auth);
  app.route('/', tenantHome);
  app.route('/', companyRoutes);
  app.route('/', branchesRoutes);
  app.route('/', usersRoutes);
  app.route('/', apiTokensRoutes);
  app.route('/', webhooksRoutes);
  app.route('/', messagingRoutes);
  app.route('/', contactsRoutes);
  app.route('/', patientsRoutes);
  // Before productsRoutes: /products/prices is not a product id.
  app.route('/', priceUpdatesRoutes);
  app.route('/', productLabelsRoutes);
  app.route('/', catalogRoutes);
  app.route('/', productsRoutes);
  app.route('/', stockRoutes);
  app.route('/', currenciesRoutes);
  app.route('/', taxesRoutes);
  app.route('/', prescriptionsRoutes);
  app.route('/', labOrdersRoutes);
  app.route('/', sequencesRoutes);
  app.route('/', quotationsRoutes);
  app.route('/', invoicesRoutes);
  app.route('/', paymentsRoutes);
  app.route('/', cashClosesRoutes);
  app.route('/', receivablesRoutes);
  app.route('/', expensesRoutes);
  app.route('/', creditNotesRoutes);
  app.route('/', ecfInboxRoutes);
  app.route('/', ecfRoutes);
  app.route('/', documentsRoutes);
  app.route('/', shareLinksRoutes);
  app.route('/', reportsRoutes);
  // After reportsRoutes: /reports/dgii is the DGII page, not a business report.
  app.route('/', businessReportsRoutes);
  app.route('/', importsRoutes);
  app.route('/', supportRoutes);
  app.route('/', auditRoutes);
  app.route('/', ecfSettingsRoutes);
  app.route('/', pickersRoutes);
  app.route('/', salesEditorRoutes);
  app.route('/', commissionsRoutes);
  app.route('/', rolesRoutes);
  app.route('/', labBoardRoutes);
  app.route('/api/v1', api);
  return app;
}
