import { eq } from 'drizzle-orm';
import { contacts, fiscalSequences, payments, quotationLines, quotations } from '../../../src/db/tenant-schema';
import { computeTotals, type LineInput } from '../../../src/domain/totals';
import { buildInvoices, totalColumns } from './invoices';
import { shop, type Role, type TestDb as Db } from './shop';

export type { Db };

export const sampleLines: Array<LineInput & { description: string }> = [
  {
    description: 'Montura de acetato Niña',
    quantity: '1',
    unitPrice: '4500.0000',
    discount: '500.00',
    taxRate: '18.00',
    exempt: false,
  },
  {
    description: 'Lentes progresivos',
    quantity: '2',
    unitPrice: '3250.5050',
    discount: '0',
    taxRate: '16.00',
    exempt: false,
  },
  { description: 'Examen visual', quantity: '1', unitPrice: '1200', discount: '0', taxRate: '0', exempt: true },
];

/** A shop with company data, a buyer with an RNC, signed in as `role` (all branches for owner/admin). */
export async function documentsShop(role: Role = 'owner') {
  const base = await shop(role, {
    rnc: '131246796',
    company: {
      name: 'Óptica Visión Clara',
      address: 'Av. Churchill 12, Santo Domingo',
      phones: '809-555-0101',
      invoiceFooter: 'Gracias por preferirnos.',
    },
  });
  const [buyer] = await base.db
    .insert(contacts)
    .values({ name: 'Comercial Peña SRL', idType: 'rnc', idNumber: '101850043' })
    .returning();
  return { ...base, branch: base.main, buyer: buyer! };
}

let ncfCounter = 0;

/** An invoice (issued by default) with the sample lines and totals from computeTotals. */
export async function insertInvoice(
  db: Db,
  values: {
    branchId: string;
    customerId?: string | null;
    status?: 'draft' | 'issued' | 'paid' | 'voided';
    kind?: 'invoice' | 'credit_note';
    ncfType?: string;
    ncf?: string | null;
    currencyCode?: string;
    exchangeRate?: string;
    modifiedNcf?: string | null;
    referenceInvoiceId?: string | null;
  },
) {
  const status = values.status ?? 'issued';
  const exchangeRate = values.exchangeRate ?? '1';
  const ncfType = values.ncfType ?? 'B01';
  const ncf =
    values.ncf === undefined
      ? status === 'draft'
        ? null
        : `${ncfType}${String(++ncfCounter + Math.floor(Math.random() * 1e6)).padStart(8, '0')}`
      : values.ncf;
  const [invoice] = await buildInvoices(db, sampleLines, [
    {
      kind: values.kind ?? 'invoice',
      status,
      ncfType,
      ncf,
      ncfValidUntil: ncf ? '2027-12-31' : null,
      issuedOn: status === 'draft' ? null : '2026-03-15',
      customerId: values.customerId ?? null,
      buyerName: status === 'draft' ? null : 'Comercial Peña SRL',
      buyerIdType: status === 'draft' ? null : 'rnc',
      buyerIdNumber: status === 'draft' ? null : '101850043',
      branchId: values.branchId,
      currencyCode: values.currencyCode ?? 'DOP',
      exchangeRate,
      modifiedNcf: values.modifiedNcf ?? null,
      referenceInvoiceId: values.referenceInvoiceId ?? null,
      refundsItbis: values.kind === 'credit_note' ? true : null,
    },
  ]);
  return invoice!;
}

export async function insertQuotation(db: Db, values: { branchId: string; customerId?: string | null }) {
  const totals = computeTotals(sampleLines);
  const [sequence] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
  const [quotation] = await db
    .insert(quotations)
    .values({
      number: `COT-${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      sequenceId: sequence!.id,
      customerId: values.customerId ?? null,
      branchId: values.branchId,
      status: 'sent',
      currencyCode: 'DOP',
      quotedOn: '2026-03-10',
      validUntil: '2026-04-09',
      ...totalColumns(totals),
    })
    .returning();
  await db.insert(quotationLines).values(
    sampleLines.map((line, index) => ({
      quotationId: quotation!.id,
      position: index + 1,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
      taxRate: line.taxRate,
      exempt: line.exempt,
      amount: totals.lines[index]!.amount,
    })),
  );
  return quotation!;
}

/** An active payment against an invoice, with the invoice's paid total and status following it. */
export async function insertPayment(
  db: Db,
  values: { invoiceId: string; branchId: string; amount: string; number: string },
) {
  const [sequence] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  const [payment] = await db
    .insert(payments)
    .values({
      invoiceId: values.invoiceId,
      number: values.number,
      sequenceId: sequence!.id,
      branchId: values.branchId,
      receivedOn: '2026-03-16',
      method: '3',
      amount: values.amount,
      reference: 'AUT-1234',
    })
    .returning();
  return payment!;
}
