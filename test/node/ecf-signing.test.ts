import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalize, parseXml, simpleCanonicalForm } from '../../src/ecf/c14n';
import {
  CertificateError,
  loadCredentials,
  parseCertificate,
  readP12,
  type SigningCredentials,
  storeCredentials,
} from '../../src/ecf/certificate';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { ecfTypes } from '../../src/ecf/model';
import { signXml } from '../../src/ecf/sign';
import { qrUrl, rfceQrUrl, securityCode, stampOfSignedEcf } from '../../src/ecf/timbre';
import { verifySignedXml } from '../../src/ecf/verify';
import { buildAcecfXml, buildAnecfXml, buildArecfXml, buildEcfXml, buildRfceXml } from '../../src/ecf/xml';
import { buyerRnc, consumer32, documentsByType, issuerRnc, signedAt } from '../support/ecf-fixtures';
import { makeTestCertificates, PERSON_CEDULA, SHOP_RNC, type TestCertificates } from '../support/ecf-certs';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

const ECF_31 =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<ECF><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>31</TipoeCF><eNCF>E310000000007</eNCF>' +
  '<FechaVencimientoSecuencia>31-12-2027</FechaVencimientoSecuencia><IndicadorMontoGravado>0</IndicadorMontoGravado>' +
  '<TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc>' +
  `<Emisor><RNCEmisor>${SHOP_RNC}</RNCEmisor><RazonSocialEmisor>Óptica Prueba &amp; Hijos SRL</RazonSocialEmisor>` +
  '<DireccionEmisor>Av. Winston Churchill #1, &quot;Torre D&apos;Óptica&quot; &lt;A&gt;</DireccionEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor>' +
  '<Comprador><RNCComprador>101672919</RNCComprador><RazonSocialComprador>Clínica Ñandú, S.A.</RazonSocialComprador></Comprador>' +
  '<Totales><MontoGravadoTotal>1000.00</MontoGravadoTotal><MontoGravadoI1>1000.00</MontoGravadoI1><ITBIS1>18</ITBIS1>' +
  '<TotalITBIS>180.00</TotalITBIS><TotalITBIS1>180.00</TotalITBIS1><MontoTotal>1180.00</MontoTotal></Totales></Encabezado>' +
  '<DetallesItems><Item><NumeroLinea>1</NumeroLinea><IndicadorFacturacion>1</IndicadorFacturacion>' +
  '<NombreItem>Lentes monofocales 1.56 (par)</NombreItem><IndicadorBienoServicio>1</IndicadorBienoServicio>' +
  '<CantidadItem>1.00</CantidadItem><PrecioUnitarioItem>1000.00</PrecioUnitarioItem><MontoItem>1000.00</MontoItem></Item>' +
  '</DetallesItems><FechaHoraFirma>05-12-2026 10:15:00</FechaHoraFirma></ECF>';

const RFCE =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<RFCE><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>32</TipoeCF><eNCF>E320000000064</eNCF>' +
  '<TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc>' +
  `<Emisor><RNCEmisor>${SHOP_RNC}</RNCEmisor><RazonSocialEmisor>Óptica Prueba SRL</RazonSocialEmisor>` +
  '<FechaEmision>05-12-2026</FechaEmision></Emisor><Totales><MontoGravadoTotal>5275.50</MontoGravadoTotal>' +
  '<MontoGravadoI1>5275.50</MontoGravadoI1><TotalITBIS>949.59</TotalITBIS><TotalITBIS1>949.59</TotalITBIS1>' +
  '<MontoTotal>6225.09</MontoTotal></Totales><CodigoSeguridadeCF>uab+y/</CodigoSeguridadeCF></Encabezado></RFCE>';

const ACECF =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<ACECF><DetalleAprobacionComercial><Version>1.0</Version><RNCEmisor>101672919</RNCEmisor>' +
  `<eNCF>E310000000001</eNCF><FechaEmision>01-12-2026</FechaEmision><MontoTotal>5900.00</MontoTotal>` +
  `<RNCComprador>${SHOP_RNC}</RNCComprador><Estado>1</Estado>` +
  '<FechaHoraAprobacionComercial>05-12-2026 11:00:00</FechaHoraAprobacionComercial></DetalleAprobacionComercial></ACECF>';

/** DGII's seed as its service returns it: declaration, xsi/xsd namespaces on the root, indented. */
const SEED =
  '<?xml version="1.0" encoding="utf-8"?>\r\n' +
  '<SemillaModel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\r\n' +
  '  <valor>0XgGeOL2rFxxmt22g4abxa91yCXBlmyeci6H1+519RuDfCIuqf2YtD7Wdftm1m1z39G4YobDwvD2iieTwua3Sopo6Irf==</valor>\r\n' +
  '  <fecha>2026-12-05T10:33:32.8617792-04:00</fecha>\r\n' +
  '</SemillaModel>';

/** Not a DGII format: attributes, a prefixed namespace and xml:lang on the root, to exercise the canonical form. */
const WITH_ATTRIBUTES =
  '<Documento xmlns:ext="urn:optiflow:ext" xml:lang="es-DO" version="1.0" b="2" a="1">' +
  '<ext:Linea ext:codigo="L&amp;1" nota="tab&#9;y&#10;salto">Texto</ext:Linea><Vacio/></Documento>';

let certs: TestCertificates;
let credentials: SigningCredentials;
let work: string;

beforeAll(async () => {
  certs = makeTestCertificates();
  credentials = await readP12(certs.shop.legacyP12, certs.password);
  work = certs.dir;
});

afterAll(() => certs?.cleanup());

function file(name: string, content: string): string {
  const target = path.join(work, name);
  writeFileSync(target, content);
  return target;
}

/** xmlsec1 (libxmlsec, Debian) checks the signature and the certificate chain up to the test CA. */
function xmlsecVerifies(xml: string, name = 'verify.xml'): boolean {
  try {
    // biome-ignore format: one xmlsec1 invocation
    execFileSync('xmlsec1', ['--verify', '--trusted-pem', certs.caCertPem, '--enabled-reference-uris', 'empty', file(name, xml)],
      { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function xmllintC14n(xml: string): string {
  return execFileSync('xmllint', ['--c14n', file('c14n-input.xml', xml)], { encoding: 'utf8' });
}

function signatureValueOf(signed: string): string {
  return execFileSync(
    'xmllint',
    [
      '--xpath',
      `string(/*/*[local-name()='Signature' and namespace-uri()='${DSIG}']/*[local-name()='SignatureValue'])`,
      file('sv.xml', signed),
    ],
    { encoding: 'utf8' },
  ).trim();
}

async function expectCertificateError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CertificateError);
  expect((error as CertificateError).code).toBe(code);
  return error as CertificateError;
}

describe('readP12', () => {
  it('reads the legacy (RC2-40 + 3DES) and the modern (AES) .p12 to the same key and the leaf certificate', async () => {
    writeFileSync(path.join(work, 'legacy.p12'), certs.shop.legacyP12);
    // biome-ignore format: one openssl invocation
    const described = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-in', path.join(work, 'legacy.p12'), '-passin', `pass:${certs.password}`],
      { encoding: 'utf8' });
    expect(described.stderr).toContain('pbeWithSHA1And40BitRC2-CBC');
    expect(described.stderr).toContain('pbeWithSHA1And3-KeyTripleDES-CBC');

    const modern = await readP12(certs.shop.modernP12, certs.password);
    expect(Buffer.from(credentials.certificateDer).equals(Buffer.from(certs.shop.certDer))).toBe(true);
    expect(Buffer.from(modern.certificateDer).equals(Buffer.from(certs.shop.certDer))).toBe(true);
    expect(Buffer.from(modern.privateKeyPkcs8).equals(Buffer.from(credentials.privateKeyPkcs8))).toBe(true);
    const pkcs8FromOpenssl = execFileSync('openssl', [
      'pkcs8',
      '-topk8',
      '-nocrypt',
      '-in',
      certs.shop.keyPem,
      '-outform',
      'DER',
    ]);
    expect(Buffer.from(credentials.privateKeyPkcs8).equals(pkcs8FromOpenssl)).toBe(true);
  });

  it('describes the certificate: holder, RNC from organizationIdentifier, issuer, validity', async () => {
    const serial = execFileSync('openssl', ['x509', '-in', certs.shop.certPem, '-noout', '-serial'], {
      encoding: 'utf8',
    });
    const dates = execFileSync('openssl', ['x509', '-in', certs.shop.certPem, '-noout', '-enddate'], {
      encoding: 'utf8',
    });
    const { info } = credentials;
    expect(info.commonName).toBe('ÓPTICA PRUEBA SRL');
    expect(info.taxId).toBe(SHOP_RNC);
    expect(info.subject).toContain(`organizationIdentifier=VATDO-${SHOP_RNC}`);
    expect(info.subject).toContain(`SERIALNUMBER=IDCDO-${PERSON_CEDULA}`);
    expect(info.issuer).toBe('C=DO, O=Autoridad Certificadora de Prueba, CN=OptiFlow Test CA');
    expect(info.serialNumber).toBe(serial.trim().replace('serial=', '').toLowerCase());
    expect(new Date(info.notAfter).getTime()).toBe(new Date(dates.trim().replace('notAfter=', '')).getTime());
    expect(Date.parse(info.notBefore)).toBeLessThan(Date.now());
  });

  it('finds the RNC or cédula wherever the subject carries it', () => {
    const taxIdOf = (subject: string) => {
      // biome-ignore format: one openssl invocation
      const der = execFileSync('openssl', ['req', '-x509', '-key', certs.shop.keyPem, '-days', '1', '-utf8', '-subj', subject, '-outform', 'DER']);
      return parseCertificate(new Uint8Array(der)).info.taxId;
    };
    expect(taxIdOf(`/CN=Juan Pérez/serialNumber=CED-001-1234567-8`)).toBe('00112345678');
    expect(taxIdOf(`/CN=Óptica X/UID=${SHOP_RNC}`)).toBe(SHOP_RNC);
    expect(taxIdOf('/CN=Óptica X/OU=RNC 1-31-88073-8')).toBe(SHOP_RNC);
    expect(taxIdOf(`/CN=Óptica X/OU=RNC 101-00000-1/organizationIdentifier=VATDO-${SHOP_RNC}`)).toBe(SHOP_RNC);
    expect(taxIdOf('/CN=Sin identificación 2026/O=Óptica')).toBeNull();
  });

  it('refuses a wrong password, a file that is not a .p12, a .p12 without key and an expired certificate', async () => {
    await expectCertificateError(readP12(certs.shop.legacyP12, 'otra clave'), 'certificate_wrong_password');
    await expectCertificateError(readP12(certs.shop.modernP12, ''), 'certificate_wrong_password');
    await expectCertificateError(readP12(new TextEncoder().encode('<xml/>'), certs.password), 'certificate_not_p12');
    await expectCertificateError(readP12(certs.certOnlyP12, certs.password), 'certificate_no_private_key');
    // Without a MAC the password is only caught when the key does not decrypt.
    // biome-ignore format: one openssl invocation
    const noMac = execFileSync('openssl', ['pkcs12', '-export', '-nomac', '-inkey', certs.shop.keyPem, '-in', certs.shop.certPem, '-passout', `pass:${certs.password}`]);
    expect((await readP12(new Uint8Array(noMac), certs.password)).info.taxId).toBe(SHOP_RNC);
    await expectCertificateError(readP12(new Uint8Array(noMac), 'otra clave'), 'certificate_wrong_password');
    // biome-ignore format: one openssl invocation
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, 'ec.key'), '-out', path.join(work, 'ec.pem'), '-days', '30', '-subj', `/CN=EC/serialNumber=${SHOP_RNC}`], { stdio: 'pipe' });
    // biome-ignore format: one openssl invocation
    const ec = execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(work, 'ec.key'), '-in', path.join(work, 'ec.pem'), '-passout', `pass:${certs.password}`]);
    await expectCertificateError(readP12(new Uint8Array(ec), certs.password), 'certificate_not_rsa');
    const expired = certs.expired;
    if (!expired) throw new Error('the expired identity was not made');
    const error = await expectCertificateError(readP12(expired.legacyP12, certs.password), 'certificate_expired');
    expect(error.info?.taxId).toBe(PERSON_CEDULA);
    expect(error.info?.notAfter).toBe('2021-01-01T00:00:00.000Z');
    // The same file is accepted at a date inside its validity period.
    const then = await readP12(expired.legacyP12, certs.password, { now: new Date('2020-06-01T00:00:00Z') });
    expect(then.info.taxId).toBe(PERSON_CEDULA);
  });

  it('stores as JSON (base64) and signs after loading again', async () => {
    const stored = JSON.parse(JSON.stringify(storeCredentials(credentials)));
    const signed = await signXml(ACECF, loadCredentials(stored));
    expect(xmlsecVerifies(signed)).toBe(true);
  });
});

describe('canonical XML (C14N 1.0) against libxml2', () => {
  const documents = {
    ecf: ECF_31,
    seed: SEED,
    attributes: WITH_ATTRIBUTES,
    namespaces:
      '<a:r xmlns:a="urn:a" xmlns="urn:d" xmlns:b="urn:b"><x xmlns="urn:d" b:k="1" a:k="2" k="3"><y xmlns=""><z xmlns:a="urn:a"/></y>' +
      '<w xmlns:c="urn:c" xmlns:b="urn:b2"><c:v/></w></x></a:r>',
    specials:
      '<?xml version="1.0"?>\n<?pi-before data?>\n<!-- comment -->\n<r a="&lt;&amp;&quot;&gt;&#13;" b=\'it&apos;s\'>' +
      '<![CDATA[<x> & y]]>&#13;&#x20AC;\r\n<e/><!-- inside -->  <f></f></r>\n<?pi-after?>\n',
  };
  for (const [name, xml] of Object.entries(documents)) {
    it(`matches xmllint --c14n: ${name}`, () => {
      // xmllint --c14n is C14N 1.0 with comments; signatures use the variant without them.
      const expected = xmllintC14n(xml);
      expect(canonicalize(parseXml(xml), { withComments: true })).toBe(expected);
      expect(canonicalize(parseXml(xml))).toBe(expected.replace(/<!--[^>]*-->\n?/g, ''));
    });
  }
});

describe('the DOM-free canonical form', () => {
  it('declines every document outside its narrow shape', () => {
    const outside = [
      '<a b="1">x</a>', // attribute
      '<a>\n  <b>x</b>\n</a>', // whitespace-only text
      '<a><!-- c --><b>x</b></a>', // comment
      '<a><b/></a>', // empty-element tag
      '<a>x</a>\n', // text after the root
      '<a>x</a><b>y</b>', // two roots
      '<a><b>x</a></b>', // crossed tags
      '<a>1 > 0</a>', // literal >
      '<a>x\r\ny</a>', // carriage return
      '<a>&#34;</a>', // character reference
      '<p:a xmlns:p="urn:p">x</p:a>', // namespace
      '<a><![CDATA[x]]></a>', // CDATA
      '\uFEFF<a>x</a>', // byte order mark
    ];
    for (const xml of outside) expect(simpleCanonicalForm(xml), JSON.stringify(xml)).toBeNull();
    expect(simpleCanonicalForm('<?xml version="1.0" encoding="utf-8"?><a>&quot;x&apos; &amp; &lt;&gt;</a>')).toEqual({
      canonical: '<a>"x\' &amp; &lt;&gt;</a>',
      rootName: 'a',
    });
  });

  it('drops whitespace-only text except under xml:space="preserve"', () => {
    const xml = '<a>\n <b> </b>\n <c xml:space="preserve"> <d> </d> <e xml:space="default"> </e></c>\n</a>';
    const expected = '<a><b></b><c xml:space="preserve"> <d> </d> <e xml:space="default"></e></c></a>';
    expect(canonicalize(parseXml(xml, { stripWhitespace: true }))).toBe(expected);
    expect(canonicalize(parseXml(xml), { dropWhitespace: true })).toBe(expected);
    expect(canonicalize(parseXml(xml))).toBe(xmllintC14n(xml));
  });

  it('agrees with parseXml + canonicalize on 500 random documents', () => {
    let seed = 20261205;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      'a',
      'Ñ',
      ' ',
      '  ',
      '\t',
      '\n',
      '&amp;',
      '&lt;',
      '&gt;',
      '&quot;',
      '&apos;',
      '"',
      "'",
      '😀',
      '1.00',
      '-',
    ];
    const names = ['ECF', 'Item', 'x', 'Nombre_1', 'a.b', 'c-d'];
    const text = () => Array.from({ length: random(4) }, () => pieces[random(pieces.length)]).join('');
    const element = (depth: number): string => {
      const name = names[random(names.length)];
      const children =
        depth > 2 || random(3) === 0
          ? text()
          : Array.from({ length: 1 + random(3) }, () => element(depth + 1)).join(text());
      return random(20) === 0 ? `<${name}/>` : `<${name}>${children}</${name}>`;
    };
    let simple = 0;
    let general = 0;
    for (let i = 0; i < 500; i++) {
      const xml = (random(2) ? '<?xml version="1.0" encoding="utf-8"?>' : '') + element(0);
      const stripped = canonicalize(parseXml(xml, { stripWhitespace: true }));
      expect(canonicalize(parseXml(xml), { dropWhitespace: true }), xml).toBe(stripped);
      const fast = simpleCanonicalForm(xml);
      if (fast === null) {
        general++;
        continue;
      }
      simple++;
      expect(fast.canonical, xml).toBe(stripped);
    }
    expect(simple).toBeGreaterThan(50);
    expect(general).toBeGreaterThan(50);
  });
});

describe('signXml', () => {
  const cases = { 'e-CF 31': ECF_31, RFCE, ACECF, seed: SEED, attributes: WITH_ATTRIBUTES };
  const expectedUnsigned: Record<string, string> = {
    seed:
      '<?xml version="1.0" encoding="utf-8"?><SemillaModel xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><valor>0XgGeOL2rFxxmt22g4abxa91yCXBlmyeci6H1+519RuDfCIuqf2YtD7Wdftm1m1z39G4YobDwvD2iieTwua3Sopo6Irf==</valor>' +
      '<fecha>2026-12-05T10:33:32.8617792-04:00</fecha></SemillaModel>',
    attributes: 'canonical',
  };
  for (const [name, xml] of Object.entries(cases)) {
    it(`signs ${name} so that xmlsec1 and verifySignedXml accept it`, async () => {
      const signed = await signXml(xml, credentials);
      expect(xmlsecVerifies(signed)).toBe(true);
      const result = await verifySignedXml(signed);
      expect(result).toMatchObject({ valid: true, certificate: { taxId: SHOP_RNC } });

      // DGII's profile: unprefixed Signature as the root's last child, no whitespace between elements.
      const root = parseXml(signed).documentElement;
      const last = root.lastChild;
      expect(last?.nodeName).toBe('Signature');
      expect(last?.namespaceURI).toBe(DSIG);
      expect(signed).not.toMatch(/>\s+</);
      expect(signed).toContain(
        '<Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature">',
      );
      // Besides the signature, the builders' output (no whitespace, DGII's escaping) comes back unchanged;
      // the seed loses its indentation; the other document is written in canonical form.
      const withoutSignature = signed.replace(/<Signature xmlns=.*<\/Signature>/, '');
      const expected = expectedUnsigned[name] ?? xml;
      expect(withoutSignature).toBe(expected === 'canonical' ? xmllintC14n(xml) : expected);
    });
  }

  it('refuses to sign twice', async () => {
    const signed = await signXml(ACECF, credentials);
    await expect(signXml(signed, credentials)).rejects.toThrow('already signed');
  });

  it('signs with an imported CryptoKey as well', async () => {
    const { importSigningKey } = await import('../../src/ecf/certificate');
    const key = await importSigningKey(credentials);
    const signed = await signXml(RFCE, { key, certificateDer: credentials.certificateDer });
    expect(xmlsecVerifies(signed)).toBe(true);
  });
});

describe('every document the XML builders make', () => {
  const built = (): [string, string][] => {
    const documents = documentsByType();
    const doc32 = invoiceToEcf(consumer32);
    return [
      ...ecfTypes.map((type): [string, string] => [`e-CF ${type}`, buildEcfXml(documents[type], signedAt)]),
      ['RFCE', buildRfceXml(doc32, 'a+B/9z')],
      [
        'ANECF',
        buildAnecfXml({ issuerRnc, generatedAt: signedAt, ranges: [{ from: 'E310000000020', to: 'E310000000029' }] }),
      ],
      ['ARECF', buildArecfXml({ issuerRnc: buyerRnc, buyerRnc: issuerRnc, encf: 'E310000000123', at: signedAt })],
      [
        'ACECF',
        buildAcecfXml({
          issuerRnc: buyerRnc,
          encf: 'E310000000123',
          issuedOn: '2026-12-01',
          total: '100.00',
          buyerRnc: issuerRnc,
          at: signedAt,
          rejection: 'Mercancía "dañada" & de otro color',
        }),
      ],
    ];
  };

  it('is in the shape the signer canonicalises without a DOM, with the same result as libxml2', () => {
    for (const [name, xml] of built()) {
      const simple = simpleCanonicalForm(xml);
      expect(simple, name).not.toBeNull();
      expect(simple?.canonical, name).toBe(xmllintC14n(xml));
      expect(simple?.canonical, name).toBe(canonicalize(parseXml(xml, { stripWhitespace: true })));
    }
  });

  it('is signed as built (only the Signature added) and verified by xmlsec1', async () => {
    const documents = built();
    expect(documents).toHaveLength(ecfTypes.length + 4);
    for (const [name, xml] of documents) {
      const signed = await signXml(xml, credentials);
      expect(signed.replace(/<Signature xmlns=.*<\/Signature>/, ''), name).toBe(xml);
      expect(xmlsecVerifies(signed), name).toBe(true);
      const result = await verifySignedXml(`${signed}\n`);
      expect(result.valid, name).toBe(true);
      expect(result.signedContent, name).toBe(xmllintC14n(xml));
    }
  });
});

describe('tampering', () => {
  const tamperings: [string, string, (signed: string) => string][] = [
    ['a text value (MontoTotal)', ECF_31, (s) => s.replace('<MontoTotal>1180.00<', '<MontoTotal>1180.01<')],
    ['an attribute value', WITH_ATTRIBUTES, (s) => s.replace('version="1.0"', 'version="1.1"')],
    ['a namespace declaration of the seed', SEED, (s) => s.replace('XMLSchema"', 'XMLSchemb"')],
    [
      'the SignatureValue',
      ACECF,
      (s) => s.replace(/<SignatureValue>(.)/, (_, c: string) => `<SignatureValue>${c === 'A' ? 'B' : 'A'}`),
    ],
    [
      'the DigestValue',
      RFCE,
      (s) => s.replace(/<DigestValue>(.)/, (_, c: string) => `<DigestValue>${c === 'A' ? 'B' : 'A'}`),
    ],
  ];
  for (const [what, xml, tamper] of tamperings) {
    it(`one changed byte in ${what} fails xmlsec1 and verifySignedXml`, async () => {
      const signed = await signXml(xml, credentials);
      const tampered = tamper(signed);
      expect(tampered.length).toBe(signed.length);
      expect([...tampered].filter((c, i) => c !== signed[i])).toHaveLength(1);
      expect(xmlsecVerifies(signed)).toBe(true);
      expect(xmlsecVerifies(tampered)).toBe(false);
      const result = await verifySignedXml(tampered);
      expect(result.valid).toBe(false);
      expect(['digest_mismatch', 'signature_mismatch']).toContain(result.reason);
    });
  }

  it('a comment slipped into a value is not covered by the signature: signedContent shows what is', async () => {
    const signed = await signXml(ECF_31, credentials);
    const commented = signed.replace('<MontoTotal>1180.00<', '<MontoTotal>1<!-- 9 -->180.00<');
    expect(commented).not.toBe(signed);
    expect(xmlsecVerifies(commented)).toBe(true); // XMLDSig: URI="" leaves comments out
    const result = await verifySignedXml(commented);
    expect(result.valid).toBe(true);
    expect(result.signedContent).toContain('<MontoTotal>1180.00</MontoTotal>');
  });

  it('a different certificate in KeyInfo fails', async () => {
    const signed = await signXml(ECF_31, credentials);
    const expired = certs.expired;
    if (!expired) throw new Error('the expired identity was not made');
    const other = signed.replace(
      /<X509Certificate>[^<]+</,
      `<X509Certificate>${Buffer.from(expired.certDer).toString('base64')}<`,
    );
    expect(await verifySignedXml(other)).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    expect(await verifySignedXml(ECF_31)).toEqual({ valid: false, reason: 'no_signature' });
    expect(await verifySignedXml('<ECF><a></ECF>')).toEqual({ valid: false, reason: 'malformed_xml' });
  });
});

describe('verifySignedXml on documents signed elsewhere', () => {
  const template = (prefix: string) => {
    const p = prefix ? `${prefix}:` : '';
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ECF xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
      '  <Encabezado>\n    <IdDoc>\n      <eNCF>E310000000099</eNCF>\n    </IdDoc>\n' +
      '    <Totales>\n      <MontoTotal>590.00</MontoTotal>\n    </Totales>\n  </Encabezado>\n' +
      `  <${p}Signature xmlns${prefix ? `:${prefix}` : ''}="${DSIG}">\n    <${p}SignedInfo>\n` +
      `      <${p}CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>\n` +
      `      <${p}SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>\n` +
      `      <${p}Reference URI="">\n        <${p}Transforms>\n` +
      `          <${p}Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>\n` +
      `        </${p}Transforms>\n        <${p}DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>\n` +
      `        <${p}DigestValue/>\n      </${p}Reference>\n    </${p}SignedInfo>\n` +
      `    <${p}SignatureValue/>\n    <${p}KeyInfo>\n      <${p}X509Data/>\n    </${p}KeyInfo>\n  </${p}Signature>\n</ECF>\n`
    );
  };

  function xmlsecSign(xml: string): string {
    // biome-ignore format: one xmlsec1 invocation
    return execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${certs.shop.keyPem},${certs.shop.certPem}`, file('template.xml', xml)],
      { encoding: 'utf8' });
  }

  for (const prefix of ['ds', '']) {
    it(`accepts a pretty-printed document signed by xmlsec1 (${prefix ? 'ds: prefix' : 'no prefix'}) and rejects it tampered`, async () => {
      const signed = xmlsecSign(template(prefix));
      expect(signed).toMatch(/>\n\s+</);
      if (prefix) expect(signed).toContain('<ds:SignatureValue>');
      expect(await verifySignedXml(signed)).toMatchObject({ valid: true, certificate: { taxId: SHOP_RNC } });
      const tampered = signed.replace('<MontoTotal>590.00<', '<MontoTotal>591.00<');
      expect(xmlsecVerifies(tampered)).toBe(false);
      expect(await verifySignedXml(tampered)).toMatchObject({ valid: false, reason: 'digest_mismatch' });
    });
  }

  it('accepts our signed document re-indented afterwards, as DGII does (whitespace dropped on load)', async () => {
    const signed = await signXml(ECF_31, credentials);
    const indented = execFileSync('xmllint', ['--format', file('indent.xml', signed)], { encoding: 'utf8' });
    expect(indented).toMatch(/>\n\s+</);
    expect(xmlsecVerifies(indented)).toBe(false); // standard XMLDSig keeps the added whitespace
    expect(await verifySignedXml(indented)).toMatchObject({ valid: true });
    const tampered = indented.replace('<MontoTotal>1180.00<', '<MontoTotal>1180.01<');
    expect(await verifySignedXml(tampered)).toMatchObject({ valid: false });
  });
});

describe('security code and QR', () => {
  it('the security code is the first six characters of the SignatureValue', async () => {
    const signed = await signXml(ECF_31, credentials);
    const value = signatureValueOf(signed);
    expect(value.length).toBeGreaterThan(300);
    expect(securityCode(signed)).toBe(value.slice(0, 6));
  });

  it("reproduces DGII's example URLs (Descripción técnica, Consulta timbre and Consulta timbre FC)", () => {
    expect(
      qrUrl({
        environment: 'TesteCF',
        rncEmisor: '130000001',
        rncComprador: '130000002',
        encf: 'e310000000001',
        fechaEmision: '10-10-2020',
        montoTotal: '02.11',
        fechaFirma: '10-10-2020 09:00:00',
        codigoSeguridad: 'dcp79q',
      }),
    ).toBe(
      'https://ecf.dgii.gov.do/testecf/consultatimbre?rncemisor=130000001&rnccomprador=130000002&encf=e310000000001&fechaemision=10-10-2020&montototal=02.11&fechafirma=10-10-2020%2009:00:00&codigoseguridad=dcp79q',
    );
    expect(
      rfceQrUrl({
        environment: 'TesteCF',
        rncEmisor: '131880738',
        encf: 'e320000000064',
        montoTotal: '6225.09',
        codigoSeguridad: 'uabnyh',
      }),
    ).toBe(
      'https://fc.dgii.gov.do/testecf/consultatimbrefc?rncemisor=131880738&encf=e320000000064&montototal=6225.09&codigoseguridad=uabnyh',
    );
  });

  it('encodes + and / of the code, omits an absent buyer and maps the environments', () => {
    const base = {
      rncEmisor: SHOP_RNC,
      encf: 'E430000000005',
      fechaEmision: '05-12-2026',
      montoTotal: '1500.00',
      fechaFirma: '05-12-2026 17:04:59',
      codigoSeguridad: 'a+B/9z',
    };
    expect(qrUrl({ ...base, environment: 'eCF', rncComprador: null })).toBe(
      `https://ecf.dgii.gov.do/ecf/consultatimbre?rncemisor=${SHOP_RNC}&encf=E430000000005&fechaemision=05-12-2026&montototal=1500.00&fechafirma=05-12-2026%2017:04:59&codigoseguridad=a%2BB%2F9z`,
    );
    expect(qrUrl({ ...base, environment: 'CerteCF' })).toMatch(
      /^https:\/\/ecf\.dgii\.gov\.do\/certecf\/consultatimbre\?/,
    );
    expect(rfceQrUrl({ ...base, environment: 'eCF' })).toBe(
      `https://fc.dgii.gov.do/ecf/consultatimbrefc?rncemisor=${SHOP_RNC}&encf=E430000000005&montototal=1500.00&codigoseguridad=a%2BB%2F9z`,
    );
    expect(() => qrUrl({ ...base, environment: 'eCF', fechaFirma: '2026-12-05T17:04:59' })).toThrow('fechaFirma');
    expect(() => qrUrl({ ...base, environment: 'eCF', codigoSeguridad: 'abc' })).toThrow('codigoSeguridad');
  });

  it('builds the QR of a signed e-CF from its own XML', async () => {
    const signed = await signXml(ECF_31, credentials);
    const code = signatureValueOf(signed).slice(0, 6);
    const expected =
      `https://ecf.dgii.gov.do/certecf/consultatimbre?rncemisor=${SHOP_RNC}&rnccomprador=101672919&encf=E310000000007` +
      `&fechaemision=05-12-2026&montototal=1180.00&fechafirma=05-12-2026%2010:15:00&codigoseguridad=${encodeURIComponent(code)}`;
    expect(qrUrl(stampOfSignedEcf(signed, 'CerteCF'))).toBe(expected);
  });
});
