/**
 * Writes one e-CF (root `ECF`) through its type's profile, in the element order of DGII's XSDs:
 * Encabezado (Version, IdDoc, Emisor, Comprador, Totales, OtraMoneda), DetallesItems,
 * InformacionReferencia, FechaHoraFirma - the signer appends `<Signature>` right after it.
 * Before writing, the document must add up: every rate's taxable base is exactly the sum of its
 * lines, the total is taxable + exempt + ITBIS, and each line is within DGII's tolerance of
 * quantity x price - discount (Informe Técnico §12).
 */
import { compareDecimals, fromUnits, roundHalfUp, sumDecimals, toUnits } from '../../domain/money';
import {
  type BillingIndicator,
  type EcfAmounts,
  type EcfDocument,
  type EcfLine,
  EcfBuildError,
  itbisRateOf,
  type TaxedIndicator,
} from '../model';
import type { EcfProfile } from './profile';
import {
  amount,
  clip,
  container,
  dgiiDate,
  dgiiDateTime,
  el,
  fourDecimals,
  group,
  quantity,
  taxId,
  xmlDeclaration,
} from './writer';

/** e-CF 32 from this DOP total on must identify the buyer (Formato e-CF field 38). */
export const consumerThresholdDop = '250000.00';

const taxedIndicators: readonly TaxedIndicator[] = [1, 2, 3];
const phonePattern = /^\d{3}-\d{3}-\d{4}$/;
const emailPattern = /^\w+([-+.]\w+)*@\w+([-.]\w+)*\.\w+([-.]\w+)*$/;

const sum = (values: readonly string[]) => sumDecimals(values, 2);
const same = (a: string, b: string) => compareDecimals(a, b) === 0;

function linesOf(doc: EcfDocument, indicator: BillingIndicator): EcfLine[] {
  return doc.lines.filter((line) => line.billing === indicator);
}

/** quantity x price half-up to cents, exactly. */
function grossOf(line: EcfLine, price: string): string {
  return roundHalfUp(fromUnits(toUnits(line.quantity, 2) * toUnits(price, 4), 6), 2);
}

function checkAmounts(
  doc: EcfDocument,
  totals: EcfAmounts,
  lineAmount: (line: EcfLine) => string,
  where: 'totals' | 'foreignCurrency.totals',
): void {
  const rates = new Map<TaxedIndicator, { taxable: string; itbis: string }>();
  for (const rate of totals.rates) {
    if (rates.has(rate.indicator)) throw new EcfBuildError(`${where}.rates`, `rate ${rate.indicator} listed twice`);
    rates.set(rate.indicator, rate);
  }
  for (const indicator of taxedIndicators) {
    const lines = linesOf(doc, indicator);
    const rate = rates.get(indicator);
    if (lines.length === 0) {
      if (rate) throw new EcfBuildError(`${where}.rates`, `rate ${indicator} has no lines`);
      continue;
    }
    if (!rate) throw new EcfBuildError(`${where}.rates`, `lines at rate ${indicator} but no total for it`);
    const lineSum = sum(lines.map(lineAmount));
    if (!same(lineSum, rate.taxable))
      throw new EcfBuildError(
        `${where}.rates`,
        `rate ${indicator}: lines add up to ${lineSum}, total says ${rate.taxable}`,
      );
  }
  const exemptSum = sum(linesOf(doc, 4).map(lineAmount));
  if (!same(exemptSum, totals.exempt))
    throw new EcfBuildError(`${where}.exempt`, `exempt lines add up to ${exemptSum}, total says ${totals.exempt}`);
  const itbis = sum(totals.rates.map((rate) => rate.itbis));
  if (!same(itbis, totals.itbis))
    throw new EcfBuildError(`${where}.itbis`, `ITBIS per rate adds up to ${itbis}, total says ${totals.itbis}`);
  const total = sum([...totals.rates.map((rate) => rate.taxable), totals.exempt, totals.itbis]);
  if (!same(total, totals.total))
    throw new EcfBuildError(`${where}.total`, `taxable + exempt + ITBIS = ${total}, total says ${totals.total}`);
}

function checkLine(profile: EcfProfile, line: EcfLine, index: number, foreign: boolean): void {
  const at = `lines.${index}`;
  if (!profile.indicators.includes(line.billing))
    throw new EcfBuildError(
      `${at}.billing`,
      `e-CF ${profile.type} admits billing indicator ${profile.indicators.join('/')} only, not ${line.billing}`,
    );
  if (compareDecimals(quantity(line.quantity, `${at}.quantity`), '0') <= 0)
    throw new EcfBuildError(`${at}.quantity`, 'quantity must be positive');
  if (!profile.lineDiscount && compareDecimals(line.discount, '0') !== 0)
    throw new EcfBuildError(`${at}.discount`, `e-CF ${profile.type} has no line discounts`);
  // DGII's tolerance: +-1 unit of price x quantity on each line (Informe Técnico §12).
  const difference = toUnits(grossOf(line, line.unitPrice), 2) - toUnits(amount(line.discount, `${at}.discount`), 2);
  const off = difference - toUnits(amount(line.amount, `${at}.amount`), 2);
  if (off > 100n || off < -100n)
    throw new EcfBuildError(`${at}.amount`, `amount ${line.amount} is not quantity x price - discount`);
  if (foreign !== (line.foreign !== undefined))
    throw new EcfBuildError(
      `${at}.foreign`,
      'every line carries its foreign-currency figures exactly when the document does',
    );
  if (profile.retention === 'required' && !line.retention)
    throw new EcfBuildError(`${at}.retention`, `e-CF ${profile.type} requires the withholding area on every line`);
  if (profile.retention === 'none' && line.retention)
    throw new EcfBuildError(`${at}.retention`, `e-CF ${profile.type} has no withholdings`);
  if (line.retention && !profile.itbisRetention && line.retention.itbisWithheld !== undefined)
    throw new EcfBuildError(`${at}.retention.itbisWithheld`, `e-CF ${profile.type} withholds no ITBIS`);
  if (profile.type === '47' && line.retention?.isrWithheld === undefined)
    throw new EcfBuildError(`${at}.retention.isrWithheld`, 'e-CF 47 requires the ISR withheld on every line');
}

function checkBuyer(profile: EcfProfile, doc: EcfDocument): void {
  const buyer = doc.buyer;
  const rnc = taxId(buyer?.rnc, 'buyer.rnc');
  const identified = rnc !== undefined || Boolean(buyer?.foreignId?.trim());
  const named = Boolean(buyer?.name?.trim());
  switch (profile.buyer) {
    case 'none':
      if (identified || named) throw new EcfBuildError('buyer', `e-CF ${profile.type} has no buyer`);
      return;
    case 'payee':
      if (rnc) throw new EcfBuildError('buyer.rnc', 'e-CF 47 identifies the payee by a foreign id only');
      return;
    case 'required':
      if (!rnc) throw new EcfBuildError('buyer.rnc', `e-CF ${profile.type} requires the buyer's RNC or cédula`);
      if (!named) throw new EcfBuildError('buyer.name', `e-CF ${profile.type} requires the buyer's name`);
      return;
    case 'identified':
      if (!identified)
        throw new EcfBuildError('buyer.rnc', `e-CF ${profile.type} requires the buyer's RNC, cédula or foreign id`);
      if (!named) throw new EcfBuildError('buyer.name', `e-CF ${profile.type} requires the buyer's name`);
      return;
    case 'optional':
      if (
        profile.type === '32' &&
        compareDecimals(doc.totals.total, consumerThresholdDop) >= 0 &&
        !(identified && named)
      )
        throw new EcfBuildError('buyer', 'an e-CF 32 of RD$250,000.00 or more must identify and name the buyer');
  }
}

/** Refuses a document the type cannot carry or whose figures do not add up. */
export function checkEcfDocument(profile: EcfProfile, doc: EcfDocument): void {
  if (doc.type !== profile.type) throw new EcfBuildError('type', `profile ${profile.type} given a ${doc.type}`);
  if (!new RegExp(`^E${doc.type}\\d{10}$`).test(doc.encf))
    throw new EcfBuildError('encf', `e-NCF ${doc.encf} is not E${doc.type} and 10 digits`);
  if (profile.sequenceExpiry && !doc.sequenceExpiresOn)
    throw new EcfBuildError('sequenceExpiresOn', `e-CF ${doc.type} carries its sequence's expiry date`);
  if (doc.lines.length === 0 || doc.lines.length > 1000)
    throw new EcfBuildError('lines', 'an e-CF has from 1 to 1000 lines');
  const foreign = doc.foreignCurrency !== undefined;
  doc.lines.forEach((line, index) => {
    checkLine(profile, line, index, foreign);
  });
  checkAmounts(doc, doc.totals, (line) => line.amount, 'totals');
  if (doc.foreignCurrency) {
    checkAmounts(doc, doc.foreignCurrency.totals, (line) => line.foreign!.amount, 'foreignCurrency.totals');
    if (compareDecimals(fourDecimals(doc.foreignCurrency.exchangeRate, 'foreignCurrency.exchangeRate'), '0') <= 0)
      throw new EcfBuildError('foreignCurrency.exchangeRate', 'the exchange rate must be positive');
  }
  checkBuyer(profile, doc);
  if (profile.referenceRequired && !doc.reference)
    throw new EcfBuildError('reference', `e-CF ${doc.type} must reference the document it modifies`);
  if (doc.paymentType === 2 && profile.paymentDueDate && doc.paymentDueOn && doc.paymentDueOn < doc.issuedOn)
    throw new EcfBuildError('paymentDueOn', 'the payment due date cannot be before the issue date');
}

function withheld(doc: EcfDocument, pick: (line: EcfLine) => string | undefined): string | undefined {
  const values = doc.lines.map(pick).filter((value): value is string => value !== undefined);
  return values.length === 0 ? undefined : sum(values);
}

function idDoc(profile: EcfProfile, doc: EcfDocument): string {
  const taxed = doc.lines.some((line) => line.billing !== 4);
  const forms = profile.paymentForms ? (doc.paymentForms ?? []) : [];
  if (forms.length > 7) throw new EcfBuildError('paymentForms', 'at most 7 payment forms');
  return group(
    'IdDoc',
    el('TipoeCF', doc.type) +
      el('eNCF', doc.encf) +
      (profile.sequenceExpiry
        ? el('FechaVencimientoSecuencia', dgiiDate(doc.sequenceExpiresOn!, 'sequenceExpiresOn'))
        : '') +
      (profile.creditNoteIndicator ? el('IndicadorNotaCredito', doc.creditNoteAfter30Days ? 1 : 0) : '') +
      // OptiFlow's prices never include ITBIS (docs/domain.md §1), so the indicator is 0 when a line is taxed.
      (profile.grossIndicator && taxed ? el('IndicadorMontoGravado', 0) : '') +
      (profile.incomeType ? el('TipoIngresos', doc.incomeType) : '') +
      el('TipoPago', doc.paymentType) +
      (profile.paymentDueDate && doc.paymentDueOn
        ? el('FechaLimitePago', dgiiDate(doc.paymentDueOn, 'paymentDueOn'))
        : '') +
      (profile.paymentForms ? el('TerminoPago', clip(doc.paymentTerm, 15)) : '') +
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
  );
}

function emisor(doc: EcfDocument): string {
  const issuer = doc.issuer;
  const rnc = taxId(issuer.rnc, 'issuer.rnc');
  if (!rnc) throw new EcfBuildError('issuer.rnc', "the issuer's RNC is required");
  const legalName = clip(issuer.legalName, 150);
  if (!legalName) throw new EcfBuildError('issuer.legalName', "the issuer's legal name is required");
  const address = clip(issuer.address, 100);
  if (!address) throw new EcfBuildError('issuer.address', "the issuer's address is required (DireccionEmisor)");
  const phones = (issuer.phones ?? []).filter((phone) => phonePattern.test(phone)).slice(0, 3);
  const email = issuer.email && emailPattern.test(issuer.email) && issuer.email.length <= 80 ? issuer.email : undefined;
  return group(
    'Emisor',
    el('RNCEmisor', rnc) +
      el('RazonSocialEmisor', legalName) +
      el('NombreComercial', clip(issuer.tradeName, 150)) +
      el('Sucursal', clip(issuer.branch, 20)) +
      el('DireccionEmisor', address) +
      group('TablaTelefonoEmisor', phones.map((phone) => el('TelefonoEmisor', phone)).join('')) +
      el('CorreoEmisor', email) +
      el('WebSite', clip(issuer.website, 50)) +
      el('NumeroFacturaInterna', clip(issuer.internalNumber, 20)) +
      el('FechaEmision', dgiiDate(doc.issuedOn, 'issuedOn')),
  );
}

function comprador(profile: EcfProfile, doc: EcfDocument): string {
  if (profile.buyer === 'none') return '';
  if (!doc.buyer) return profile.emptyBuyerArea ? container('Comprador', '') : '';
  const buyer = doc.buyer;
  const rnc = profile.buyer === 'payee' ? undefined : taxId(buyer.rnc, 'buyer.rnc');
  const foreignId = rnc ? undefined : clip(buyer.foreignId, 20);
  const email = buyer.email && emailPattern.test(buyer.email) && buyer.email.length <= 80 ? buyer.email : undefined;
  return group(
    'Comprador',
    el('RNCComprador', rnc) +
      (profile.buyer === 'required' ? '' : el('IdentificadorExtranjero', foreignId)) +
      el('RazonSocialComprador', clip(buyer.name, 150)) +
      (profile.buyerContact ? el('CorreoComprador', email) + el('DireccionComprador', clip(buyer.address, 100)) : ''),
  );
}

function rateOf(amounts: EcfAmounts, indicator: TaxedIndicator) {
  return amounts.rates.find((rate) => rate.indicator === indicator);
}

function totales(profile: EcfProfile, doc: EcfDocument): string {
  const totals = doc.totals;
  const taxed = taxedIndicators.filter((indicator) => rateOf(totals, indicator));
  const hasExempt = linesOf(doc, 4).length > 0;
  const money = (value: string, field: string) => amount(value, `totals.${field}`);
  const itbisWithheld = profile.itbisRetention ? withheld(doc, (line) => line.retention?.itbisWithheld) : undefined;
  const isrWithheld = withheld(doc, (line) => line.retention?.isrWithheld);
  if (totals.itbisWithheld !== undefined && !same(totals.itbisWithheld, itbisWithheld ?? '0'))
    throw new EcfBuildError('totals.itbisWithheld', 'does not add up to the lines');
  if (totals.isrWithheld !== undefined && !same(totals.isrWithheld, isrWithheld ?? '0'))
    throw new EcfBuildError('totals.isrWithheld', 'does not add up to the lines');
  return group(
    'Totales',
    (taxed.length > 0 ? el('MontoGravadoTotal', money(sum(totals.rates.map((rate) => rate.taxable)), 'rates')) : '') +
      taxed.map((n) => el(`MontoGravadoI${n}`, money(rateOf(totals, n)!.taxable, `rates.${n}`))).join('') +
      (hasExempt ? el('MontoExento', money(totals.exempt, 'exempt')) : '') +
      taxed.map((n) => el(`ITBIS${n}`, itbisRateOf[n])).join('') +
      (taxed.length > 0 ? el('TotalITBIS', money(totals.itbis, 'itbis')) : '') +
      taxed.map((n) => el(`TotalITBIS${n}`, money(rateOf(totals, n)!.itbis, `rates.${n}.itbis`))).join('') +
      el('MontoTotal', money(totals.total, 'total')) +
      (itbisWithheld !== undefined ? el('TotalITBISRetenido', money(itbisWithheld, 'itbisWithheld')) : '') +
      (isrWithheld !== undefined ? el('TotalISRRetencion', money(isrWithheld, 'isrWithheld')) : ''),
  );
}

function otraMoneda(doc: EcfDocument): string {
  const foreign = doc.foreignCurrency;
  if (!foreign) return '';
  const totals = foreign.totals;
  const taxed = taxedIndicators.filter((indicator) => rateOf(totals, indicator));
  const money = (value: string, field: string) => amount(value, `foreignCurrency.totals.${field}`);
  return group(
    'OtraMoneda',
    el('TipoMoneda', foreign.code) +
      el('TipoCambio', fourDecimals(foreign.exchangeRate, 'foreignCurrency.exchangeRate')) +
      (taxed.length > 0
        ? el('MontoGravadoTotalOtraMoneda', money(sum(totals.rates.map((rate) => rate.taxable)), 'rates'))
        : '') +
      taxed.map((n) => el(`MontoGravado${n}OtraMoneda`, money(rateOf(totals, n)!.taxable, `rates.${n}`))).join('') +
      (linesOf(doc, 4).length > 0 ? el('MontoExentoOtraMoneda', money(totals.exempt, 'exempt')) : '') +
      (taxed.length > 0 ? el('TotalITBISOtraMoneda', money(totals.itbis, 'itbis')) : '') +
      taxed.map((n) => el(`TotalITBIS${n}OtraMoneda`, money(rateOf(totals, n)!.itbis, `rates.${n}.itbis`))).join('') +
      el('MontoTotalOtraMoneda', money(totals.total, 'total')),
  );
}

function retencion(profile: EcfProfile, line: EcfLine, at: string): string {
  const retention = line.retention;
  if (!retention || profile.retention === 'none') return '';
  // Formato e-CF note 53: an exempt line withheld by an agent (R) states an ITBIS withheld of 0.
  const itbis =
    retention.itbisWithheld ??
    (profile.itbisRetention && line.billing === 4 && retention.agent === 1 ? '0' : undefined);
  return group(
    'Retencion',
    el('IndicadorAgenteRetencionoPercepcion', retention.agent) +
      (profile.itbisRetention && itbis !== undefined
        ? el('MontoITBISRetenido', amount(itbis, `${at}.retention.itbisWithheld`))
        : '') +
      (retention.isrWithheld !== undefined
        ? el('MontoISRRetenido', amount(retention.isrWithheld, `${at}.retention.isrWithheld`))
        : ''),
  );
}

function item(profile: EcfProfile, line: EcfLine, index: number): string {
  const at = `lines.${index}`;
  const name = clip(line.name, 80);
  if (!name) throw new EcfBuildError(`${at}.name`, 'every line needs a name');
  const discount = amount(line.discount, `${at}.discount`);
  const hasDiscount = compareDecimals(discount, '0') > 0;
  const foreign = line.foreign;
  const foreignDiscount = foreign ? amount(foreign.discount, `${at}.foreign.discount`) : '0.00';
  return group(
    'Item',
    el('NumeroLinea', index + 1) +
      el('IndicadorFacturacion', line.billing) +
      retencion(profile, line, at) +
      el('NombreItem', name) +
      el('IndicadorBienoServicio', line.kind === 'service' ? 2 : 1) +
      el('DescripcionItem', clip(line.description, 1000)) +
      el('CantidadItem', quantity(line.quantity, `${at}.quantity`)) +
      el('PrecioUnitarioItem', fourDecimals(line.unitPrice, `${at}.unitPrice`)) +
      (hasDiscount
        ? el('DescuentoMonto', discount) +
          group(
            'TablaSubDescuento',
            group('SubDescuento', el('TipoSubDescuento', '$') + el('MontoSubDescuento', discount)),
          )
        : '') +
      (foreign
        ? group(
            'OtraMonedaDetalle',
            el('PrecioOtraMoneda', fourDecimals(foreign.unitPrice, `${at}.foreign.unitPrice`)) +
              (compareDecimals(foreignDiscount, '0') > 0 ? el('DescuentoOtraMoneda', foreignDiscount) : '') +
              el('MontoItemOtraMoneda', amount(foreign.amount, `${at}.foreign.amount`)),
          )
        : '') +
      el('MontoItem', amount(line.amount, `${at}.amount`)),
  );
}

function informacionReferencia(profile: EcfProfile, doc: EcfDocument): string {
  const reference = doc.reference;
  if (!reference) return '';
  const ncf = reference.ncf.trim();
  if (ncf.length < 11 || ncf.length > 19)
    throw new EcfBuildError('reference.ncf', 'the modified NCF has 11 (B series) or 13 (e-NCF) characters');
  return group(
    'InformacionReferencia',
    el('NCFModificado', ncf) +
      el('RNCOtroContribuyente', taxId(reference.otherRnc, 'reference.otherRnc')) +
      el('FechaNCFModificado', dgiiDate(reference.issuedOn, 'reference.issuedOn')) +
      el('CodigoModificacion', reference.code) +
      (profile.referenceRequired ? el('RazonModificacion', clip(reference.reason, 90)) : ''),
  );
}

/** The unsigned e-CF: `<?xml ...?><ECF>...<FechaHoraFirma>...</FechaHoraFirma></ECF>`. */
export function writeEcf(profile: EcfProfile, doc: EcfDocument, signedAt: Date): string {
  checkEcfDocument(profile, doc);
  const encabezado = group(
    'Encabezado',
    el('Version', '1.0') +
      idDoc(profile, doc) +
      emisor(doc) +
      comprador(profile, doc) +
      totales(profile, doc) +
      otraMoneda(doc),
  );
  const items = group('DetallesItems', doc.lines.map((line, index) => item(profile, line, index)).join(''));
  return (
    xmlDeclaration +
    `<ECF>${encabezado}${items}${informacionReferencia(profile, doc)}${el('FechaHoraFirma', dgiiDateTime(signedAt))}</ECF>`
  );
}
