/**
 * Every signed-in page outside sales costs one tenant database round trip of its own (plus the
 * session check until it rides on the page's request), and that count does not grow with rows.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  contacts,
  ecfCancellations,
  ecfFallbacks,
  fiscalSequences,
  prescriptions,
  products,
  receivedEcf,
} from '../../src/db/tenant-schema';
import { ecfShop, issued } from '../support/worker/ecf';
import { authenticate, paths, post, sender, signedEcf } from '../support/worker/ecf-reception';
import { countRoundTrips, get, sessionRoundTrips } from '../support/worker/helpers';
import { colleague } from '../support/worker/shop';

type Shop = Awaited<ReturnType<typeof ecfShop>>;

/** `extra` more customers with a prescription each, and `extra` more products. */
async function addRows(s: Shop, extra: number, from: number) {
  const people = await s.db
    .insert(contacts)
    .values(
      Array.from({ length: extra }, (_, i) => ({
        name: `Cliente ${from + i}`,
        phone: `809555${String(from + i).padStart(4, '0')}`,
      })),
    )
    .returning();
  await s.db.insert(prescriptions).values(
    people.map((person) => ({
      patientId: person.id,
      branchId: s.main.id,
      examinedOn: '2024-05-10',
      optometristName: 'Dr. Externo',
    })),
  );
  await s.db.insert(products).values(
    Array.from({ length: extra }, (_, i) => ({
      sku: `P-${from + i}`,
      name: `Producto ${from + i}`,
      category: 'monturas' as const,
      price: '100.0000',
      taxId: s.tax('ITBIS18').id,
    })),
  );
}

/** A shop with `rows` customers (each with a prescription) and products, and a few rows of everything else the pages show. */
async function seededShop(rows: number) {
  const s = await ecfShop();
  await addRows(s, rows, 0);
  await issued(s, 'E32');
  const supplier = await sender();
  const { xml, encf } = await signedEcf(supplier, s.rnc);
  const token = await authenticate(s.host, supplier);
  expect((await post(s.host, paths.reception, xml, { token })).status).toBe(200);
  const [received] = await s.db.select().from(receivedEcf).where(eq(receivedEcf.encf, encf));
  const [e32] = await s.db
    .insert(fiscalSequences)
    .values({ docType: 'E32', prefix: 'E32', rangeStart: 1, rangeEnd: 100, nextNumber: 1, validUntil: '2099-12-31' })
    .returning();
  const [cancelled] = await s.db
    .insert(ecfCancellations)
    .values({
      sequenceId: e32!.id,
      docType: 'E32',
      fromNumber: 90,
      toNumber: 100,
      firstEncf: 'E320000000090',
      lastEncf: 'E320000000100',
      state: 'accepted',
      requestedBy: 'tests',
    })
    .returning();
  await s.db.insert(ecfFallbacks).values({ reason: 'Caída de la DGII', startedBy: 'tests', endedAt: new Date() });
  await s.db.insert(auditLog).values({ action: 'contact.created', actor: 'tests', details: { name: 'Cliente 0' } });
  const [rx] = await s.db.select().from(prescriptions).limit(1);
  const seller = await colleague(s, 'ventas');
  return { ...s, received: received!, rx: rx!, cancelled: cancelled!, seller };
}

type Seeded = Awaited<ReturnType<typeof seededShop>>;

interface Page {
  path: (s: Seeded) => string;
  /** The page's own database requests: 1, or 0 for a form that needs nothing from the database. */
  own?: 0 | 1;
  /** Asked by htmx for the list fragment. */
  fragment?: boolean;
  /** Seen by a seller allowed in the main branch only (branch-scoped reads, no manage rights), not the owner. */
  seller?: boolean;
}

const pages: Record<string, Page> = {
  home: { path: () => '/' },
  'home, every branch': { path: () => '/?branch=all' },
  contacts: { path: () => '/contacts' },
  'contacts search': { path: () => '/contacts?q=cliente' },
  'contacts fragment': { path: () => '/contacts?q=cli', fragment: true },
  'contact new': { path: () => '/contacts/new', own: 0 },
  'contact detail': { path: (s) => `/contacts/${s.rx.patientId}` },
  'contact prescriptions': { path: (s) => `/contacts/${s.rx.patientId}/prescriptions` },
  products: { path: () => '/products' },
  'products fragment': { path: () => '/products?q=prod', fragment: true },
  'product new': { path: () => '/products/new' },
  'product detail': { path: (s) => `/products/${s.frame.id}` },
  stock: { path: () => '/stock' },
  'stock fragment': { path: () => '/stock?q=mon', fragment: true },
  'stock movements': { path: (s) => `/stock/movements?productId=${s.frame.id}` },
  'stock adjust': { path: () => '/stock/adjust', own: 0 },
  'stock transfer': { path: () => '/stock/transfer', own: 0 },
  currencies: { path: () => '/currencies' },
  currency: { path: () => '/currencies/USD' },
  taxes: { path: () => '/taxes' },
  tax: { path: (s) => `/taxes/${s.tax('ITBIS18').id}` },
  branches: { path: () => '/branches' },
  'branch new': { path: () => '/branches/new', own: 0 },
  branch: { path: (s) => `/branches/${s.main.id}` },
  users: { path: () => '/users' },
  'user new': { path: () => '/users/new', own: 0 },
  user: { path: (s) => `/users/${s.user.id}` },
  'api tokens': { path: () => '/api-tokens' },
  company: { path: () => '/company' },
  prescriptions: { path: () => '/prescriptions' },
  'prescriptions fragment': { path: () => '/prescriptions?q=cliente', fragment: true },
  'prescriptions due this week': { path: () => '/prescriptions?due=week' },
  'prescription patient search': { path: () => '/prescriptions/patients?q=cliente', fragment: true },
  'prescription new': { path: () => '/prescriptions/new', own: 0 },
  'prescription new for a patient': { path: (s) => `/prescriptions/new?patientId=${s.rx.patientId}` },
  prescription: { path: (s) => `/prescriptions/${s.rx.id}` },
  'prescription edit': { path: (s) => `/prescriptions/${s.rx.id}/edit` },
  'prescription print': { path: (s) => `/prescriptions/${s.rx.id}/print` },
  'prescription certificate': { path: (s) => `/prescriptions/${s.rx.id}/certificate` },
  sequences: { path: () => '/sequences' },
  'sequence new': { path: () => '/sequences/new', own: 0 },
  sequence: { path: (s) => `/sequences/${s.b02.id}` },
  'dgii reports preview': { path: () => '/reports/dgii' },
  'business reports': { path: () => '/reports' },
  'sales by day report': { path: () => '/reports/sales-by-day?from=2025-01-01&to=2025-12-31' },
  'sales by day report fragment': { path: () => '/reports/sales-by-day?from=2025-01-01', fragment: true },
  'receivables ageing report': { path: () => '/reports/receivables-ageing' },
  'stock levels report': { path: () => '/reports/stock-levels' },
  'sales by product report print': { path: () => '/reports/sales-by-product/print' },
  'ecf pending': { path: () => '/ecf' },
  'ecf received': { path: () => '/ecf/recibidos' },
  'ecf received fragment': { path: () => '/ecf/recibidos?q=a', fragment: true },
  'ecf received detail': { path: (s) => `/ecf/recibidos/${s.received.id}` },
  'ecf received print': { path: (s) => `/ecf/recibidos/${s.received.id}/print` },
  'ecf cancellations': { path: () => '/ecf/cancellations' },
  'ecf cancellations with notice': { path: (s) => `/ecf/cancellations?cancelled=${s.cancelled.id}` },
  'ecf fallback': { path: () => '/ecf/fallback' },
  'ecf settings': { path: () => '/settings/ecf' },
  audit: { path: () => '/audit' },
  'audit fragment': { path: () => '/audit?action=contact', fragment: true },
  'home, seller': { path: () => '/', seller: true },
  'contacts, seller': { path: () => '/contacts', seller: true },
  'product detail, seller': { path: (s) => `/products/${s.frame.id}`, seller: true },
  'stock, seller': { path: () => '/stock', seller: true },
  'prescriptions, seller': { path: () => '/prescriptions', seller: true },
  'prescriptions due this week, seller': { path: () => '/prescriptions?due=week', seller: true },
  'prescription, seller': { path: (s) => `/prescriptions/${s.rx.id}`, seller: true },
  'contact prescriptions, seller': { path: (s) => `/contacts/${s.rx.patientId}/prescriptions`, seller: true },
};

/** Tenant round trips of one signed-in GET, with its status. */
async function visit(s: Seeded, page: Page) {
  const database = `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
  let status = 0;
  const trips = await countRoundTrips(database, async () => {
    const headers: Record<string, string> = { Cookie: page.seller ? s.seller.cookie : s.cookie };
    if (page.fragment) headers['HX-Request'] = 'true';
    const response = await get(s.host, page.path(s), { headers });
    status = response.status;
    await response.text();
  });
  return { status, trips };
}

describe('round trips per signed-in page', () => {
  let small: Seeded;
  let large: Seeded;
  beforeAll(async () => {
    [small, large] = await Promise.all([seededShop(3), seededShop(30)]);
  }, 60_000);

  it.each(Object.entries(pages))('%s: one round trip with 3 and with 30 customers and products', async (_, page) => {
    // The session check is a round trip of its own until it rides on the page's request; then a page is 1 either way.
    const expected = Math.max(1, (page.own ?? 1) + sessionRoundTrips);
    expect(await visit(small, page)).toEqual({ status: 200, trips: expected });
    expect(await visit(large, page)).toEqual({ status: 200, trips: expected });
  });
});
