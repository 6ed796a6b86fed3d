/**
 * The e-CF builders and the invoice mapper inside workerd (the runtime that will sign and send):
 * one document of every type, the RFCE, ANECF, ARECF and ACECF, with their key values. XSD
 * validation of the same documents is in test/node/ecf-xml.test.ts (xmllint is not in workerd).
 */
import { describe, expect, it } from 'vitest';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { ecfTypes } from '../../src/ecf/model';
import { buildAcecfXml, buildAnecfXml, buildArecfXml, buildEcfXml, buildRfceXml } from '../../src/ecf/xml';
import {
  buyerRnc,
  consumer32,
  documentsByType,
  dollar31,
  invoice31,
  issuerRnc,
  minor43,
  signedAt,
} from '../support/ecf-fixtures';

const value = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('e-CF XML in workerd', () => {
  it('builds every type with its type, number, total and signing time', () => {
    const documents = documentsByType();
    for (const type of ecfTypes) {
      const doc = documents[type];
      const xml = buildEcfXml(doc, signedAt);
      expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?><ECF>')).toBe(true);
      expect(xml).not.toMatch(/>\s+</);
      expect(value(xml, 'TipoeCF')).toBe(type);
      expect(value(xml, 'eNCF')).toBe(doc.encf);
      expect(value(xml, 'MontoTotal')).toBe(doc.totals.total);
      expect(value(xml, 'FechaHoraFirma')).toBe('05-12-2026 09:15:30');
      expect(xml.endsWith('</FechaHoraFirma></ECF>')).toBe(true);
    }
  });

  it('maps the invoice with the totals engine figures (31, and a USD 31)', () => {
    const xml = buildEcfXml(invoiceToEcf(invoice31), signedAt);
    expect([value(xml, 'MontoGravadoI1'), value(xml, 'TotalITBIS'), value(xml, 'MontoTotal')]).toEqual([
      '24850.50',
      '4641.09',
      invoice31.total,
    ]);
    const usd = buildEcfXml(invoiceToEcf(dollar31), signedAt);
    expect(value(usd, 'MontoTotal')).toBe(dollar31.totalDop);
    expect(value(usd, 'MontoTotalOtraMoneda')).toBe(dollar31.total);
  });

  it('writes the gastos menores document byte for byte as expected', () => {
    expect(buildEcfXml(minor43, signedAt)).toBe(
      '<?xml version="1.0" encoding="utf-8"?><ECF><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>43</TipoeCF>' +
        '<eNCF>E430000000001</eNCF><FechaVencimientoSecuencia>31-12-2027</FechaVencimientoSecuencia><TipoPago>1</TipoPago>' +
        '</IdDoc><Emisor><RNCEmisor>101850043</RNCEmisor><RazonSocialEmisor>ÓPTICA PEÑA, SRL</RazonSocialEmisor>' +
        '<DireccionEmisor>Calle El Conde 101, Zona Colonial, Santo Domingo</DireccionEmisor><TablaTelefonoEmisor>' +
        '<TelefonoEmisor>809-555-0100</TelefonoEmisor></TablaTelefonoEmisor><CorreoEmisor>facturas@opticapena.do</CorreoEmisor>' +
        '<FechaEmision>05-12-2026</FechaEmision></Emisor><Totales><MontoExento>420.00</MontoExento>' +
        '<MontoTotal>420.00</MontoTotal></Totales></Encabezado><DetallesItems><Item><NumeroLinea>1</NumeroLinea>' +
        '<IndicadorFacturacion>4</IndicadorFacturacion><NombreItem>Parqueo</NombreItem>' +
        '<IndicadorBienoServicio>2</IndicadorBienoServicio><CantidadItem>3.00</CantidadItem>' +
        '<PrecioUnitarioItem>100.0000</PrecioUnitarioItem><MontoItem>300.00</MontoItem></Item><Item>' +
        '<NumeroLinea>2</NumeroLinea><IndicadorFacturacion>4</IndicadorFacturacion><NombreItem>Peaje</NombreItem>' +
        '<IndicadorBienoServicio>2</IndicadorBienoServicio><CantidadItem>2.00</CantidadItem>' +
        '<PrecioUnitarioItem>60.0000</PrecioUnitarioItem><MontoItem>120.00</MontoItem></Item></DetallesItems>' +
        '<FechaHoraFirma>05-12-2026 09:15:30</FechaHoraFirma></ECF>',
    );
  });

  it('builds the RFCE, ANECF, ARECF and ACECF', () => {
    const rfce = buildRfceXml(invoiceToEcf(consumer32), 'Xy12Ab');
    expect([value(rfce, 'eNCF'), value(rfce, 'MontoTotal'), value(rfce, 'CodigoSeguridadeCF')]).toEqual([
      'E320000000007',
      '4666.00',
      'Xy12Ab',
    ]);
    const anecf = buildAnecfXml({
      issuerRnc,
      generatedAt: signedAt,
      ranges: [{ from: 'E310000000010', to: 'E310000000019' }],
    });
    expect(value(anecf, 'CantidadeNCFAnulados')).toBe('10');
    expect(value(anecf, 'FechaHoraAnulacioneNCF')).toBe('05-12-2026 09:15:30');
    const arecf = buildArecfXml({
      issuerRnc: buyerRnc,
      buyerRnc: issuerRnc,
      encf: 'E310000000123',
      notReceived: 3,
      at: signedAt,
    });
    expect([value(arecf, 'Estado'), value(arecf, 'CodigoMotivoNoRecibido')]).toEqual(['1', '3']);
    const acecf = buildAcecfXml({
      issuerRnc: buyerRnc,
      encf: 'E310000000123',
      issuedOn: '2026-12-01',
      total: '32741.59',
      buyerRnc: issuerRnc,
      at: signedAt,
    });
    expect([value(acecf, 'Estado'), value(acecf, 'FechaEmision'), value(acecf, 'MontoTotal')]).toEqual([
      '1',
      '01-12-2026',
      '32741.59',
    ]);
  });
});
