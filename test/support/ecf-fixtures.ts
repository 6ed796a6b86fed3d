/**
 * Realistic e-CF inputs shared by test/node/ecf-xml.test.ts (XSD validation) and
 * test/worker/ecf-xml.test.ts (the same builders in workerd). Sales documents are OptiFlow
 * invoices whose totals come from the totals engine, mapped by invoiceToEcf; the documents OptiFlow
 * has no source for yet (33, 41, 43, 47) are written as EcfDocument with totals worked out by hand.
 * Pure code: no Node or Worker APIs.
 */
import type { InvoiceDocument } from '../../src/queries/documents';
import { computeTotals, type LineInput, toDop } from '../../src/domain/totals';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import type { EcfDocument, EcfType } from '../../src/ecf/model';

export const issuerRnc = '101850043';
export const buyerRnc = '131246796';
export const governmentRnc = '401506254';
export const buyerCedula = '00113918205';
/** 09:15:30 in Santo Domingo (UTC-4). */
export const signedAt = new Date('2026-12-05T13:15:30Z');

export interface FixtureLine extends LineInput {
  description: string;
}

export const line = (
  description: string,
  quantity: string,
  unitPrice: string,
  taxRate: string,
  discount = '0.00',
  exempt = false,
): FixtureLine => ({ description, quantity, unitPrice, taxRate, discount, exempt });

export const exemptLine = (description: string, quantity: string, unitPrice: string, discount = '0.00') =>
  line(description, quantity, unitPrice, '0.00', discount, true);

export interface InvoiceOptions {
  ncfType: string;
  ncf: string;
  lines: FixtureLine[];
  kind?: 'invoice' | 'credit_note';
  currencyCode?: string;
  exchangeRate?: string;
  buyer?: InvoiceDocument['buyer'];
  issuedOn?: string;
  dueOn?: string | null;
  ncfValidUntil?: string | null;
  modifiedNcf?: string | null;
  refundsItbis?: boolean | null;
  creditReason?: string | null;
}

/** An issued OptiFlow document whose figures are the totals engine's, as the invoice read returns it. */
export function invoiceDocument(options: InvoiceOptions): InvoiceDocument {
  const chargeItbis = options.refundsItbis !== false;
  const totals = computeTotals(options.lines, { chargeItbis });
  const exchangeRate = options.exchangeRate ?? '1.0000';
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind: options.kind ?? 'invoice',
    status: 'issued',
    ncfType: options.ncfType,
    ncf: options.ncf,
    ncfValidUntil: options.ncfValidUntil === undefined ? '2027-12-31' : options.ncfValidUntil,
    issuedOn: options.issuedOn ?? '2026-12-05',
    dueOn: options.dueOn ?? null,
    createdOn: options.issuedOn ?? '2026-12-05',
    buyer: options.buyer ?? { name: null, idType: null, idNumber: null },
    branch: { name: 'Sucursal Piantini', address: 'Av. Gustavo Mejía Ricart 54, Piantini', phone: '809-555-0101' },
    currencyCode: options.currencyCode ?? 'DOP',
    currencySymbol: options.currencyCode === 'USD' ? 'US$' : 'RD$',
    exchangeRate,
    totalDop: toDop(totals, exchangeRate).totalDop,
    modifiedNcf: options.modifiedNcf ?? null,
    refundsItbis: options.kind === 'credit_note' ? chargeItbis : null,
    creditReason: options.creditReason ?? null,
    notes: null,
    pdfKey: null,
    company: {
      name: 'ÓPTICA PEÑA, SRL',
      rnc: issuerRnc,
      address: 'Calle El Conde 101, Zona Colonial, Santo Domingo',
      phones: '809-555-0100, (829) 555-0199',
      email: 'facturas@opticapena.do',
      invoiceFooter: null,
      logoKey: null,
    },
    grossTotal: totals.grossTotal,
    discountTotal: totals.discountTotal,
    taxableTotal: totals.taxableTotal,
    exemptTotal: totals.exemptTotal,
    itbisTotal: totals.itbisTotal,
    total: totals.total,
    taxBreakdown: totals.taxBreakdown,
    lines: options.lines.map((entry, index) => ({
      position: index + 1,
      description: entry.description,
      quantity: entry.quantity,
      unitPrice: entry.unitPrice,
      discount: entry.discount,
      taxRate: entry.taxRate,
      exempt: entry.exempt,
      amount: totals.lines[index]!.amount,
    })),
  };
}

const company = { name: 'DISTRIBUIDORA ÑECO & ASOCIADOS, SRL', idType: 'rnc', idNumber: buyerRnc };

/** Several rates, an exempt line, discounts, credit terms: the everyday crédito fiscal invoice. */
export const invoice31 = invoiceDocument({
  ncfType: 'E31',
  ncf: 'E310000000001',
  buyer: company,
  dueOn: '2027-01-04',
  lines: [
    line('Montura Ray-Ban RB5154 "Clubmaster" <negra>', '2', '6500.00', '18.00', '650.00'),
    line('Lentes progresivos Varilux 1.67', '1', '12500.5000', '18.00'),
    line('Estuche rígido', '3', '350.2550', '16.00', '0.77'),
    line('Solución multipropósito 360 ml', '2', '425.00', '0.00'),
    exemptLine('Examen de la vista (refracción)', '1', '1500.00', '150.00'),
  ],
});

export const consumer32 = invoiceDocument({
  ncfType: 'E32',
  ncf: 'E320000000007',
  ncfValidUntil: null,
  lines: [
    line('Lentes de contacto mensuales (caja 6)', '2', '1850.00', '18.00'),
    exemptLine('Ajuste de montura', '1', '300.00'),
  ],
});

/** Over RD$250,000: the buyer must be identified (here by cédula). */
export const largeConsumer32 = invoiceDocument({
  ncfType: 'E32',
  ncf: 'E320000000008',
  ncfValidUntil: null,
  buyer: { name: 'José Argüello Núñez', idType: 'cedula', idNumber: buyerCedula },
  lines: [line('Equipo de diagnóstico (autorefractómetro)', '1', '240000.00', '18.00')],
});

/** A USD invoice: DOP in Totales and lines, USD in OtraMoneda. */
export const dollar31 = invoiceDocument({
  ncfType: 'E31',
  ncf: 'E310000000002',
  buyer: company,
  currencyCode: 'USD',
  exchangeRate: '58.7525',
  lines: [
    line('Lentes Transitions Gen 8', '3', '120.3333', '18.00', '5.00'),
    line('Montura titanio', '1', '89.99', '16.00'),
    exemptLine('Consulta optométrica', '1', '25.00'),
  ],
});

/** A credit note within 30 days returning part of invoice31. */
export const credit34 = invoiceDocument({
  kind: 'credit_note',
  ncfType: 'E34',
  ncf: 'E340000000001',
  ncfValidUntil: null,
  buyer: company,
  modifiedNcf: 'E310000000001',
  creditReason: 'Devolución de una montura con defecto de fábrica',
  lines: [line('Montura Ray-Ban RB5154 "Clubmaster" <negra>', '1', '6500.00', '18.00', '325.00')],
});

/** More than 30 days after the invoice: the price is refunded, not the ITBIS. */
export const lateCredit34 = invoiceDocument({
  kind: 'credit_note',
  ncfType: 'E34',
  ncf: 'E340000000002',
  ncfValidUntil: null,
  buyer: company,
  issuedOn: '2027-01-20',
  modifiedNcf: 'E310000000001',
  refundsItbis: false,
  creditReason: 'Descuento comercial posterior',
  lines: [line('Estuche rígido', '1', '350.2550', '16.00')],
});

export const special44 = invoiceDocument({
  ncfType: 'E44',
  ncf: 'E440000000003',
  buyer: { name: 'Embajada de Ejemplo', idType: 'rnc', idNumber: '430000003' },
  lines: [
    exemptLine('Lentes oftálmicos monofocales', '4', '3200.00'),
    exemptLine('Monturas', '4', '2800.00', '400.00'),
  ],
});

export const government45 = invoiceDocument({
  ncfType: 'E45',
  ncf: 'E450000000004',
  buyer: { name: 'Ministerio de Salud Pública', idType: 'rnc', idNumber: governmentRnc },
  dueOn: '2027-02-03',
  lines: [
    line('Lentes para programa escolar', '50', '1200.00', '18.00'),
    exemptLine('Jornada de evaluación visual', '1', '15000.00'),
  ],
});

export const export46 = invoiceDocument({
  ncfType: 'E46',
  ncf: 'E460000000005',
  buyer: { name: 'Optical Supplies Inc.', idType: 'pasaporte', idNumber: 'US12345678' },
  currencyCode: 'USD',
  exchangeRate: '58.7525',
  lines: [line('Monturas artesanales de carey sintético', '120', '35.50', '0.00', '60.00')],
});

const issuer = {
  rnc: issuerRnc,
  legalName: 'ÓPTICA PEÑA, SRL',
  address: 'Calle El Conde 101, Zona Colonial, Santo Domingo',
  phones: ['809-555-0100'],
  email: 'facturas@opticapena.do',
};

/**
 * Debit note on invoice31 for late-payment interest: 1 x 850.00 at 18% -> ITBIS 153.00,
 * total 1,003.00.
 */
export const debit33: EcfDocument = {
  type: '33',
  encf: 'E330000000001',
  sequenceExpiresOn: '2027-12-31',
  issuedOn: '2026-12-20',
  incomeType: '02',
  paymentType: 1,
  issuer,
  buyer: { rnc: buyerRnc, name: 'DISTRIBUIDORA ÑECO & ASOCIADOS, SRL' },
  lines: [
    {
      name: 'Intereses por mora factura E310000000001',
      kind: 'service',
      billing: 1,
      quantity: '1',
      unitPrice: '850.00',
      discount: '0.00',
      amount: '850.00',
    },
  ],
  totals: {
    rates: [{ indicator: 1, taxable: '850.00', itbis: '153.00' }],
    exempt: '0.00',
    itbis: '153.00',
    total: '1003.00',
  },
  reference: { ncf: 'E310000000001', issuedOn: '2026-12-05', code: 3, reason: 'Intereses por pago tardío' },
};

/**
 * Purchase from an unregistered seller (the shop issues it as payer):
 * - 10 used frames x 400.00 = 4,000.00 at 18% -> ITBIS 720.00, all withheld;
 * - a repair service 2,500.00 at 18% -> ITBIS 450.00 withheld, ISR 10% = 250.00 withheld.
 * Taxable 6,500.00, ITBIS 1,170.00, total 7,670.00; withheld ITBIS 1,170.00, ISR 250.00.
 */
export const purchase41: EcfDocument = {
  type: '41',
  encf: 'E410000000001',
  sequenceExpiresOn: '2027-12-31',
  issuedOn: '2026-12-05',
  incomeType: '01',
  paymentType: 1,
  paymentForms: [{ form: '1', amount: '7670.00' }],
  issuer,
  buyer: { rnc: buyerCedula, name: 'José Argüello Núñez' },
  lines: [
    {
      name: 'Monturas usadas',
      kind: 'good',
      billing: 1,
      quantity: '10',
      unitPrice: '400.00',
      discount: '0.00',
      amount: '4000.00',
      retention: { agent: 1, itbisWithheld: '720.00' },
    },
    {
      name: 'Reparación de biseladora',
      kind: 'service',
      billing: 1,
      quantity: '1',
      unitPrice: '2500.00',
      discount: '0.00',
      amount: '2500.00',
      retention: { agent: 1, itbisWithheld: '450.00', isrWithheld: '250.00' },
    },
  ],
  totals: {
    rates: [{ indicator: 1, taxable: '6500.00', itbis: '1170.00' }],
    exempt: '0.00',
    itbis: '1170.00',
    total: '7670.00',
  },
};

/** Minor expenses: parking 3 x 100.00 and tolls 2 x 60.00, exempt: total 420.00. */
export const minor43: EcfDocument = {
  type: '43',
  encf: 'E430000000001',
  sequenceExpiresOn: '2027-12-31',
  issuedOn: '2026-12-05',
  incomeType: '01',
  paymentType: 1,
  issuer,
  lines: [
    {
      name: 'Parqueo',
      kind: 'service',
      billing: 4,
      quantity: '3',
      unitPrice: '100.00',
      discount: '0.00',
      amount: '300.00',
    },
    {
      name: 'Peaje',
      kind: 'service',
      billing: 4,
      quantity: '2',
      unitPrice: '60.00',
      discount: '0.00',
      amount: '120.00',
    },
  ],
  totals: { rates: [], exempt: '420.00', itbis: '0.00', total: '420.00' },
};

/**
 * A software licence paid abroad in USD at 58.7525: US$ 500.00 -> RD$ 29,376.25, exempt; ISR
 * withheld 27% of RD$ 29,376.25 = 7,931.5875 -> 7,931.59.
 */
export const foreign47: EcfDocument = {
  type: '47',
  encf: 'E470000000001',
  sequenceExpiresOn: '2027-12-31',
  issuedOn: '2026-12-05',
  incomeType: '01',
  paymentType: 1,
  issuer,
  buyer: { foreignId: 'EIN-98-7654321', name: 'Lens Software LLC' },
  lines: [
    {
      name: 'Licencia anual software de laboratorio',
      kind: 'service',
      billing: 4,
      quantity: '1',
      unitPrice: '29376.25',
      discount: '0.00',
      amount: '29376.25',
      foreign: { unitPrice: '500.00', discount: '0.00', amount: '500.00' },
      retention: { agent: 1, isrWithheld: '7931.59' },
    },
  ],
  totals: { rates: [], exempt: '29376.25', itbis: '0.00', total: '29376.25' },
  foreignCurrency: {
    code: 'USD',
    exchangeRate: '58.7525',
    totals: { rates: [], exempt: '500.00', itbis: '0.00', total: '500.00' },
  },
};

/** One document of every e-CF type, mapped or written as above. */
export function documentsByType(): Record<EcfType, EcfDocument> {
  return {
    '31': invoiceToEcf(invoice31, { payments: [{ method: '2', amount: '10000.00' }] }),
    '32': invoiceToEcf(consumer32, { payments: [{ method: '3', amount: '4666.00' }] }),
    '33': debit33,
    '34': invoiceToEcf(credit34, { modifiedIssuedOn: '2026-12-05' }),
    '41': purchase41,
    '43': minor43,
    '44': invoiceToEcf(special44),
    '45': invoiceToEcf(government45),
    '46': invoiceToEcf(export46),
    '47': foreign47,
  };
}
