/**
 * Another taxpayer's side of the /fe/ receiver endpoints: its own certificate, DGII's seed protocol
 * against a shop's host, and e-CF or ACECF it signs and posts there.
 */
import { addDays, shopToday } from '../../../src/domain/dates';
import type { SigningCredentials } from '../../../src/ecf/certificate';
import { invoiceToEcf } from '../../../src/ecf/from-invoice';
import { signXml } from '../../../src/ecf/sign';
import { buildAcecfXml, buildEcfXml } from '../../../src/ecf/xml';
import { ecfDocuments } from '../../../src/db/tenant-schema';
import { invoiceDocument, line } from '../ecf-fixtures';
import { selfSignedCredentials } from './ecf-certificate';
import { randomDigits } from './ecf';
import { get } from './helpers';
import { buildInvoices, type InvoiceShop } from './invoices';

export interface Sender {
  rnc: string;
  credentials: SigningCredentials;
}

/** A taxpayer with a fresh RNC and its own certificate. */
export async function sender(): Promise<Sender> {
  const rnc = `1${randomDigits(8)}`;
  return { rnc, credentials: await selfSignedCredentials(rnc, `001${randomDigits(8)}`) };
}

export const paths = {
  seed: '/fe/autenticacion/api/semilla',
  validate: '/fe/autenticacion/api/validacioncertificado',
  reception: '/fe/recepcion/api/ecf',
  approval: '/fe/aprobacioncomercial/api/ecf',
};

/** A multipart body with the document as the `xml` file, as DGII's clients send it. */
export function upload(xml: string, fileName = 'documento.xml'): FormData {
  const form = new FormData();
  form.append('xml', new File([xml], fileName, { type: 'text/xml' }));
  return form;
}

export function post(host: string, path: string, xml: string, init: { token?: string; address?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.address) headers['cf-connecting-ip'] = init.address;
  return get(host, path, { method: 'POST', body: upload(xml), headers });
}

/** GET semilla, then the SemillaModel signed with the sender's certificate. */
export async function signedSeed(host: string, who: Sender): Promise<string> {
  const response = await get(host, paths.seed);
  if (response.status !== 200) throw new Error(`semilla answered ${response.status}: ${await response.text()}`);
  return signXml(await response.text(), who.credentials);
}

/** The whole seed protocol: a bearer token for `who` at `host`. */
export async function authenticate(host: string, who: Sender): Promise<string> {
  const response = await post(host, paths.validate, await signedSeed(host, who));
  if (response.status !== 200) throw new Error(`validacioncertificado answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** An E31 `issuer` issued to `buyerRnc`, signed with the issuer's certificate. */
export async function signedEcf(
  issuer: Sender,
  buyerRnc: string,
  options: { encf?: string; signedAt?: Date; transform?: (unsigned: string) => string } = {},
): Promise<{ xml: string; encf: string }> {
  const encf = options.encf ?? `E31${randomDigits(10)}`;
  const doc = invoiceDocument({
    ncfType: 'E31',
    ncf: encf,
    issuedOn: shopToday(),
    ncfValidUntil: addDays(shopToday(), 365),
    buyer: { name: 'ÓPTICA COMPRADORA, SRL', idType: 'rnc', idNumber: buyerRnc },
    lines: [line('Lentes oftálmicos CR-39', '10', '850.00', '18.00'), line('Estuches', '5', '120.00', '18.00')],
  });
  const unsigned = buildEcfXml(
    invoiceToEcf({ ...doc, company: { ...doc.company, rnc: issuer.rnc } }),
    options.signedAt ?? new Date(),
  );
  return { xml: await signXml(options.transform?.(unsigned) ?? unsigned, issuer.credentials), encf };
}

/** An issued E31 of `s` to `buyerRnc` with its e-CF row, as issuing leaves it once signed. */
export async function issuedTo(s: InvoiceShop, buyerRnc: string) {
  const encf = `E31${randomDigits(10)}`;
  const [invoice] = await buildInvoices(
    s.db,
    [{ description: 'Montura', quantity: '1', unitPrice: '1000', discount: '0', taxRate: '18.00', exempt: false }],
    [
      {
        ncfType: 'E31',
        ncf: encf,
        ncfValidUntil: addDays(shopToday(), 365),
        status: 'issued',
        issuedOn: shopToday(),
        customerId: s.company.id,
        buyerName: 'ÓPTICA COMPRADORA, SRL',
        buyerIdType: 'rnc',
        buyerIdNumber: buyerRnc,
        branchId: s.main.id,
        currencyCode: 'DOP',
        exchangeRate: '1',
      },
    ],
  );
  const [row] = await s.db
    .insert(ecfDocuments)
    .values({
      invoiceId: invoice!.id,
      encf,
      ecfType: '31',
      environment: 'TesteCF',
      channel: 'ecf',
      state: 'accepted',
      securityCode: 'abc123',
      signedAt: new Date(),
      totalDop: '1180.00',
      signedXmlKey: `ecf/${encf}.xml`,
    })
    .returning();
  return { encf, issuedOn: shopToday(), total: '1180.00', ecf: row! };
}

/** The buyer's commercial answer about `encf`, signed with the buyer's certificate. */
export function signedAcecf(
  buyer: Sender,
  values: { issuerRnc: string; encf: string; issuedOn: string; total: string; rejection?: string },
): Promise<string> {
  return signXml(buildAcecfXml({ ...values, buyerRnc: buyer.rnc, at: new Date() }), buyer.credentials);
}

/** The text of one element of an answer (ARECF fields). */
export function field(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? null;
}
