import { publicRoute } from '../http/session';
import { apiAuth, createApiApp } from './app';
import { companyApi } from './company';
import { branchesApi } from './branches';
import { contactsApi } from './contacts';
import { productsApi } from './products';
import { stockApi } from './stock';
import { currenciesApi } from './currencies';
import { taxesApi } from './taxes';

import { prescriptionsApi } from './prescriptions';
import { labOrdersApi } from './lab-orders';
import { webhooksApi } from './webhooks';
import { sequencesApi } from './sequences';
import { quotationsApi } from './quotations';
import { invoicesApi } from './invoices';
import { paymentsApi } from './payments';
import { cashClosesApi } from './cash-closes';
import { receivablesApi } from './receivables';
import { creditNotesApi } from './credit-notes';
import { ecfCancellationsApi } from './ecf-cancellations';
import { documentsApi } from './documents';
import { shareLinksApi } from './share-links';
import { reportsApi } from './reports';
import { receivedEcfApi } from './received-ecf';
import { expensesApi } from './expenses';
import { businessReportsApi } from './business-reports';

/** `/api/v1` on the shop's host: integrations, with bearer tokens created by a user in the UI. */
export const api = createApiApp();

api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  description: 'A token created in the shop (API screen)',
});

api.use(apiAuth);
api.route('/', companyApi);
api.route('/', branchesApi);
api.route('/', contactsApi);
api.route('/', productsApi);
api.route('/', stockApi);
api.route('/', currenciesApi);
api.route('/', taxesApi);
api.route('/', prescriptionsApi);
api.route('/', labOrdersApi);
api.route('/', webhooksApi);
api.route('/', sequencesApi);
api.route('/', quotationsApi);
api.route('/', invoicesApi);
api.route('/', paymentsApi);
api.route('/', cashClosesApi);
api.route('/', receivablesApi);
api.route('/', creditNotesApi);
api.route('/', ecfCancellationsApi);
api.route('/', documentsApi);
api.route('/', shareLinksApi);
api.route('/', reportsApi);
api.route('/', receivedEcfApi);
api.route('/', expensesApi);
api.route('/', businessReportsApi);

/** The OpenAPI 3.1 document of the API (served below; `npm run lint:openapi` lints it). */
export function openApiDocument() {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'OptiFlow shop API',
      version: '1.0.0',
      description: 'The JSON API of one optical shop. Errors are application/problem+json (RFC 9457).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }],
  });
}

api.get('/openapi.json', publicRoute, (c) => c.json(openApiDocument()));
