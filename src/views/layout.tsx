import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { SessionUser } from '../auth/session';
import { can, type Permission } from '../auth/permissions';
import { t, type MessageKey } from '../i18n/es-DO';
import { type StaticAsset, staticUrl } from './static-url';

/**
 * Every screen stylesheet, linked from <head> on every page: htmx's boosted navigation swaps only
 * the <body>, so a stylesheet linked there would show the new page unstyled until it loads.
 * They are small, cached for a year under their content hash, and none overrides another (print
 * pages have their own documents).
 */
const stylesheets: StaticAsset[] = [
  'app.css',
  'admin.css',
  'contacts.css',
  'invoices.css',
  'quotations.css',
  'payments.css',
  'cash-closes.css',
  'prescriptions.css',
  'dashboard.css',
];
/** The platform admin panel's own screens add theirs; shop pages never name them. */
const panelStylesheets: StaticAsset[] = [...stylesheets, 'admin-tenants.css'];

function Document(props: { title: string; panel?: boolean; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="es-DO">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title}</title>
          {/* htmx 2 ignores 4xx/5xx responses by default: swap them (a form with its field errors, an error page with its way back). */}
          <meta
            name="htmx-config"
            content='{"includeIndicatorStyles":false,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"422","swap":true},{"code":"[45]..","swap":true,"error":true}]}'
          />
          {(props.panel ? panelStylesheets : stylesheets).map((name) => (
            <link rel="stylesheet" href={staticUrl(name)} />
          ))}
          <script src={staticUrl('htmx.min.js')} defer></script>
          <script src={staticUrl('app.js')} defer></script>
        </head>
        {props.children}
      </html>
    </>
  );
}

/** Pages without a signed-in user: landing, login, errors. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <Document title={props.title}>
      <body>
        <header class="site-header">
          <span class="brand">{t('app.name')}</span>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </Document>
  );
}

const navigation: Array<{ href: string; label: MessageKey; permission: Permission }> = [
  { href: '/', label: 'nav.home', permission: 'dashboard.view' },
  { href: '/contacts', label: 'nav.contacts', permission: 'contacts.view' },
  { href: '/prescriptions', label: 'nav.prescriptions', permission: 'prescriptions.view' },
  { href: '/quotations', label: 'nav.quotations', permission: 'quotations.view' },
  { href: '/invoices', label: 'nav.invoices', permission: 'invoices.view' },
  { href: '/payments', label: 'nav.payments', permission: 'invoices.view' },
  { href: '/cash-closes', label: 'nav.cashCloses', permission: 'cashCloses.close' },
  { href: '/receivables', label: 'nav.receivables', permission: 'receivables.view' },
  { href: '/credit-notes', label: 'nav.creditNotes', permission: 'invoices.view' },
  { href: '/ecf', label: 'ecfSubmissions.nav', permission: 'invoices.view' },
  { href: '/ecf/recibidos', label: 'ecfInbox.nav', permission: 'ecf.inbox.view' },
  { href: '/products', label: 'nav.products', permission: 'products.view' },
  { href: '/stock', label: 'nav.stock', permission: 'stock.view' },
  { href: '/taxes', label: 'nav.taxes', permission: 'products.view' },
  { href: '/currencies', label: 'nav.currencies', permission: 'currencies.view' },
  { href: '/sequences', label: 'nav.sequences', permission: 'sequences.view' },
  { href: '/reports/dgii', label: 'nav.reports', permission: 'reports.dgii' },
  { href: '/branches', label: 'nav.branches', permission: 'branches.view' },
  { href: '/users', label: 'nav.users', permission: 'users.manage' },
  { href: '/company', label: 'nav.company', permission: 'company.view' },
  { href: '/settings/ecf', label: 'ecf.nav', permission: 'ecf.manage' },
  { href: '/api-tokens', label: 'nav.apiTokens', permission: 'apiTokens.manage' },
  { href: '/audit', label: 'nav.audit', permission: 'audit.view' },
];

/** The shop's workspace: navigation for the user's role, shop name and logo, branch, account. */
export function AppShell(props: { title: string; user: SessionUser; current: string; children: Child }) {
  const { user } = props;
  return (
    <Document title={`${props.title} · ${user.shopName}`}>
      <body hx-boost="true">
        <a class="skip-link" href="#main">
          {t('nav.skip')}
        </a>
        {user.impersonatedBy ? (
          <div class="support-banner" role="status">
            {t('support.banner', { admin: user.impersonatedBy })}
            {/* Leaving goes to the central domain: a plain navigation, not an htmx request (another origin). */}
            <form method="post" action="/support/leave" class="support-leave" hx-boost="false">
              <button type="submit" class="button-small">
                {t('support.leave')}
              </button>
            </form>
          </div>
        ) : null}
        <header class="app-header">
          <a class="shop" href="/">
            {user.logoKey ? <img src="/company/logo" alt="" class="shop-logo" /> : null}
            <span class="shop-name">{user.shopName}</span>
          </a>
          <form class="branch-switch" method="post" action="/session/branch">
            <label for="branch-select">{t('nav.branch')}</label>
            <select id="branch-select" name="branchId">
              {user.branches.map((branch) => (
                <option value={branch.id} selected={branch.id === user.branch?.id}>
                  {branch.name}
                </option>
              ))}
            </select>
            <button type="submit" class="button-small">
              {t('nav.switchBranch')}
            </button>
          </form>
          <div class="account">
            <a href="/account/password">{user.name}</a>
            <form method="post" action="/logout">
              <button type="submit" class="link-button">
                {t('nav.logout')}
              </button>
            </form>
          </div>
        </header>
        <div class="app-body">
          <nav class="app-nav" aria-label={t('nav.main')}>
            <ul>
              {navigation
                .filter((item) => can(user.role, item.permission))
                .map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.current === item.href ? 'page' : undefined}>
                      {t(item.label)}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
        </div>
      </body>
    </Document>
  );
}

const adminNavigation: Array<{ href: string; label: MessageKey }> = [
  { href: '/admin', label: 'admin.nav.home' },
  { href: '/admin/tenants', label: 'admin.nav.tenants' },
  { href: '/admin/clients', label: 'admin.nav.clients' },
  { href: '/admin/audit', label: 'admin.nav.audit' },
  { href: '/admin/account', label: 'admin.nav.account' },
];

/** The admin panel on the central domain (OptiFlow's operators, not a shop's staff). */
export function AdminShell(props: {
  title: string;
  admin: { name: string; email: string };
  current: string;
  children: Child;
}) {
  return (
    <Document title={`${props.title} · ${t('admin.title')}`} panel>
      <body hx-boost="true" class="admin">
        <a class="skip-link" href="#main">
          {t('nav.skip')}
        </a>
        <header class="app-header admin-header">
          <a class="shop" href="/admin">
            <span class="shop-name">{t('admin.title')}</span>
          </a>
          <div class="account">
            <span>{props.admin.email}</span>
            <form method="post" action="/admin/logout">
              <button type="submit" class="link-button">
                {t('nav.logout')}
              </button>
            </form>
          </div>
        </header>
        <div class="app-body">
          <nav class="app-nav" aria-label={t('nav.main')}>
            <ul>
              {adminNavigation.map((item) => (
                <li>
                  <a href={item.href} aria-current={props.current === item.href ? 'page' : undefined}>
                    {t(item.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
        </div>
      </body>
    </Document>
  );
}
