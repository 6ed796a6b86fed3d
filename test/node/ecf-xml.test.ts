/**
 * The e-CF XML builders against DGII's own schemas (data/dgii/xsd, checked by Debian's xmllint):
 * every type and the RFCE, ANECF, ARECF and ACECF validate; the validator does reject a document
 * missing a mandatory element or with a wrong date; the figures written are the invoice's, checked
 * against tables worked out by hand.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { type EcfDocument, EcfBuildError, ecfTypes } from '../../src/ecf/model';
import {
  buildAcecfXml,
  buildAnecfXml,
  buildArecfXml,
  buildEcfXml,
  buildRfceXml,
  dgiiDateTime,
  escapeXml,
} from '../../src/ecf/xml';
import {
  buyerRnc,
  consumer32,
  credit34,
  documentsByType,
  dollar31,
  export46,
  invoice31,
  invoiceDocument,
  issuerRnc,
  largeConsumer32,
  lateCredit34,
  line,
  signedAt,
} from '../support/ecf-fixtures';
import { signXml } from '../../src/ecf/sign';
import { createXsdValidator, type XsdValidator } from '../support/xsd';

let xsd: XsdValidator;
let signedXsd: XsdValidator;

beforeAll(async () => {
  [xsd, signedXsd] = await Promise.all([
    createXsdValidator({ unsigned: true }),
    createXsdValidator({ unsigned: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([xsd?.close(), signedXsd?.close()]);
});

/** Every value of `<name>` in document order. */
function values(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((match) => match[1]!);
}
function value(xml: string, name: string): string | undefined {
  return values(xml, name)[0];
}
/** The text of one section (`<Totales>...</Totales>`). */
function section(xml: string, name: string): string {
  const match = new RegExp(`<${name}>(.*?)</${name}>`).exec(xml);
  if (!match) throw new Error(`no ${name}`);
  return match[1]!;
}

async function expectValid(xml: string, schema: Parameters<XsdValidator['validate']>[1]) {
  const result = await xsd.validate(xml, schema);
  expect(result.errors).toBe('');
  expect(result.valid).toBe(true);
}

describe('every e-CF type validates against its DGII schema', () => {
  const documents = documentsByType();
  for (const type of ecfTypes) {
    it(`e-CF ${type}`, async () => {
      const xml = buildEcfXml(documents[type], signedAt);
      await expectValid(xml, type);
      expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><ECF><Encabezado><Version>1.0</Version>')).toBe(
        true,
      );
      expect(xml).not.toMatch(/>\s+</);
      expect(value(xml, 'TipoeCF')).toBe(type);
      // FechaHoraFirma is the last element: the signature goes right after it.
      expect(xml.endsWith('<FechaHoraFirma>05-12-2026 09:15:30</FechaHoraFirma></ECF>')).toBe(true);
    });
  }

  it('also the variants: a USD invoice, a credit note after 30 days, a 32 over RD$250,000', async () => {
    await expectValid(buildEcfXml(invoiceToEcf(dollar31), signedAt), '31');
    await expectValid(buildEcfXml(invoiceToEcf(lateCredit34, { modifiedIssuedOn: '2026-12-05' }), signedAt), '34');
    await expectValid(buildEcfXml(invoiceToEcf(largeConsumer32), signedAt), '32');
  });
});

describe('the validator rejects what DGII would', () => {
  const xml31 = () => buildEcfXml(documentsByType()['31'], signedAt);

  it('a 31 without its mandatory RNCComprador', async () => {
    const xml = xml31().replace(`<RNCComprador>${buyerRnc}</RNCComprador>`, '');
    expect(xml).not.toContain('<RNCComprador>');
    const result = await xsd.validate(xml, '31');
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/RazonSocialComprador.*Expected is \( RNCComprador \)/);
  });

  it('an issue date written yyyy-MM-dd', async () => {
    const xml = xml31().replace('<FechaEmision>05-12-2026</FechaEmision>', '<FechaEmision>2026-12-05</FechaEmision>');
    const result = await xsd.validate(xml, '31');
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/FechaEmision.*The value '2026-12-05' is not accepted by the pattern/);
  });

  it('an amount with three decimals, and elements out of DGII order', async () => {
    const xml = xml31();
    const total = value(xml, 'MontoTotal')!;
    const threeDecimals = await xsd.validate(
      xml.replace(`<MontoTotal>${total}</MontoTotal>`, `<MontoTotal>${total}1</MontoTotal>`),
      '31',
    );
    expect(threeDecimals.valid).toBe(false);
    const swapped = xml.replace(/(<TipoIngresos>01<\/TipoIngresos>)(<TipoPago>2<\/TipoPago>)/, '$2$1');
    expect(swapped).not.toBe(xml);
    expect((await xsd.validate(swapped, '31')).valid).toBe(false);
  });

  it('an unsigned document against the schema as published (the Signature is mandatory there)', async () => {
    const result = await signedXsd.validate(xml31(), '31');
    expect(result.valid).toBe(false);
    expect(result.errors).toMatch(/Missing child element/);
    const fakeSigned = xml31().replace('</ECF>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/></ECF>');
    expect((await signedXsd.validate(fakeSigned, '31')).valid).toBe(true);
  });
});

describe('figures worked out by hand', () => {
  it('e-CF 31 with four rates, discounts and an exempt line', () => {
    // Lines (quantity x price - discount, half-up to cents):
    //   1) 2 x 6,500.00 = 13,000.00 - 650.00 = 12,350.00   (18%)
    //   2) 1 x 12,500.50                     = 12,500.50   (18%)
    //   3) 3 x 350.2550 = 1,050.765 -> 1,050.77 - 0.77 = 1,050.00 (16%)
    //   4) 2 x 425.00                        =    850.00   (0%)
    //   5) 1 x 1,500.00 - 150.00             =  1,350.00   (exempt)
    // 18%: 24,850.50 x 0.18 = 4,473.09; 16%: 1,050.00 x 0.16 = 168.00; 0%: 0.00
    // Taxable 26,750.50; ITBIS 4,641.09; total 26,750.50 + 1,350.00 + 4,641.09 = 32,741.59
    const xml = buildEcfXml(invoiceToEcf(invoice31), signedAt);
    const totals = section(xml, 'Totales');
    expect(values(xml, 'MontoItem')).toEqual(['12350.00', '12500.50', '1050.00', '850.00', '1350.00']);
    expect(values(xml, 'IndicadorFacturacion')).toEqual(['1', '1', '2', '3', '4']);
    expect(value(totals, 'MontoGravadoTotal')).toBe('26750.50');
    expect([value(totals, 'MontoGravadoI1'), value(totals, 'MontoGravadoI2'), value(totals, 'MontoGravadoI3')]).toEqual(
      ['24850.50', '1050.00', '850.00'],
    );
    expect(value(totals, 'MontoExento')).toBe('1350.00');
    expect([value(totals, 'ITBIS1'), value(totals, 'ITBIS2'), value(totals, 'ITBIS3')]).toEqual(['18', '16', '0']);
    expect([value(totals, 'TotalITBIS1'), value(totals, 'TotalITBIS2'), value(totals, 'TotalITBIS3')]).toEqual([
      '4473.09',
      '168.00',
      '0.00',
    ]);
    expect(value(totals, 'TotalITBIS')).toBe('4641.09');
    expect(value(totals, 'MontoTotal')).toBe('32741.59');
    expect(value(totals, 'MontoTotal')).toBe(invoice31.total);
    // Discounts are stated per line, in DGII's sub-discount table too.
    expect(values(xml, 'DescuentoMonto')).toEqual(['650.00', '0.77', '150.00']);
    expect(values(xml, 'MontoSubDescuento')).toEqual(['650.00', '0.77', '150.00']);
    // Credit terms: TipoPago 2 with the due date.
    expect(value(xml, 'TipoPago')).toBe('2');
    expect(value(xml, 'FechaLimitePago')).toBe('04-01-2027');
    expect(value(xml, 'TerminoPago')).toBe('30 días');
  });

  it('the USD invoice: DOP in Totales, USD in OtraMoneda, both adding up to the invoice', () => {
    // USD: 1) 3 x 120.3333 = 360.9999 -> 361.00 - 5.00 = 356.00 (18%); 2) 89.99 (16%); 3) 25.00 exempt
    //   ITBIS 356.00 x 0.18 = 64.08; 89.99 x 0.16 = 14.3984 -> 14.40; total 356 + 89.99 + 25 + 78.48 = 549.47
    // DOP at 58.7525, each converted half-up as toDop does:
    //   356.00 -> 20,915.89; 89.99 -> 5,287.137475 -> 5,287.14 (together 445.99 -> 26,203.027475 -> 26,203.03)
    //   exempt 25.00 -> 1,468.8125 -> 1,468.81
    //   ITBIS 64.08 -> 3,764.8602 -> 3,764.86; 14.40 -> 846.036 -> 846.04 (together 78.48 -> 4,610.8962 -> 4,610.90)
    //   total 26,203.03 + 1,468.81 + 4,610.90 = 32,282.74
    // Line 1 in DOP: price 120.3333 x 58.7525 = 7,069.88220825 -> 7,069.8822; discount 5.00 -> 293.76
    const xml = buildEcfXml(invoiceToEcf(dollar31), signedAt);
    const totals = section(xml, 'Totales');
    const other = section(xml, 'OtraMoneda');
    expect(value(other, 'TipoMoneda')).toBe('USD');
    expect(value(other, 'TipoCambio')).toBe('58.7525');
    expect(value(other, 'MontoGravado1OtraMoneda')).toBe('356.00');
    expect(value(other, 'MontoGravado2OtraMoneda')).toBe('89.99');
    expect(value(other, 'MontoExentoOtraMoneda')).toBe('25.00');
    expect(value(other, 'TotalITBIS1OtraMoneda')).toBe('64.08');
    expect(value(other, 'TotalITBIS2OtraMoneda')).toBe('14.40');
    expect(value(other, 'MontoTotalOtraMoneda')).toBe('549.47');
    expect(value(other, 'MontoTotalOtraMoneda')).toBe(dollar31.total);
    expect([value(totals, 'MontoGravadoI1'), value(totals, 'MontoGravadoI2'), value(totals, 'MontoExento')]).toEqual([
      '20915.89',
      '5287.14',
      '1468.81',
    ]);
    expect([value(totals, 'TotalITBIS1'), value(totals, 'TotalITBIS2'), value(totals, 'TotalITBIS')]).toEqual([
      '3764.86',
      '846.04',
      '4610.90',
    ]);
    expect(value(totals, 'MontoTotal')).toBe('32282.74');
    expect(value(totals, 'MontoTotal')).toBe(dollar31.totalDop);
    expect(values(xml, 'MontoItem')).toEqual(['20915.89', '5287.14', '1468.81']);
    expect(values(xml, 'PrecioUnitarioItem')[0]).toBe('7069.8822');
    expect(value(xml, 'DescuentoMonto')).toBe('293.76');
    expect(values(xml, 'MontoItemOtraMoneda')).toEqual(['356.00', '89.99', '25.00']);
  });

  it('conversion cents go back on the largest line, so lines add up to the stored DOP totals', async () => {
    // EUR at 1.5000: two lines of 10.01 at 18%. Each converts to 15.015 -> 15.02 (sum 30.04), but the
    // taxable total 20.02 converts to 30.03: the first (largest, first of equals) line gives back 0.01.
    // ITBIS 20.02 x 0.18 = 3.6036 -> 3.60 EUR -> 5.40 DOP; total DOP 30.03 + 5.40 = 35.43.
    const euro = invoiceDocument({
      ncfType: 'E31',
      ncf: 'E310000000003',
      buyer: { name: 'Cliente', idType: 'rnc', idNumber: buyerRnc },
      currencyCode: 'EUR',
      exchangeRate: '1.5000',
      lines: [line('Gotas A', '1', '10.01', '18.00'), line('Gotas B', '1', '10.01', '18.00')],
    });
    expect(euro.totalDop).toBe('35.43');
    const xml = buildEcfXml(invoiceToEcf(euro), signedAt);
    await expectValid(xml, '31');
    expect(values(xml, 'MontoItem')).toEqual(['15.01', '15.02']);
    expect([value(xml, 'MontoGravadoI1'), value(xml, 'TotalITBIS1'), value(xml, 'MontoTotal')]).toEqual([
      '30.03',
      '5.40',
      '35.43',
    ]);
  });

  it('the credit note: InformacionReferencia and its own totals', () => {
    // 1 x 6,500.00 - 325.00 = 6,175.00 at 18% -> 1,111.50; total 7,286.50
    const xml = buildEcfXml(invoiceToEcf(credit34, { modifiedIssuedOn: '2026-12-05' }), signedAt);
    expect(value(xml, 'IndicadorNotaCredito')).toBe('0');
    expect(xml).not.toContain('FechaVencimientoSecuencia');
    expect(section(xml, 'InformacionReferencia')).toBe(
      '<NCFModificado>E310000000001</NCFModificado><FechaNCFModificado>05-12-2026</FechaNCFModificado>' +
        '<CodigoModificacion>3</CodigoModificacion>' +
        '<RazonModificacion>Devolución de una montura con defecto de fábrica</RazonModificacion>',
    );
    expect([value(xml, 'MontoGravadoI1'), value(xml, 'TotalITBIS1'), value(xml, 'MontoTotal')]).toEqual([
      '6175.00',
      '1111.50',
      '7286.50',
    ]);
    const late = buildEcfXml(invoiceToEcf(lateCredit34, { modifiedIssuedOn: '2026-12-05' }), signedAt);
    // After 30 days: the price only (350.2550 -> 350.26 at 16%, ITBIS 0.00).
    expect([value(late, 'IndicadorNotaCredito'), value(late, 'TotalITBIS2'), value(late, 'MontoTotal')]).toEqual([
      '1',
      '0.00',
      '350.26',
    ]);
  });

  it('exports: every line at ITBIS tasa 3 and the foreign buyer by passport', () => {
    // 120 x 35.50 = 4,260.00 - 60.00 = 4,200.00 USD at 0%; DOP 4,200 x 58.7525 = 246,760.50
    const xml = buildEcfXml(invoiceToEcf(export46), signedAt);
    expect(value(xml, 'IndicadorFacturacion')).toBe('3');
    expect(value(xml, 'IdentificadorExtranjero')).toBe('US12345678');
    expect(xml).not.toContain('<RNCComprador>');
    expect([value(xml, 'MontoGravadoI3'), value(xml, 'TotalITBIS3'), value(xml, 'MontoTotal')]).toEqual([
      '246760.50',
      '0.00',
      '246760.50',
    ]);
  });

  it('purchases: the withholdings add up in the header', () => {
    const xml = buildEcfXml(documentsByType()['41'], signedAt);
    expect(values(xml, 'MontoITBISRetenido')).toEqual(['720.00', '450.00']);
    expect(value(xml, 'TotalITBISRetenido')).toBe('1170.00');
    expect(value(xml, 'TotalISRRetencion')).toBe('250.00');
    expect(value(xml, 'MontoTotal')).toBe('7670.00');
  });
});

describe('many invoices: the e-CF totals are the invoice totals to the cent', () => {
  // A small deterministic generator (mulberry32) so a failure can be replayed.
  function random(seed: number) {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const cents = (next: () => number, max: number) => (Math.floor(next() * max * 100) / 100).toFixed(2);

  it('300 random DOP, USD and EUR invoices add up in DOP and in their own currency', async () => {
    const next = random(20261205);
    const rates = ['18.00', '16.00', '0.00'];
    let validated = 0;
    for (let n = 0; n < 300; n++) {
      const lines = Array.from({ length: 1 + Math.floor(next() * 6) }, (_, index) => {
        const quantity = String(1 + Math.floor(next() * 12));
        const price = (Math.floor(next() * 2_000_000) / 10_000).toFixed(4);
        const gross = Number(quantity) * Number(price);
        const discount = next() < 0.3 ? (Math.floor(next() * gross * 30) / 100).toFixed(2) : '0.00';
        return next() < 0.2
          ? line(`Exento ${index}`, quantity, price, '0.00', discount, true)
          : line(`Línea ${index}`, quantity, price, rates[Math.floor(next() * 3)]!, discount);
      });
      const currency = ['DOP', 'USD', 'EUR'][n % 3]!;
      const doc = invoiceDocument({
        ncfType: 'E31',
        ncf: `E31${String(n + 1).padStart(10, '0')}`,
        buyer: { name: 'Cliente', idType: 'rnc', idNumber: buyerRnc },
        currencyCode: currency,
        exchangeRate:
          currency === 'DOP'
            ? '1.0000'
            : `${50 + Math.floor(next() * 20)}.${cents(next, 1).slice(2)}${Math.floor(next() * 100)
                .toString()
                .padStart(2, '0')}`,
        lines,
      });
      // buildEcfXml itself refuses lines that do not add up to their rate, rates to the total.
      const xml = buildEcfXml(invoiceToEcf(doc), signedAt);
      expect(value(section(xml, 'Totales'), 'MontoTotal')).toBe(doc.totalDop);
      if (currency !== 'DOP') expect(value(xml, 'MontoTotalOtraMoneda')).toBe(doc.total);
      if (n % 25 === 0) {
        await expectValid(xml, '31');
        validated++;
      }
    }
    expect(validated).toBe(12);
  });
});

describe('what the builders refuse', () => {
  const base = () => documentsByType();
  const refuses = (doc: EcfDocument, field: string) => {
    let error: unknown;
    try {
      buildEcfXml(doc, signedAt);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EcfBuildError);
    expect((error as EcfBuildError).field).toBe(field);
  };

  it('a 31 without buyer RNC, a 32 of RD$250,000 or more without a buyer', () => {
    const doc31 = base()['31'];
    refuses({ ...doc31, buyer: { name: 'Sin RNC' } }, 'buyer.rnc');
    const large = invoiceToEcf(largeConsumer32);
    refuses({ ...large, buyer: undefined }, 'buyer');
  });

  it('totals that do not add up to the lines, a taxed line in a 44, a 34 without reference', () => {
    const doc31 = base()['31'];
    refuses({ ...doc31, totals: { ...doc31.totals, total: '1.00' } }, 'totals.total');
    const doc44 = base()['44'];
    refuses({ ...doc44, lines: [{ ...doc44.lines[0]!, billing: 1 }, ...doc44.lines.slice(1)] }, 'lines.0.billing');
    refuses({ ...base()['34'], reference: undefined }, 'reference');
  });

  it('an invoice whose rate DGII has no indicator for', () => {
    const odd = invoiceDocument({
      ncfType: 'E31',
      ncf: 'E310000000009',
      buyer: { name: 'X', idType: 'rnc', idNumber: buyerRnc },
      lines: [line('Algo', '1', '100.00', '8.00')],
    });
    expect(() => invoiceToEcf(odd)).toThrow(EcfBuildError);
  });
});

describe('RFCE, ANECF, ARECF and ACECF', () => {
  it('RFCE of a consumer invoice under RD$250,000', async () => {
    const xml = buildRfceXml(invoiceToEcf(consumer32), 'a1B2c3');
    await expectValid(xml, 'RFCE');
    // 2 x 1,850.00 = 3,700.00 at 18% -> 666.00; exempt 300.00; total 4,666.00
    expect([
      value(xml, 'MontoGravadoI1'),
      value(xml, 'TotalITBIS1'),
      value(xml, 'MontoExento'),
      value(xml, 'MontoTotal'),
    ]).toEqual(['3700.00', '666.00', '300.00', '4666.00']);
    expect(xml).toContain('<Comprador></Comprador>');
    // The e-CF 32 itself keeps the mandatory (empty) Comprador area of an anonymous consumer too.
    expect(buildEcfXml(invoiceToEcf(consumer32), signedAt)).toContain('<Comprador></Comprador>');
    expect(value(xml, 'CodigoSeguridadeCF')).toBe('a1B2c3');
    expect(() => buildRfceXml(invoiceToEcf(largeConsumer32), 'a1B2c3')).toThrow(EcfBuildError);
  });

  it('ANECF of two ranges of 31 and one of 32', async () => {
    const xml = buildAnecfXml({
      issuerRnc,
      generatedAt: signedAt,
      ranges: [
        { from: 'E310000000001', to: 'E310000000001' },
        { from: 'E320000000010', to: 'E320000000059' },
        { from: 'E310000000005', to: 'E310000000050' },
      ],
    });
    await expectValid(xml, 'ANECF');
    // 31: 1 + 46 = 47; 32: 50; in all 97
    expect(values(xml, 'CantidadeNCFAnulados')).toEqual(['97', '47', '50']);
    expect(values(xml, 'TipoeCF')).toEqual(['31', '32']);
  });

  it('ARECF received and not received', async () => {
    const received = buildArecfXml({ issuerRnc: buyerRnc, buyerRnc: issuerRnc, encf: 'E310000000123', at: signedAt });
    await expectValid(received, 'ARECF');
    expect(value(received, 'Estado')).toBe('0');
    const refused = buildArecfXml({
      issuerRnc: buyerRnc,
      buyerRnc: issuerRnc,
      encf: 'E310000000123',
      notReceived: 2,
      at: signedAt,
    });
    await expectValid(refused, 'ARECF');
    expect([value(refused, 'Estado'), value(refused, 'CodigoMotivoNoRecibido')]).toEqual(['1', '2']);
  });

  it('ACECF approved and rejected', async () => {
    const input = {
      issuerRnc: buyerRnc,
      encf: 'E310000000123',
      issuedOn: '2026-12-01',
      total: '32741.59',
      buyerRnc: issuerRnc,
      at: signedAt,
    };
    const approved = buildAcecfXml(input);
    await expectValid(approved, 'ACECF');
    expect(value(approved, 'Estado')).toBe('1');
    const rejected = buildAcecfXml({ ...input, rejection: 'Mercancía no recibida & precio distinto' });
    await expectValid(rejected, 'ACECF');
    expect(value(rejected, 'DetalleMotivoRechazo')).toBe('Mercancía no recibida &amp; precio distinto');
  });
});

describe('signed, every document validates against the schemas as published (the Signature mandatory)', () => {
  let signer: { key: CryptoKey; certificateDer: Uint8Array };
  let keyDir: string;

  beforeAll(async () => {
    keyDir = await mkdtemp(path.join(tmpdir(), 'optiflow-ecf-key-'));
    const key = path.join(keyDir, 'key.pem');
    const cert = path.join(keyDir, 'cert.der');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=OPTICA PENA/serialNumber=${issuerRnc}`,
      '-keyout',
      key,
      '-outform',
      'DER',
      '-out',
      cert,
    ]);
    const pem = await readFile(key, 'utf8');
    const pkcs8 = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    signer = {
      key: await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
        'sign',
      ]),
      certificateDer: new Uint8Array(await readFile(cert)),
    };
  });
  afterAll(async () => {
    await rm(keyDir, { recursive: true, force: true });
  });

  it('every e-CF type, signed right after FechaHoraFirma', async () => {
    const documents = documentsByType();
    for (const type of ecfTypes) {
      const signed = await signXml(buildEcfXml(documents[type], signedAt), signer);
      expect(signed).toMatch(
        /<\/FechaHoraFirma><Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">.*<\/Signature><\/ECF>$/,
      );
      const result = await signedXsd.validate(signed, type);
      expect(result.errors, `e-CF ${type}`).toBe('');
    }
  });

  it('the RFCE with the security code of the signed 32, and the ANECF, ARECF and ACECF', async () => {
    const doc32 = invoiceToEcf(consumer32);
    const signed32 = await signXml(buildEcfXml(doc32, signedAt), signer);
    const code = value(signed32, 'SignatureValue')!.slice(0, 6);
    const rfce = await signXml(buildRfceXml(doc32, code), signer);
    expect((await signedXsd.validate(rfce, 'RFCE')).errors).toBe('');
    const anecf = await signXml(
      buildAnecfXml({ issuerRnc, generatedAt: signedAt, ranges: [{ from: 'E310000000020', to: 'E310000000029' }] }),
      signer,
    );
    expect((await signedXsd.validate(anecf, 'ANECF')).errors).toBe('');
    const arecf = await signXml(
      buildArecfXml({ issuerRnc: buyerRnc, buyerRnc: issuerRnc, encf: 'E310000000123', at: signedAt }),
      signer,
    );
    expect((await signedXsd.validate(arecf, 'ARECF')).errors).toBe('');
    const acecf = await signXml(
      buildAcecfXml({
        issuerRnc: buyerRnc,
        encf: 'E310000000123',
        issuedOn: '2026-12-01',
        total: '100.00',
        buyerRnc: issuerRnc,
        at: signedAt,
      }),
      signer,
    );
    expect((await signedXsd.validate(acecf, 'ACECF')).errors).toBe('');
  });
});

describe('formats', () => {
  it('Santo Domingo time, and escaping', () => {
    expect(dgiiDateTime(new Date('2027-01-01T03:59:59Z'))).toBe('31-12-2026 23:59:59');
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
    const xml = buildEcfXml(invoiceToEcf(invoice31), signedAt);
    expect(xml).toContain('<NombreItem>Montura Ray-Ban RB5154 &quot;Clubmaster&quot; &lt;negra&gt;</NombreItem>');
    expect(xml).toContain('<RazonSocialComprador>DISTRIBUIDORA ÑECO &amp; ASOCIADOS, SRL</RazonSocialComprador>');
  });
});
