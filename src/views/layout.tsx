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
  'lab-board.css',
  'reports.css',
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
          <link rel="icon" href={staticUrl('favicon.svg')} type="image/svg+xml" />
          <link rel="icon" href="/favicon.ico" sizes="32x32" />
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

type NavigationGroup = 'sales' | 'patients' | 'inventory' | 'reports' | 'settings';

const navigationGroups: Array<{ id: NavigationGroup; label: MessageKey }> = [
  { id: 'sales', label: 'navigation.group.sales' },
  { id: 'patients', label: 'navigation.group.patients' },
  { id: 'inventory', label: 'navigation.group.inventory' },
  { id: 'reports', label: 'navigation.group.reports' },
  { id: 'settings', label: 'navigation.group.settings' },
];

interface NavigationItem {
  href: string;
  label: MessageKey;
  permission: Permission;
  /** The menu's group; none for Inicio, which stays first on its own. */
  group?: NavigationGroup;
}

/** The shop's menu. A new page adds one line in its group; a group the user may see nothing of is not shown. */
const navigation: NavigationItem[] = [
  { href: '/', label: 'nav.home', permission: 'dashboard.view' },
  { href: '/quotations', label: 'nav.quotations', permission: 'quotations.view', group: 'sales' },
  { href: '/invoices', label: 'nav.invoices', permission: 'invoices.view', group: 'sales' },
  { href: '/payments', label: 'nav.payments', permission: 'invoices.view', group: 'sales' },
  { href: '/receivables', label: 'nav.receivables', permission: 'receivables.view', group: 'sales' },
  { href: '/cash-closes', label: 'nav.cashCloses', permission: 'cashCloses.close', group: 'sales' },
  { href: '/credit-notes', label: 'nav.creditNotes', permission: 'invoices.view', group: 'sales' },
  { href: '/ecf', label: 'ecfSubmissions.nav', permission: 'invoices.view', group: 'sales' },
  { href: '/ecf/recibidos', label: 'ecfInbox.nav', permission: 'ecf.inbox.view', group: 'sales' },
  { href: '/contacts', label: 'navigation.contacts', permission: 'contacts.view', group: 'patients' },
  { href: '/prescriptions', label: 'nav.prescriptions', permission: 'prescriptions.view', group: 'patients' },
  { href: '/lab', label: 'labBoard.title', permission: 'labOrders.view', group: 'patients' },
  { href: '/products', label: 'nav.products', permission: 'products.view', group: 'inventory' },
  { href: '/stock', label: 'navigation.stock', permission: 'stock.view', group: 'inventory' },
  { href: '/products/prices', label: 'catalog.prices.title', permission: 'products.prices', group: 'inventory' },
  { href: '/reports', label: 'businessReports.nav', permission: 'reports.view', group: 'reports' },
  { href: '/reports/dgii', label: 'nav.reports', permission: 'reports.dgii', group: 'reports' },
  { href: '/commissions', label: 'commissions.title', permission: 'commissions.manage', group: 'reports' },
  { href: '/expenses', label: 'expenses.nav', permission: 'expenses.view', group: 'reports' },
  { href: '/company', label: 'nav.company', permission: 'company.view', group: 'settings' },
  { href: '/branches', label: 'nav.branches', permission: 'branches.view', group: 'settings' },
  { href: '/users', label: 'nav.users', permission: 'users.manage', group: 'settings' },
  { href: '/roles', label: 'roles.title', permission: 'roles.manage', group: 'settings' },
  { href: '/sequences', label: 'nav.sequences', permission: 'sequences.view', group: 'settings' },
  { href: '/currencies', label: 'nav.currencies', permission: 'currencies.view', group: 'settings' },
  { href: '/taxes', label: 'nav.taxes', permission: 'products.view', group: 'settings' },
  { href: '/catalog', label: 'catalog.title', permission: 'catalog.manage', group: 'settings' },
  { href: '/imports', label: 'imports.title', permission: 'imports.manage', group: 'settings' },
  { href: '/settings/lab-stages', label: 'labStages.title', permission: 'labStages.manage', group: 'settings' },
  { href: '/settings/ecf', label: 'ecf.nav', permission: 'ecf.manage', group: 'settings' },
  { href: '/api-tokens', label: 'nav.apiTokens', permission: 'apiTokens.manage', group: 'settings' },
  { href: '/settings/webhooks', label: 'webhooks.title', permission: 'webhooks.manage', group: 'settings' },
  { href: '/settings/messages', label: 'messaging.settings.title', permission: 'messaging.manage', group: 'settings' },
  { href: '/audit', label: 'nav.audit', permission: 'audit.view', group: 'settings' },
];

type MenuLink = { href: string; label: MessageKey };

function MenuLinks(props: { links: MenuLink[]; current: string; labelledBy?: string }) {
  return (
    <ul aria-labelledby={props.labelledBy}>
      {props.links.map((link) => (
        <li>
          <a href={link.href} aria-current={props.current === link.href ? 'page' : undefined}>
            {t(link.label)}
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * The menu: a sidebar at desk width; on a phone, collapsed behind the "Menú" button. A <details>
 * opens and closes without JavaScript and tells assistive technology whether it is expanded;
 * app.js keeps it open at desk width and lets Escape close it on a phone.
 */
function Menu(props: {
  ungrouped: MenuLink[];
  groups: Array<{ id: string; label: MessageKey; links: MenuLink[] }>;
  current: string;
}) {
  return (
    <details class="app-menu" data-app-menu>
      <summary class="menu-button">{t('navigation.menu')}</summary>
      <nav class="app-nav" aria-label={t('nav.main')}>
        {props.ungrouped.length > 0 ? <MenuLinks links={props.ungrouped} current={props.current} /> : null}
        {props.groups
          .filter((group) => group.links.length > 0)
          .map((group) => (
            <div class="nav-group">
              <span class="nav-group-title" id={`nav-group-${group.id}`}>
                {t(group.label)}
              </span>
              <MenuLinks links={group.links} current={props.current} labelledBy={`nav-group-${group.id}`} />
            </div>
          ))}
      </nav>
    </details>
  );
}

/** The shop's workspace: navigation for the user's role, shop name and logo, branch, account. */
export function AppShell(props: { title: string; user: SessionUser; current: string; children: Child }) {
  const { user } = props;
  const allowed = navigation.filter((item) => can(user, item.permission));
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
          {/* app.js submits on a pointer's choice, or on Enter / leaving the field after arrowing: arrows alone never switch. */}
          <form class="branch-switch" method="post" action="/session/branch">
            <label for="branch-select">{t('nav.branch')}</label>
            <select id="branch-select" name="branchId" data-submit-on-change>
              {user.branches.map((branch) => (
                <option value={branch.id} selected={branch.id === user.branch?.id}>
                  {branch.name}
                </option>
              ))}
            </select>
            <noscript>
              <button type="submit" class="button-small">
                {t('nav.switchBranch')}
              </button>
            </noscript>
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
          <Menu
            ungrouped={allowed.filter((item) => !item.group)}
            groups={navigationGroups.map((group) => ({
              ...group,
              links: allowed.filter((item) => item.group === group.id),
            }))}
            current={props.current}
          />
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
        </div>
      </body>
    </Document>
  );
}

const adminNavigation: MenuLink[] = [
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
          <Menu ungrouped={adminNavigation} groups={[]} current={props.current} />
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
        </div>
      </body>
    </Document>
  );
}
