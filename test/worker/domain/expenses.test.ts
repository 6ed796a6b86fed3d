import { describe, expect, it } from 'vitest';
import { format606, stats606, type Purchase606 } from '../../../src/domain/dgii-606';
import {
  attachmentType,
  checkPurchaseNcf,
  expenseFigures,
  inactiveSupplierRefused,
  netItbis,
  splitGoodsServices,
  type ExpenseAmounts,
} from '../../../src/domain/expenses';

const zero: ExpenseAmounts = {
  servicesAmount: '0',
  goodsAmount: '0',
  itbisBilled: '0',
  itbisWithheld: '0',
  itbisProportional: '0',
  itbisToCost: '0',
  itbisPerceived: '0',
  isrWithheld: '0',
  isrPerceived: '0',
  iscAmount: '0',
  otherTaxes: '0',
  legalTip: '0',
};

describe('purchase NCF', () => {
  it('takes the types a purchase can carry, B and E formats', () => {
    for (const ncf of ['B0100000005', 'B1100000001', 'B1300000001', 'B1700000001', 'E310000000001', 'E470000000009'])
      expect(checkPurchaseNcf(ncf, null)).toBeNull();
  });
  it('refuses a malformed NCF and the types a purchase cannot carry', () => {
    expect(checkPurchaseNcf('B010000005', null)).toEqual({ ncf: 'format' });
    expect(checkPurchaseNcf('E3100000001', null)).toEqual({ ncf: 'format' });
    expect(checkPurchaseNcf('A0100000005', null)).toEqual({ ncf: 'format' });
    expect(checkPurchaseNcf('B0200000005', null)).toEqual({ ncf: 'type' });
    expect(checkPurchaseNcf('B1200000005', null)).toEqual({ ncf: 'type' });
    expect(checkPurchaseNcf('B1600000005', null)).toEqual({ ncf: 'type' });
    expect(checkPurchaseNcf('E320000000001', null)).toEqual({ ncf: 'type' });
    expect(checkPurchaseNcf('E460000000001', null)).toEqual({ ncf: 'type' });
  });
  it('requires the modified NCF on notes and refuses it elsewhere', () => {
    expect(checkPurchaseNcf('B0400000007', 'B0100000456')).toBeNull();
    expect(checkPurchaseNcf('E340000000002', 'E310000000001')).toBeNull();
    expect(checkPurchaseNcf('E340000000002', 'B0100000001')).toBeNull();
    expect(checkPurchaseNcf('B0300000001', null)).toEqual({ modifiedNcf: 'modifiedRequired' });
    expect(checkPurchaseNcf('E330000000001', null)).toEqual({ modifiedNcf: 'modifiedRequired' });
    expect(checkPurchaseNcf('B0100000001', 'B0100000002')).toEqual({ modifiedNcf: 'modifiedNotAllowed' });
    expect(checkPurchaseNcf('B0400000001', 'B01000002')).toEqual({ modifiedNcf: 'modifiedFormat' });
    expect(checkPurchaseNcf('B0400000001', 'B0400000001')).toEqual({ modifiedNcf: 'modifiedSelf' });
    expect(checkPurchaseNcf('B0400000001', 'E310000000001')).toEqual({ modifiedNcf: 'modifiedSeries' });
  });
  it('refuses a crédito fiscal from a supplier the registry does not have as active, nothing else', () => {
    expect(inactiveSupplierRefused('B01', 'SUSPENDIDO')).toBe(true);
    expect(inactiveSupplierRefused('E31', 'DADO DE BAJA')).toBe(true);
    expect(inactiveSupplierRefused('B01', 'ACTIVO')).toBe(false);
    expect(inactiveSupplierRefused('B01', null)).toBe(false);
    expect(inactiveSupplierRefused('B14', 'SUSPENDIDO')).toBe(false);
    expect(inactiveSupplierRefused('B11', 'ANULADO')).toBe(false);
  });
});

describe('expense figures', () => {
  it('computes the total, ITBIS por adelantar, the invoice total and what is paid to the supplier', () => {
    const result = expenseFigures(
      {
        ...zero,
        servicesAmount: '10000.00',
        goodsAmount: '2500.50',
        itbisBilled: '2250.09',
        itbisProportional: '100.00',
        itbisToCost: '50.09',
        itbisWithheld: '675.03',
        isrWithheld: '1000.00',
        iscAmount: '10.00',
        otherTaxes: '5.00',
        legalTip: '1250.05',
      },
      '02',
    );
    // total 12,500.50; advance 2,250.09 - 100.00 - 50.09 = 2,100.00;
    // invoice 12,500.50 + 2,250.09 + 10 + 5 + 1,250.05 = 16,015.64; payable 16,015.64 - 675.03 - 1,000 = 14,340.61
    expect(result).toEqual({
      ok: true,
      figures: { total: '12500.50', itbisAdvance: '2100.00', invoiceTotal: '16015.64', payable: '14340.61' },
    });
  });
  it('refuses splits past the ITBIS billed, withholding past it, ISR without its type (and back), an empty expense', () => {
    expect(
      expenseFigures(
        { ...zero, goodsAmount: '100', itbisBilled: '18', itbisToCost: '10', itbisProportional: '8.01' },
        null,
      ),
    ).toEqual({ ok: false, issues: { itbisToCost: 'itbisSplit' } });
    expect(expenseFigures({ ...zero, goodsAmount: '100', itbisBilled: '18', itbisWithheld: '18.01' }, null)).toEqual({
      ok: false,
      issues: { itbisWithheld: 'itbisWithheld' },
    });
    expect(expenseFigures({ ...zero, servicesAmount: '100', isrWithheld: '10' }, null)).toEqual({
      ok: false,
      issues: { isrWithholdingType: 'isrWithholdingType' },
    });
    expect(expenseFigures({ ...zero, servicesAmount: '100' }, '02')).toEqual({
      ok: false,
      issues: { isrWithheld: 'isrWithholdingTypeUnused' },
    });
    expect(expenseFigures(zero, null)).toEqual({ ok: false, issues: { goodsAmount: 'empty' } });
  });
  it('splits an e-CF into goods and services by its lines, the remainder to goods', () => {
    expect(
      splitGoodsServices('1000.00', [
        { amount: '700.00', goodsOrService: '1' },
        { amount: '300.00', goodsOrService: '2' },
      ]),
    ).toEqual({ goodsAmount: '700.00', servicesAmount: '300.00' });
    // 100.00 x 1/3 = 33.333 -> 33.33 services, 66.67 goods
    expect(
      splitGoodsServices('100.00', [
        { amount: '2', goodsOrService: '1' },
        { amount: '1', goodsOrService: '2' },
      ]),
    ).toEqual({ goodsAmount: '66.67', servicesAmount: '33.33' });
    expect(splitGoodsServices('50.00', [])).toEqual({ goodsAmount: '50.00', servicesAmount: '0.00' });
  });
  it('knows attachments by their bytes', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(attachmentType(bytes('%PDF-1.7\n'))).toBe('application/pdf');
    expect(attachmentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(attachmentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(attachmentType(bytes('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(attachmentType(bytes('<html>%PDF-'))).toBeNull();
  });
});

const purchase = (values: Partial<Purchase606>): Purchase606 => ({
  supplierIdType: 'rnc',
  supplierIdNumber: '',
  expenseType: '02',
  ncf: '',
  modifiedNcf: null,
  issuedOn: '',
  paidOn: null,
  servicesAmount: '0.00',
  goodsAmount: '0.00',
  total: '0.00',
  itbisBilled: '0.00',
  itbisWithheld: '0.00',
  itbisProportional: '0.00',
  itbisToCost: '0.00',
  itbisAdvance: '0.00',
  itbisPerceived: '0.00',
  isrWithholdingType: null,
  isrWithheld: '0.00',
  isrPerceived: '0.00',
  iscAmount: '0.00',
  otherTaxes: '0.00',
  legalTip: '0.00',
  paymentForm: '04',
  ...values,
});

describe('the 606 against hand-written files', () => {
  it('writes a month of services with withholdings, goods with ITBIS to cost, a supplier credit note and a B11', () => {
    const month = [
      purchase({
        supplierIdNumber: '401506254',
        expenseType: '09',
        ncf: 'B0400000007',
        modifiedNcf: 'B0100000456',
        issuedOn: '2025-01-20',
        paidOn: '2025-01-20',
        goodsAmount: '1000.00',
        total: '1000.00',
        itbisBilled: '180.00',
        itbisAdvance: '180.00',
        paymentForm: '06',
      }),
      purchase({
        supplierIdNumber: '101850043',
        ncf: 'B0100000123',
        issuedOn: '2025-01-05',
        paidOn: '2025-01-10',
        servicesAmount: '10000.00',
        total: '10000.00',
        itbisBilled: '1800.00',
        itbisWithheld: '540.00',
        itbisAdvance: '1800.00',
        isrWithholdingType: '02',
        isrWithheld: '1000.00',
        paymentForm: '02',
      }),
      purchase({
        supplierIdType: 'cedula',
        supplierIdNumber: '00113918205',
        ncf: 'B1100000001',
        issuedOn: '2025-01-25',
        paidOn: '2025-01-25',
        servicesAmount: '3000.00',
        total: '3000.00',
        isrWithholdingType: '02',
        isrWithheld: '300.00',
        paymentForm: '01',
      }),
      purchase({
        supplierIdNumber: '401506254',
        expenseType: '09',
        ncf: 'B0100000456',
        issuedOn: '2025-01-12',
        goodsAmount: '5000.00',
        total: '5000.00',
        itbisBilled: '900.00',
        itbisProportional: '100.00',
        itbisToCost: '200.00',
        itbisAdvance: '600.00',
        iscAmount: '50.00',
        otherTaxes: '25.00',
        legalTip: '500.00',
      }),
    ];
    expect(format606('131246796', '202501', month)).toBe(
      [
        '606|131246796|202501|4',
        '101850043|1|02|B0100000123||20250105|20250110|10000.00|0.00|10000.00|1800.00|540.00|0.00|0.00|1800.00|0.00|02|1000.00|0.00|0.00|0.00|0.00|02',
        '401506254|1|09|B0100000456||20250112||0.00|5000.00|5000.00|900.00|0.00|100.00|200.00|600.00|0.00||0.00|0.00|50.00|25.00|500.00|04',
        '401506254|1|09|B0400000007|B0100000456|20250120|20250120|0.00|1000.00|1000.00|180.00|0.00|0.00|0.00|180.00|0.00||0.00|0.00|0.00|0.00|0.00|06',
        '00113918205|2|02|B1100000001||20250125|20250125|3000.00|0.00|3000.00|0.00|0.00|0.00|0.00|0.00|0.00|02|300.00|0.00|0.00|0.00|0.00|01',
        '',
      ].join('\r\n'),
    );
    // Credit notes subtract: 10,000 + 5,000 - 1,000 + 3,000; ITBIS 1,800 + 900 - 180; advance 1,800 + 600 - 180.
    expect(stats606(month)).toEqual({
      lineCount: 4,
      creditNotes: 1,
      total: '17000.00',
      itbisBilled: '2520.00',
      itbisWithheld: '540.00',
      itbisAdvance: '2220.00',
      isrWithheld: '1300.00',
    });
  });

  it('writes an e-CF month: E31 goods and services in one line, an E34 note, same NCF from two suppliers in supplier order', () => {
    const month = [
      purchase({
        supplierIdNumber: '131246796',
        expenseType: '09',
        ncf: 'E310000000010',
        issuedOn: '2025-02-03',
        servicesAmount: '250.25',
        goodsAmount: '749.75',
        total: '1000.00',
        itbisBilled: '180.00',
        itbisAdvance: '180.00',
        itbisPerceived: '12.34',
        isrPerceived: '5.67',
      }),
      purchase({
        supplierIdNumber: '101850043',
        expenseType: '09',
        ncf: 'E310000000010',
        issuedOn: '2025-02-03',
        paidOn: '2025-02-28',
        goodsAmount: '99.99',
        total: '99.99',
        itbisBilled: '18.00',
        itbisAdvance: '18.00',
        paymentForm: '03',
      }),
      purchase({
        supplierIdNumber: '131246796',
        expenseType: '09',
        ncf: 'E340000000002',
        modifiedNcf: 'E310000000010',
        issuedOn: '2025-02-14',
        goodsAmount: '100.00',
        total: '100.00',
        itbisBilled: '18.00',
        itbisAdvance: '18.00',
      }),
    ];
    expect(format606('401506254', '202502', month)).toBe(
      '606|401506254|202502|3\r\n' +
        '101850043|1|09|E310000000010||20250203|20250228|0.00|99.99|99.99|18.00|0.00|0.00|0.00|18.00|0.00||0.00|0.00|0.00|0.00|0.00|03\r\n' +
        '131246796|1|09|E310000000010||20250203||250.25|749.75|1000.00|180.00|0.00|0.00|0.00|180.00|12.34||0.00|5.67|0.00|0.00|0.00|04\r\n' +
        '131246796|1|09|E340000000002|E310000000010|20250214||0.00|100.00|100.00|18.00|0.00|0.00|0.00|18.00|0.00||0.00|0.00|0.00|0.00|0.00|04\r\n',
    );
  });

  it('writes an empty month as its header alone', () => {
    expect(format606('131246796', '202503', [])).toBe('606|131246796|202503|0\r\n');
  });
});

describe('net ITBIS', () => {
  it('gives ITBIS a pagar: 5,400.00 charged - 180.00 credit notes - 2,220.00 advanced = 3,000.00', () => {
    expect(
      netItbis({
        salesItbis: '5400.00',
        creditNoteItbis: '180.00',
        purchasesAdvance: '2220.00',
        withheldByCustomers: '0.00',
      }),
    ).toEqual({ charged: '5220.00', net: '3000.00', outcome: 'payable', amount: '3000.00' });
  });
  it('gives saldo a favor when purchases advance more than sales charged', () => {
    expect(
      netItbis({
        salesItbis: '180.00',
        creditNoteItbis: '18.00',
        purchasesAdvance: '2220.00',
        withheldByCustomers: '10.00',
      }),
    ).toEqual({ charged: '162.00', net: '-2068.00', outcome: 'credit', amount: '2068.00' });
    expect(
      netItbis({
        salesItbis: '100.00',
        creditNoteItbis: '0.00',
        purchasesAdvance: '100.00',
        withheldByCustomers: '0.00',
      }),
    ).toEqual({ charged: '100.00', net: '0.00', outcome: 'zero', amount: '0.00' });
  });
});
