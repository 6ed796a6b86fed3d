import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, invoices } from '../../src/db/tenant-schema';
import { get } from '../support/worker/helpers';
import { documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';

const cedula = '00113918205';
const formatted = '001-1391820-5';

/** A shop whose buyer has a cédula: an invoice with a payment (receipt) and a credit note, and a quotation. */
async function salesDay() {
  const shop = await documentsShop('owner');
  await shop.db
    .update(contacts)
    .set({ idType: 'cedula', idNumber: cedula, name: 'Juana Peña' })
    .where(eq(contacts.id, shop.buyer.id));
  const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id, customerId: shop.buyer.id });
  const note = await insertInvoice(shop.db, {
    branchId: shop.branch.id,
    customerId: shop.buyer.id,
    kind: 'credit_note',
    ncfType: 'B04',
    modifiedNcf: invoice.ncf,
    referenceInvoiceId: invoice.id,
  });
  for (const id of [invoice.id, note.id]) {
    await shop.db
      .update(invoices)
      .set({ buyerIdType: 'cedula', buyerIdNumber: cedula, buyerName: 'Juana Peña' })
      .where(eq(invoices.id, id));
  }
  await shop.db
    .update(invoices)
    .set({ paidTotal: '100.00', status: 'partially_paid' })
    .where(eq(invoices.id, invoice.id));
  const payment = await insertPayment(shop.db, {
    invoiceId: invoice.id,
    branchId: shop.branch.id,
    amount: '100.00',
    number: 'REC-00000001',
  });
  const quotation = await insertQuotation(shop.db, { branchId: shop.branch.id, customerId: shop.buyer.id });
  const page = async (path: string) => {
    const response = await get(shop.host, path, { headers: { Cookie: shop.cookie } });
    expect(response.status, path).toBe(200);
    return response.text();
  };
  return { shop, invoice, note, payment, quotation, page };
}

describe('one wording across the sales screens', () => {
  it('a credit note is "Emitida", never "pendiente de pago"', async () => {
    const { invoice, note, page } = await salesDay();
    const onInvoice = await page(`/invoices/${invoice.id}`);
    const notesSection = onInvoice.slice(onInvoice.indexOf(note.ncf!));
    expect(notesSection).toContain('Emitida');
    expect(onInvoice).not.toContain('pendiente de pago');
    const detail = await page(`/credit-notes/${note.id}`);
    expect(detail).not.toContain('pendiente de pago');
    expect(detail).toContain('Emitida');
    const list = await page('/credit-notes');
    expect(list).not.toContain('pendiente de pago');
  });

  it('a receipt in force is "Vigente" on every page, and the shop registers a "cobro"', async () => {
    const { invoice, payment, page } = await salesDay();
    const onInvoice = await page(`/invoices/${invoice.id}`);
    const receiptRow = onInvoice.slice(onInvoice.indexOf(payment.number));
    expect(receiptRow).toContain('Vigente');
    expect(onInvoice).not.toMatch(/>Activo</);
    expect(onInvoice).toContain('Registrar cobro');
    expect(onInvoice).not.toMatch(/Registrar pago|>Pagos<|Sin pagos/);
    expect(await page('/payments')).toContain('Vigente');
    expect(await page(`/payments/${payment.id}`)).toContain('Vigente');
    const form = await page(`/invoices/${invoice.id}/payments/new`);
    expect(form).toContain('Registrar cobro');
    // The invoice's status reads the same on the invoice and on the payment screens.
    expect(onInvoice).toContain('Pagada parcialmente');
    expect(form).toContain('Pagada parcialmente');
  });

  it('the cédula is formatted on invoices, credit notes, receipts and quotations, on screen and in print', async () => {
    const { shop, invoice, note, payment, quotation, page } = await salesDay();
    for (const path of [
      `/invoices/${invoice.id}`,
      `/invoices/${invoice.id}/print`,
      `/credit-notes/${note.id}`,
      `/credit-notes/${note.id}/print`,
      `/payments/${payment.id}/print`,
      `/quotations/${quotation.id}/print`,
      `/quotations/new?customerId=${shop.buyer.id}`,
      `/invoices/new?customerId=${shop.buyer.id}`,
    ]) {
      const html = await page(path);
      expect(html, path).toContain(formatted);
      expect(html, path).not.toContain(cedula);
    }
    expect(await page(`/invoices/${invoice.id}/print?format=80mm`)).toContain(formatted);
  });
});
