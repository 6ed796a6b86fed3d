/**
 * What the inbox shows of a received e-CF, read from its XML (Formato e-CF v1.0 names): parties,
 * lines and totals. Only reads; the receiver endpoints checked signature and structure on arrival.
 */
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../c14n';

export interface EcfViewLine {
  number: string;
  name: string;
  description: string | null;
  quantity: string;
  unitPrice: string;
  discount: string | null;
  amount: string;
  /** IndicadorFacturacion: 1 ITBIS 18%, 2 ITBIS 16%, 3 ITBIS 0%, 4 exempt. */
  billing: string | null;
  /** IndicadorBienoServicio: 1 bien, 2 servicio (the 606's goods/services split). */
  goodsOrService: string | null;
}

export interface EcfView {
  ecfType: string;
  encf: string;
  issuedOn: string | null;
  issuer: { rnc: string; name: string; address: string | null };
  buyer: { rnc: string | null; name: string | null };
  modifiedEncf: string | null;
  lines: EcfViewLine[];
  totals: { taxable: string | null; exempt: string | null; itbis: string | null; total: string | null };
  currency: string;
}

export function readEcfView(xml: string): EcfView {
  const root = parseXml(xml.replace(/^\uFEFF/, '')).documentElement;
  const first = (parent: Element | null | undefined, name: string): Element | null =>
    (parent?.getElementsByTagName(name)[0] as Element | undefined) ?? null;
  const text = (parent: Element | null | undefined, name: string): string | null =>
    first(parent, name)?.textContent?.trim() || null;
  const header = first(root, 'Encabezado');
  const issuer = first(header, 'Emisor');
  const buyer = first(header, 'Comprador');
  const totals = first(header, 'Totales');
  const items = Array.from(first(root, 'DetallesItems')?.getElementsByTagName('Item') ?? []) as Element[];
  return {
    ecfType: text(first(header, 'IdDoc'), 'TipoeCF') ?? '',
    encf: text(first(header, 'IdDoc'), 'eNCF') ?? '',
    issuedOn: text(issuer, 'FechaEmision'),
    issuer: {
      rnc: text(issuer, 'RNCEmisor') ?? '',
      name: text(issuer, 'RazonSocialEmisor') ?? '',
      address: text(issuer, 'DireccionEmisor'),
    },
    buyer: { rnc: text(buyer, 'RNCComprador'), name: text(buyer, 'RazonSocialComprador') },
    modifiedEncf: text(first(root, 'InformacionReferencia'), 'NCFModificado'),
    lines: items.map((item) => ({
      number: text(item, 'NumeroLinea') ?? '',
      name: text(item, 'NombreItem') ?? '',
      description: text(item, 'DescripcionItem'),
      quantity: text(item, 'CantidadItem') ?? '',
      unitPrice: text(item, 'PrecioUnitarioItem') ?? '',
      discount: text(item, 'DescuentoMonto'),
      amount: text(item, 'MontoItem') ?? '',
      billing: text(item, 'IndicadorFacturacion'),
      goodsOrService: text(item, 'IndicadorBienoServicio'),
    })),
    totals: {
      taxable: text(totals, 'MontoGravadoTotal'),
      exempt: text(totals, 'MontoExento'),
      itbis: text(totals, 'TotalITBIS'),
      total: text(totals, 'MontoTotal'),
    },
    currency: text(first(header, 'OtraMoneda'), 'TipoMoneda') ?? 'DOP',
  };
}
