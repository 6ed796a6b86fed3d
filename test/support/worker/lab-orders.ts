import { SELF } from 'cloudflare:test';
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { contacts, invoiceLines, invoices, labOrders, labStages, prescriptions } from '../../../src/db/tenant-schema';
import { shopToday } from '../../../src/domain/dates';
import { postForm } from './helpers';
import { shop as baseShop, type Role } from './shop';

/** A shop with a customer, a lab (a supplier) and its seven default stages by name. */
export async function labShop(role: Role = 'ventas') {
  const base = await baseShop(role, { branchAccess: 'scoped' });
  const [customer] = await base.db
    .insert(contacts)
    .values({ kind: 'customer', name: 'Ana Lucía Reyes', mobile: '8095551234' })
    .returning();
  const [lab] = await base.db
    .insert(contacts)
    .values({ kind: 'supplier', name: 'Laboratorio Óptico Caribe' })
    .returning();
  const stages = await base.db.select().from(labStages).orderBy(asc(labStages.position));
  const stage = (name: string) => stages.find((row) => row.name === name)!;
  return { ...base, customer: customer!, lab: lab!, stage };
}

export type LabShop = Awaited<ReturnType<typeof labShop>>;

export async function insertRx(s: LabShop, values: Partial<typeof prescriptions.$inferInsert> = {}) {
  const [row] = await s.db
    .insert(prescriptions)
    .values({
      patientId: s.customer.id,
      branchId: s.main.id,
      examinedOn: '2024-05-10',
      optometristName: 'Dr. Externo',
      ...values,
    })
    .returning();
  return row!;
}

export async function createOrder(s: LabShop, fields: Record<string, string> = {}) {
  const response = await postForm(
    s.host,
    '/lab-orders',
    { customerId: s.customer.id, lensType: 'Progresivo', ...fields },
    { Cookie: s.cookie },
  );
  expect(response.status).toBe(303);
  const id = /\/lab-orders\/([0-9a-f-]{36})/.exec(response.headers.get('location') ?? '')![1]!;
  const [order] = await s.db.select().from(labOrders).where(eq(labOrders.id, id));
  return order!;
}

/** An issued invoice of the customer for `total`, `paid` of it paid. */
export async function issuedInvoice(s: LabShop, total: string, paid = '0') {
  const [invoice] = await s.db
    .insert(invoices)
    .values({ ncfType: 'B02', branchId: s.main.id, currencyCode: 'DOP', customerId: s.customer.id })
    .returning();
  await s.db
    .update(invoices)
    .set({
      status: 'issued',
      ncf: `B02${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      issuedOn: shopToday(),
      total,
      totalDop: total,
      paidTotal: paid,
    })
    .where(eq(invoices.id, invoice!.id));
  await s.db.insert(invoiceLines).values({
    invoiceId: invoice!.id,
    position: 1,
    description: 'Lentes progresivos antirreflejo',
    quantity: '1',
    unitPrice: total,
    taxRate: '0',
    exempt: true,
    amount: total,
  });
  return invoice!;
}

/** A multipart form POST as a browser on the shop's own origin sends it. */
export function postMultipart(s: Pick<LabShop, 'host' | 'cookie'>, path: string, body: FormData) {
  return SELF.fetch(`http://${s.host}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: `http://${s.host}`, Cookie: s.cookie },
    body,
  });
}
