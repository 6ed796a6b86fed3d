/**
 * The receiver's documents checked by independent tools (the Worker tests drive the endpoints):
 * the SemillaModel we hand out validates against DGII's Semilla XSD once signed and xmlsec1 verifies
 * the sender's signature on it; the ARECF of every outcome validates and verifies; and the
 * structural checks that stand in for XSD validation in workerd refuse what xmllint refuses.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readP12, type SigningCredentials } from '../../src/ecf/certificate';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { readReceivedEcf, readSeedValue, seedModelXml } from '../../src/ecf/reception/documents';
import { signXml } from '../../src/ecf/sign';
import { verifySignedXml } from '../../src/ecf/verify';
import { buildArecfXml, buildEcfXml } from '../../src/ecf/xml';
import { makeTestCertificates, SHOP_RNC, type TestCertificates } from '../support/ecf-certs';
import { buyerRnc, invoice31, issuerRnc, signedAt } from '../support/ecf-fixtures';
import { createXsdValidator, type XsdValidator } from '../support/xsd';

let certs: TestCertificates;
let credentials: SigningCredentials;
let unsignedXsd: XsdValidator;
let signedXsd: XsdValidator;

beforeAll(async () => {
  certs = makeTestCertificates();
  credentials = await readP12(certs.shop.legacyP12, certs.password);
  [unsignedXsd, signedXsd] = await Promise.all([
    createXsdValidator({ unsigned: true }),
    createXsdValidator({ unsigned: false }),
  ]);
});

afterAll(async () => {
  await Promise.all([unsignedXsd?.close(), signedXsd?.close()]);
  certs?.cleanup();
});

function xmlsecVerifies(xml: string): boolean {
  const file = path.join(certs.dir, 'reception-verify.xml');
  writeFileSync(file, xml);
  try {
    // biome-ignore format: one xmlsec1 invocation
    execFileSync('xmlsec1', ['--verify', '--trusted-pem', certs.caCertPem, '--enabled-reference-uris', 'empty', file], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('the seed', () => {
  it('signed by the sender, validates against the Semilla XSD and verifies with xmlsec1', async () => {
    const valor = 'eyJ0IjoidGVzdCJ9.c2lnbmF0dXJl';
    const signed = await signXml(seedModelXml(valor, signedAt), credentials);
    expect(await signedXsd.validate(signed, 'Semilla')).toEqual({ valid: true, errors: '' });
    expect(xmlsecVerifies(signed)).toBe(true);
    const verified = await verifySignedXml(signed);
    expect(verified.valid).toBe(true);
    expect(readSeedValue(verified.signedContent!)).toBe(valor);
    expect(xmlsecVerifies(signed.replace(valor, `${valor}x`))).toBe(false);
  });
});

describe('the ARECF', () => {
  it.each([undefined, 1, 2, 3, 4] as const)('with reason %s validates and verifies with xmlsec1', async (reason) => {
    const arecf = await signXml(
      buildArecfXml({ issuerRnc, buyerRnc: SHOP_RNC, encf: 'E310000000123', notReceived: reason, at: signedAt }),
      credentials,
    );
    expect(await signedXsd.validate(arecf, 'ARECF')).toEqual({ valid: true, errors: '' });
    expect(xmlsecVerifies(arecf)).toBe(true);
    expect(xmlsecVerifies(arecf.replace('<Estado>', '<Estado>1'))).toBe(false);
  });
});

describe('structural checks in place of the XSD', () => {
  const valid = buildEcfXml(invoiceToEcf(invoice31), signedAt);

  it('read a valid e-CF as xmllint accepts it', async () => {
    expect((await unsignedXsd.validate(valid, '31')).valid).toBe(true);
    const read = readReceivedEcf(valid);
    expect(read).toMatchObject({
      ok: true,
      fields: {
        ecfType: '31',
        encf: invoice31.ncf,
        issuerRnc,
        buyerRnc,
        issuedOn: invoice31.issuedOn,
        total: invoice31.total,
        itbisTotal: invoice31.itbisTotal,
        currency: 'DOP',
      },
    });
  });

  const mutations: Array<[string, (xml: string) => string]> = [
    ['no RNCEmisor', (x) => x.replace(/<RNCEmisor>\d+<\/RNCEmisor>/, '')],
    ['FechaEmision as yyyy-MM-dd', (x) => x.replace(/<FechaEmision>(\d\d)-(\d\d)-(\d{4})/, '<FechaEmision>$3-$2-$1')],
    ['MontoTotal with three decimals', (x) => x.replace(/<MontoTotal>([\d.]+)</, '<MontoTotal>$10<')],
    ['an unknown TipoeCF', (x) => x.replace('<TipoeCF>31</TipoeCF>', '<TipoeCF>30</TipoeCF>')],
    ['a short e-NCF', (x) => x.replace(/<eNCF>E31(\d+)<\/eNCF>/, '<eNCF>E31123</eNCF>')],
    ['no items', (x) => x.replace(/<DetallesItems>.*<\/DetallesItems>/, '')],
    ['no FechaHoraFirma', (x) => x.replace(/<FechaHoraFirma>[^<]*<\/FechaHoraFirma>/, '')],
    ['FechaHoraFirma without seconds', (x) => x.replace(/(<FechaHoraFirma>[^<]*):\d\d</, '$1<')],
    [
      'a 151-character RazonSocialEmisor',
      (x) => x.replace(/<RazonSocialEmisor>[^<]*</, `<RazonSocialEmisor>${'Ñ'.repeat(151)}<`),
    ],
    ['another root', (x) => x.replace('<ECF>', '<Factura>').replace('</ECF>', '</Factura>')],
  ];

  it.each(mutations)('refuse %s, as xmllint does', async (_what, mutate) => {
    const mutated = mutate(valid);
    expect(mutated).not.toBe(valid);
    expect((await unsignedXsd.validate(mutated, '31')).valid).toBe(false);
    expect(readReceivedEcf(mutated).ok).toBe(false);
  });
});
