import { describe, expect, it } from 'vitest';
import { invoicePdfFileName, invoicePdfKey, renderInvoicePdf, winAnsiText } from '../../src/documents/invoice-pdf';
import type { InvoiceDocument } from '../../src/queries/documents';
import { hasPdftotext, pdfText } from '../support/pdf-text';
import { computeTotals, toDop } from '../../src/domain/totals';

const lineInputs = [
  {
    description: 'Montura de acetato "Niño" — edición señorial',
    quantity: '1',
    unitPrice: '4500.0000',
    discount: '500.00',
    taxRate: '18.00',
    exempt: false,
  },
  {
    description: 'Lentes progresivos con antirreflejo',
    quantity: '2',
    unitPrice: '3250.5050',
    discount: '0',
    taxRate: '16.00',
    exempt: false,
  },
  {
    description: 'Examen visual (exento)',
    quantity: '1',
    unitPrice: '1200',
    discount: '0',
    taxRate: '0',
    exempt: true,
  },
];

function invoice(overrides: Partial<InvoiceDocument> = {}): InvoiceDocument {
  const totals = computeTotals(lineInputs);
  const currencyCode = overrides.currencyCode ?? 'DOP';
  const exchangeRate = overrides.exchangeRate ?? '1';
  return {
    id: '2f0c7b52-93a4-4d61-9a43-7c3b8cf1d3a1',
    kind: 'invoice',
    status: 'issued',
    ncfType: 'B01',
    ncf: 'B0100000042',
    ncfValidUntil: '2027-12-31',
    issuedOn: '2026-03-15',
    dueOn: null,
    createdOn: '2026-03-15',
    buyer: { name: 'José Peña Núñez', idType: 'rnc', idNumber: '101850043' },
    branch: { name: 'Óptica Principal', address: null, phone: null },
    currencyCode,
    currencySymbol: currencyCode === 'DOP' ? 'RD$' : 'US$',
    exchangeRate,
    totalDop: toDop(totals, exchangeRate).totalDop,
    modifiedNcf: null,
    refundsItbis: null,
    creditReason: null,
    notes: null,
    pdfKey: null,
    company: {
      name: 'Óptica Visión Clara',
      rnc: '131246796',
      address: 'Av. Winston Churchill 12, Santo Domingo',
      phones: '809-555-0101',
      email: null,
      invoiceFooter: 'Gracias por su compra. Garantía de 6 meses.',
      logoKey: null,
    },
    lines: lineInputs.map((line, index) => ({
      position: index + 1,
      ...line,
      quantity: `${line.quantity}.00`,
      amount: totals.lines[index]!.amount,
    })),
    grossTotal: totals.grossTotal,
    discountTotal: totals.discountTotal,
    taxableTotal: totals.taxableTotal,
    exemptTotal: totals.exemptTotal,
    itbisTotal: totals.itbisTotal,
    total: totals.total,
    taxBreakdown: totals.taxBreakdown,
    ...overrides,
  };
}

describe('the invoice PDF', () => {
  // Reading the text back needs pdftotext (poppler-utils); .ci/run installs it.
  it.skipIf(!hasPdftotext)(
    'contains the NCF, its valid-until date, accents, the ITBIS breakdown, the exempt mark and the total',
    async () => {
      const doc = invoice();
      const bytes = await renderInvoicePdf(doc);
      expect(Buffer.from(bytes.slice(0, 5)).toString('latin1')).toBe('%PDF-');
      const text = await pdfText(bytes);
      expect(text).toContain('B0100000042');
      expect(text).toContain('Válido hasta: 31/12/2027');
      expect(text).toContain('Factura de crédito fiscal');
      expect(text).toContain('Óptica Visión Clara');
      expect(text).toContain('José Peña Núñez');
      expect(text).toContain('1-01-85004-3');
      expect(text).toContain('ITBIS 18%');
      expect(text).toContain('ITBIS 16%');
      expect(text).toContain('Exento');
      expect(text).toContain('E = exento de ITBIS');
      expect(text).toContain('Gracias por su compra');
      // 4000.00 + 6501.01 + 1200.00 + ITBIS 720.00 + 1040.16
      expect(doc.total).toBe('13461.17');
      expect(text).toContain('RD$ 13,461.17');
    },
  );

  it('is identical when generated twice (fixed metadata), so concurrent first requests archive the same bytes', async () => {
    const first = await renderInvoicePdf(invoice());
    const second = await renderInvoicePdf(invoice());
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  // Reading the text back needs pdftotext (poppler-utils); .ci/run installs it.
  it.skipIf(!hasPdftotext)('shows the currency, the exchange rate and the DOP total of a USD invoice', async () => {
    const text = await pdfText(await renderInvoicePdf(invoice({ currencyCode: 'USD', exchangeRate: '58.7500' })));
    expect(text).toContain('US$ 13,461.17');
    expect(text).toContain('58.75');
    expect(text).toContain('Total en RD$');
  });

  // Reading the text back needs pdftotext (poppler-utils); .ci/run installs it.
  it.skipIf(!hasPdftotext)('prints a credit note with its modified NCF and paginates long documents', async () => {
    const many = Array.from({ length: 80 }, (_, index) => ({
      position: index + 1,
      description: `Artículo ${index + 1}`,
      quantity: '1.00',
      unitPrice: '10.0000',
      discount: '0.00',
      taxRate: '18.00',
      exempt: false,
      amount: '10.00',
    }));
    const text = await pdfText(
      await renderInvoicePdf(
        invoice({ kind: 'credit_note', ncfType: 'B04', ncf: 'B0400000003', modifiedNcf: 'B0100000042', lines: many }),
      ),
    );
    expect(text).toContain('Nota de crédito');
    expect(text).toContain('NCF modificado: B0100000042');
    expect(text).toContain('Artículo 80');
    expect(text).toContain('Página 2 de 2');
  });

  it('replaces characters the standard fonts cannot encode, and names files after the NCF', () => {
    expect(winAnsiText('Lente 👓 ñ € ✓')).toBe('Lente ? ñ € ?');
    expect(invoicePdfFileName({ id: 'x', ncf: 'E310000000001' })).toBe('E310000000001.pdf');
    expect(invoicePdfKey({ id: 'abc', ncf: 'B0100000001' })).toBe('invoices/abc/B0100000001.pdf');
  });
});
