/**
 * RFCE: the summary of an e-CF 32 under RD$250,000 that goes to DGII's `fc` service instead of the
 * whole document (Descripción Técnica §4.3; "Formato Resumen Factura Consumo Electrónica v1.0").
 * It repeats the e-CF's header and DOP totals and adds `CodigoSeguridadeCF`, the first 6
 * characters of the signed e-CF's signature value; it has no lines and no `FechaHoraFirma`.
 */
import { compareDecimals, sumDecimals } from '../../domain/money';
import { type EcfDocument, EcfBuildError, type TaxedIndicator } from '../model';
import { ecfProfiles } from './ecf';
import { checkEcfDocument, consumerThresholdDop } from './ecf-writer';
import { amount, clip, container, dgiiDate, el, group, taxId, xmlDeclaration } from './writer';

/** The unsigned RFCE of an e-CF 32 under RD$250,000; `securityCode` comes from the signed e-CF. */
export function buildRfceXml(doc: EcfDocument, securityCode: string): string {
  if (doc.type !== '32') throw new EcfBuildError('type', 'an RFCE summarises an e-CF 32 only');
  checkEcfDocument(ecfProfiles['32'], doc);
  if (compareDecimals(doc.totals.total, consumerThresholdDop) >= 0)
    throw new EcfBuildError('totals.total', 'an e-CF 32 of RD$250,000.00 or more is sent whole, not summarised');
  if (securityCode.length !== 6) throw new EcfBuildError('securityCode', 'the security code has 6 characters');
  const totals = doc.totals;
  const taxed = ([1, 2, 3] as TaxedIndicator[]).filter((n) => totals.rates.some((rate) => rate.indicator === n));
  const rate = (n: TaxedIndicator) => totals.rates.find((entry) => entry.indicator === n)!;
  const money = (value: string, field: string) => amount(value, `totals.${field}`);
  const buyer = doc.buyer;
  const rnc = taxId(buyer?.rnc, 'buyer.rnc');
  const forms = doc.paymentForms ?? [];
  return (
    xmlDeclaration +
    '<RFCE>' +
    group(
      'Encabezado',
      el('Version', '1.0') +
        group(
          'IdDoc',
          el('TipoeCF', '32') +
            el('eNCF', doc.encf) +
            el('TipoIngresos', doc.incomeType) +
            el('TipoPago', doc.paymentType) +
            group(
              'TablaFormasPago',
              forms
                .map((form, index) =>
                  group(
                    'FormaDePago',
                    el('FormaPago', form.form) + el('MontoPago', amount(form.amount, `paymentForms.${index}.amount`)),
                  ),
                )
                .join(''),
            ),
        ) +
        group(
          'Emisor',
          el('RNCEmisor', taxId(doc.issuer.rnc, 'issuer.rnc')) +
            el('RazonSocialEmisor', clip(doc.issuer.legalName, 150)) +
            el('FechaEmision', dgiiDate(doc.issuedOn, 'issuedOn')),
        ) +
        // The area is mandatory even for an anonymous consumer; its fields are optional.
        container(
          'Comprador',
          el('RNCComprador', rnc) +
            el('IdentificadorExtranjero', rnc ? undefined : clip(buyer?.foreignId, 20)) +
            el('RazonSocialComprador', clip(buyer?.name, 150)),
        ) +
        group(
          'Totales',
          (taxed.length > 0
            ? el(
                'MontoGravadoTotal',
                money(
                  sumDecimals(
                    totals.rates.map((entry) => entry.taxable),
                    2,
                  ),
                  'rates',
                ),
              )
            : '') +
            taxed.map((n) => el(`MontoGravadoI${n}`, money(rate(n).taxable, `rates.${n}`))).join('') +
            (doc.lines.some((line) => line.billing === 4) ? el('MontoExento', money(totals.exempt, 'exempt')) : '') +
            (taxed.length > 0 ? el('TotalITBIS', money(totals.itbis, 'itbis')) : '') +
            taxed.map((n) => el(`TotalITBIS${n}`, money(rate(n).itbis, `rates.${n}.itbis`))).join('') +
            el('MontoTotal', money(totals.total, 'total')),
        ) +
        el('CodigoSeguridadeCF', securityCode),
    ) +
    '</RFCE>'
  );
}
