import { describe, expect, it } from 'vitest';
import {
  build607,
  checkPeriod,
  format607,
  format608,
  isSummarisedConsumerInvoice,
  paymentFormColumns,
  periodRange,
  previousPeriod,
  recentPeriods,
  reportFileName,
  reportRnc,
  type SalesDocument,
} from '../../../src/domain/dgii-reports';

function doc(values: Partial<SalesDocument> & Pick<SalesDocument, 'ncf' | 'issuedOn' | 'total'>): SalesDocument {
  return {
    kind: 'invoice',
    ncfType: values.ncf.slice(0, 3),
    modifiedNcf: null,
    buyerIdType: null,
    buyerIdNumber: null,
    exchangeRate: '1.0000',
    creditedTotal: '0.00',
    taxableTotalDop: values.total,
    exemptTotalDop: '0.00',
    itbisTotalDop: '0.00',
    totalDop: values.total,
    payments: {},
    ...values,
  };
}

describe('periods', () => {
  it('accepts YYYYMM up to the current month and refuses the rest', () => {
    expect(checkPeriod('202501', '2026-11-28')).toEqual({ ok: true, period: '202501' });
    expect(checkPeriod(' 202611 ', '2026-11-28')).toEqual({ ok: true, period: '202611' });
    expect(checkPeriod('202612', '2026-11-28')).toEqual({ ok: false, error: 'future' });
    expect(checkPeriod('202701', '2026-12-31')).toEqual({ ok: false, error: 'future' });
    for (const bad of [
      '',
      undefined,
      null,
      '2025-01',
      '202513',
      '202500',
      '20251',
      '2025011',
      '199912',
      'abcdef',
      '2025 1',
    ]) {
      expect(checkPeriod(bad, '2026-11-28'), String(bad)).toEqual({ ok: false, error: 'format' });
    }
  });

  it('defaults to the previous month and lists recent months newest first', () => {
    expect(previousPeriod('2026-11-28')).toBe('202610');
    expect(previousPeriod('2026-01-01')).toBe('202512');
    expect(recentPeriods('202602', 4)).toEqual(['202602', '202601', '202512', '202511']);
    expect(periodRange('202512')).toEqual({ start: '2025-12-01', end: '2026-01-01' });
    expect(periodRange('202402')).toEqual({ start: '2024-02-01', end: '2024-03-01' });
  });

  it('uses the RNC digits and names the files like the DGII tools', () => {
    expect(reportRnc('1-31-24679-6')).toBe('131246796');
    expect(reportRnc('  ')).toBeNull();
    expect(reportRnc(null)).toBeNull();
    expect(reportFileName('607', '131246796', '202501')).toBe('DGII_F_607_131246796_202501.TXT');
  });
});

describe('payment-form columns', () => {
  it('puts each form in its column and the unpaid balance in credit', () => {
    const columns = paymentFormColumns(
      doc({ ncf: 'B0100000001', issuedOn: '2025-01-10', total: '1180.00', payments: { '1': '500.00', '3': '300.00' } }),
    );
    expect(columns).toEqual({
      cash: 50000n,
      transfer: 0n,
      card: 30000n,
      credit: 38000n,
      gift: 0n,
      barter: 0n,
      other: 0n,
    });
  });

  it('counts credited amounts as form 7 (other), forms 7 and 8 together, and a credit payment as credit', () => {
    const columns = paymentFormColumns(
      doc({
        ncf: 'B0100000001',
        issuedOn: '2025-01-10',
        total: '1000.00',
        creditedTotal: '100.00',
        payments: { '2': '100.00', '4': '50.00', '5': '25.00', '6': '25.00', '7': '10.00', '8': '20.00' },
      }),
    );
    expect(columns).toEqual({
      cash: 0n,
      transfer: 10000n,
      card: 0n,
      credit: 72000n,
      gift: 2500n,
      barter: 2500n,
      other: 13000n,
    });
  });

  it('caps the credited part at what payments left open (a note on a paid invoice is a refund)', () => {
    const columns = paymentFormColumns(
      doc({
        ncf: 'B0100000001',
        issuedOn: '2025-01-10',
        total: '1000.00',
        creditedTotal: '300.00',
        payments: { '1': '800.00' },
      }),
    );
    expect(columns).toEqual({ cash: 80000n, transfer: 0n, card: 0n, credit: 0n, gift: 0n, barter: 0n, other: 20000n });
  });

  it('converts foreign-currency payments at the document rate, half-up, with the rounding difference in credit', () => {
    // USD 118.00 at 58.5432: DOP 5854.32 + 1053.78 = 6908.10. Cash 50.00 -> 2927.16; card 33.33 -> 1951.244856 -> 1951.24.
    // The open USD 34.67 is 2029.692744 -> 2029.69 on its own; the column gets 6908.10 - 2927.16 - 1951.24 = 2029.70.
    const columns = paymentFormColumns(
      doc({
        ncf: 'B0100000002',
        issuedOn: '2025-01-12',
        total: '118.00',
        exchangeRate: '58.5432',
        totalDop: '6908.10',
        payments: { '1': '50.00', '3': '33.33' },
      }),
    );
    expect(columns).toEqual({
      cash: 292716n,
      transfer: 0n,
      card: 195124n,
      credit: 202970n,
      gift: 0n,
      barter: 0n,
      other: 0n,
    });
  });

  it('never writes a negative column when converted payments overshoot the DOP total by a cent', () => {
    // USD 10.01 at 1.5005 = DOP 15.020005 -> 15.02, paid in full as 3.33 + 3.33 + 3.35: 3.33 x 1.5005 = 4.996665 -> 5.00 (twice),
    // 3.35 x 1.5005 = 5.026675 -> 5.03; 15.03 > 15.02, so the cent leaves the largest column (card).
    const columns = paymentFormColumns(
      doc({
        ncf: 'B0100000009',
        issuedOn: '2025-01-12',
        total: '10.01',
        exchangeRate: '1.5005',
        totalDop: '15.02',
        payments: { '1': '3.33', '2': '3.33', '3': '3.35' },
      }),
    );
    expect(columns).toEqual({ cash: 500n, transfer: 500n, card: 502n, credit: 0n, gift: 0n, barter: 0n, other: 0n });
    expect(Object.values(columns).reduce((a, b) => a + b, 0n)).toBe(1502n);
  });

  it('reports a credit note in full as credit', () => {
    const note = doc({
      kind: 'credit_note',
      ncf: 'B0400000001',
      modifiedNcf: 'B0100000001',
      issuedOn: '2025-01-20',
      total: '118.00',
    });
    expect(paymentFormColumns(note).credit).toBe(11800n);
  });
});

describe('report 607', () => {
  it('summarises consumer invoices under RD$250,000.00 only', () => {
    expect(isSummarisedConsumerInvoice(doc({ ncf: 'B0200000001', issuedOn: '2025-01-05', total: '249999.99' }))).toBe(
      true,
    );
    expect(isSummarisedConsumerInvoice(doc({ ncf: 'E320000000001', issuedOn: '2025-01-05', total: '100.00' }))).toBe(
      true,
    );
    expect(isSummarisedConsumerInvoice(doc({ ncf: 'B0200000001', issuedOn: '2025-01-05', total: '250000.00' }))).toBe(
      false,
    );
    expect(isSummarisedConsumerInvoice(doc({ ncf: 'B0100000001', issuedOn: '2025-01-05', total: '100.00' }))).toBe(
      false,
    );
    expect(
      isSummarisedConsumerInvoice(
        doc({ kind: 'credit_note', ncfType: 'B04', ncf: 'B0400000001', issuedOn: '2025-01-05', total: '100.00' }),
      ),
    ).toBe(false);
  });

  it('writes the header, 23 columns per line and CRLF endings; consumer invoices under RD$250,000 are totalled for the Oficina Virtual, not written', () => {
    const report = build607('202502', [
      doc({
        ncf: 'B0200000002',
        issuedOn: '2025-02-15',
        total: '591.19',
        taxableTotalDop: '501.01',
        itbisTotalDop: '90.18',
        totalDop: '591.19',
        payments: { '2': '200.00' },
      }),
      doc({
        ncf: 'B0100000001',
        issuedOn: '2025-02-10',
        total: '1180.00',
        buyerIdType: 'rnc',
        buyerIdNumber: '401-50625-4',
        taxableTotalDop: '1000.00',
        itbisTotalDop: '180.00',
        totalDop: '1180.00',
        payments: { '1': '1180.00' },
      }),
      doc({
        ncf: 'B0200000001',
        issuedOn: '2025-02-05',
        total: '590.00',
        taxableTotalDop: '500.00',
        itbisTotalDop: '90.00',
        totalDop: '590.00',
        payments: { '1': '590.00' },
      }),
      doc({
        ncf: 'B1500000001',
        issuedOn: '2025-02-10',
        total: '50.00',
        buyerIdType: 'pasaporte',
        buyerIdNumber: 'ab 123-45',
        exemptTotalDop: '50.00',
        taxableTotalDop: '0.00',
      }),
    ]);
    expect(report.stats).toEqual({
      lineCount: 2,
      listedInvoices: 2,
      creditNotes: 0,
      summarisedInvoices: 2,
      invoiceAmount: '2051.01',
      invoiceItbis: '360.18',
      creditNoteAmount: '0.00',
      creditNoteItbis: '0.00',
      // 500.00 + 501.01; 90.00 + 90.18; cash 590.00, transfer 200.00, credit 391.19 (591.19 - 200.00)
      consumer: {
        amount: '1001.01',
        itbis: '180.18',
        cash: '590.00',
        transfer: '200.00',
        card: '0.00',
        credit: '391.19',
        gift: '0.00',
        barter: '0.00',
        other: '0.00',
      },
    });
    expect(format607('131246796', report)).toBe(
      [
        '607|131246796|202502|2',
        '401506254|1|B0100000001||01|20250210||1000.00|180.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|1180.00|0.00|0.00|0.00|0.00|0.00|0.00',
        'AB12345|3|B1500000001||01|20250210||50.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|0.00|50.00|0.00|0.00|0.00',
        '',
      ].join('\r\n'),
    );
  });

  it('writes an empty month as a header with zero lines', () => {
    expect(format607('131246796', build607('202501', []))).toBe('607|131246796|202501|0\r\n');
  });
});

describe('report 608', () => {
  it('lists NCF, the date of the voided receipt and the reason, by that date', () => {
    expect(
      format608('131246796', '202501', [
        { ncf: 'B0200000009', issuedOn: '2024-12-30', reason: '01' },
        { ncf: 'B0100000003', issuedOn: '2025-01-08', reason: '04' },
      ]),
    ).toBe('608|131246796|202501|2\r\nB0200000009|20241230|01\r\nB0100000003|20250108|04\r\n');
    expect(format608('131246796', '202501', [])).toBe('608|131246796|202501|0\r\n');
  });
});

describe('report 607 of a month in progress', () => {
  it('never carries a date after the documents it reports (no summary line dated the end of the month)', () => {
    const report = build607('202502', [
      doc({
        ncf: 'B0200000001',
        issuedOn: '2025-02-03',
        total: '590.00',
        taxableTotalDop: '500.00',
        itbisTotalDop: '90.00',
        totalDop: '590.00',
        payments: { '1': '590.00' },
      }),
    ]);
    // "Today" is 3 February: nothing in the file may be dated after it.
    for (const line of format607('131246796', report).split('\r\n').slice(1, -1))
      expect(line.split('|')[5]! <= '20250203').toBe(true);
    expect(format607('131246796', report)).toBe('607|131246796|202502|0\r\n');
  });
});
