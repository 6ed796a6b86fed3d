import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  base64ToBytes,
  CertificateError,
  importSigningKey,
  readP12,
  type SigningCredentials,
} from '../../src/ecf/certificate';
import { invoiceToEcf } from '../../src/ecf/from-invoice';
import { signXml } from '../../src/ecf/sign';
import { qrUrl, securityCode, stampOfSignedEcf } from '../../src/ecf/timbre';
import { verifySignedXml } from '../../src/ecf/verify';
import { buildEcfXml } from '../../src/ecf/xml';
import { buyerRnc, invoiceDocument, line, signedAt } from '../support/ecf-fixtures';

interface EcfTestCertificate {
  p12Base64: string;
  password: string;
  certificateDerBase64: string;
}

declare module 'vitest' {
  interface ProvidedContext {
    ecfTestCertificate: EcfTestCertificate | null;
  }
}

const SHOP_RNC = '131880738';

/** An E31 with `lines` item lines, shaped like DGII's format (element order, formats, no whitespace). */
function ecf31(encf: string, lines: number): string {
  const items = Array.from({ length: lines }, (_, index) => {
    const n = index + 1;
    const price = (100 + n).toFixed(2);
    return (
      `<Item><NumeroLinea>${n}</NumeroLinea><IndicadorFacturacion>1</IndicadorFacturacion>` +
      `<NombreItem>Montura modelo ${n} &amp; estuche "Ñ"</NombreItem><IndicadorBienoServicio>1</IndicadorBienoServicio>` +
      `<CantidadItem>1.00</CantidadItem><UnidadMedida>43</UnidadMedida><PrecioUnitarioItem>${price}</PrecioUnitarioItem>` +
      `<MontoItem>${price}</MontoItem></Item>`
    );
  }).join('');
  const subtotal = Array.from({ length: lines }, (_, index) => 101 + index).reduce((a, b) => a + b, 0);
  const itbis = Math.round(subtotal * 18) / 100;
  return (
    '<?xml version="1.0" encoding="utf-8"?><ECF><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>31</TipoeCF>' +
    `<eNCF>${encf}</eNCF><FechaVencimientoSecuencia>31-12-2027</FechaVencimientoSecuencia>` +
    '<IndicadorMontoGravado>0</IndicadorMontoGravado><TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc>' +
    `<Emisor><RNCEmisor>${SHOP_RNC}</RNCEmisor><RazonSocialEmisor>Óptica Prueba SRL</RazonSocialEmisor>` +
    '<DireccionEmisor>Calle El Conde 1, Santo Domingo</DireccionEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor>' +
    '<Comprador><RNCComprador>101672919</RNCComprador><RazonSocialComprador>Clínica Visual SRL</RazonSocialComprador></Comprador>' +
    `<Totales><MontoGravadoTotal>${subtotal.toFixed(2)}</MontoGravadoTotal><MontoGravadoI1>${subtotal.toFixed(2)}</MontoGravadoI1>` +
    `<ITBIS1>18</ITBIS1><TotalITBIS>${itbis.toFixed(2)}</TotalITBIS><TotalITBIS1>${itbis.toFixed(2)}</TotalITBIS1>` +
    `<MontoTotal>${(subtotal + itbis).toFixed(2)}</MontoTotal></Totales></Encabezado><DetallesItems>${items}</DetallesItems>` +
    '<FechaHoraFirma>05-12-2026 10:15:00</FechaHoraFirma></ECF>'
  );
}

const SEED =
  '<?xml version="1.0" encoding="utf-8"?>\r\n<SemillaModel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema">\r\n  <valor>q1w2e3r4t5y6u7i8o9p0+/==</valor>\r\n' +
  '  <fecha>2026-12-05T10:33:32.8617792-04:00</fecha>\r\n</SemillaModel>';

let credentials: SigningCredentials;
let fixture: EcfTestCertificate;

beforeAll(async () => {
  const provided = inject('ecfTestCertificate');
  if (!provided) throw new Error('the global setup could not make the test .p12 (openssl missing?)');
  fixture = provided;
  credentials = await readP12(base64ToBytes(fixture.p12Base64), fixture.password);
});

describe('e-CF signing in workerd', () => {
  it('reads the legacy (RC2/3DES) .p12 made by openssl', async () => {
    const started = performance.now();
    const again = await readP12(base64ToBytes(fixture.p12Base64), fixture.password);
    console.log(`readP12 (legacy .p12, once per upload) in workerd: ${(performance.now() - started).toFixed(1)} ms`);
    expect(again.info).toEqual(credentials.info);
    expect(credentials.info.taxId).toBe(SHOP_RNC);
    expect(credentials.info.commonName).toBe('ÓPTICA PRUEBA SRL');
    expect([...credentials.certificateDer]).toEqual([...base64ToBytes(fixture.certificateDerBase64)]);
  });

  it('refuses a wrong password with a typed error', async () => {
    const error = await readP12(base64ToBytes(fixture.p12Base64), 'no es la clave').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CertificateError);
    expect((error as CertificateError).code).toBe('certificate_wrong_password');
  });

  it('signs a 50-line e-CF that verifySignedXml accepts, and a tampered copy it rejects', async () => {
    const signed = await signXml(ecf31('E310000000050', 50), credentials);
    expect(await verifySignedXml(signed)).toMatchObject({ valid: true, certificate: { taxId: SHOP_RNC } });
    const tampered = signed.replace('<PrecioUnitarioItem>150.00<', '<PrecioUnitarioItem>150.01<');
    expect(tampered).not.toBe(signed);
    expect(await verifySignedXml(tampered)).toMatchObject({ valid: false, reason: 'digest_mismatch' });
    const stamp = stampOfSignedEcf(signed, 'TesteCF');
    expect(stamp.codigoSeguridad).toBe(securityCode(signed));
    expect(qrUrl(stamp)).toContain(`&codigoseguridad=${encodeURIComponent(stamp.codigoSeguridad)}`);
  });

  it('signs the seed DGII sends (namespaces on the root, indented)', async () => {
    const signed = await signXml(SEED, credentials);
    expect(signed).not.toMatch(/>\s+</);
    expect(await verifySignedXml(signed)).toMatchObject({ valid: true });
  });

  it('signs 20 different documents at the same time with one key, each verifiable', async () => {
    const key = await importSigningKey(credentials);
    const documents = Array.from({ length: 20 }, (_, i) => ecf31(`E3100000001${String(i).padStart(2, '0')}`, 5));
    const signed = await Promise.all(
      documents.map((xml) => signXml(xml, { key, certificateDer: credentials.certificateDer })),
    );
    const results = await Promise.all(signed.map((xml) => verifySignedXml(xml)));
    expect(results.every((result) => result.valid)).toBe(true);
    expect(new Set(signed.map((xml) => securityCode(xml))).size).toBeGreaterThan(1);
    signed.forEach((xml, i) => {
      expect(xml).toContain(`<eNCF>E3100000001${String(i).padStart(2, '0')}</eNCF>`);
    });
  });

  it('measures build + sign of one 50-line e-CF (target: under 50 ms)', async () => {
    const key = await importSigningKey(credentials);
    const signer = { key, certificateDer: credentials.certificateDer };
    const invoices = Array.from({ length: 21 }, (_, i) =>
      invoiceDocument({
        ncfType: 'E31',
        ncf: `E3100000002${String(i).padStart(2, '0')}`,
        buyer: { name: 'Clínica Visual SRL', idType: 'rnc', idNumber: buyerRnc },
        lines: Array.from({ length: 50 }, (_, n) =>
          line(`Montura modelo ${n} & estuche`, '1', `${100 + n}.5000`, n % 2 ? '18.00' : '16.00', '1.00'),
        ),
      }),
    );
    const build = (invoice: (typeof invoices)[number]) => buildEcfXml(invoiceToEcf(invoice), signedAt);
    await signXml(build(invoices[0] ?? invoices[1]!), signer); // warm-up (JIT)
    const runs = invoices.slice(1);

    // workerd's clock ticks in whole milliseconds: time batches of 10 documents, three times; the
    // fastest batch is the least disturbed by whatever else the machine runs.
    const batches = [runs.slice(0, 10), runs.slice(10, 20), runs.slice(0, 10)];
    const buildAndSign: number[] = [];
    const signOnly: number[] = [];
    const signed: string[] = [];
    for (const batch of batches) {
      const begun = performance.now();
      const xmls = batch.map(build);
      const built = performance.now();
      for (const xml of xmls) signed.push(await signXml(xml, signer));
      const done = performance.now();
      buildAndSign.push((done - begun) / batch.length);
      signOnly.push((done - built) / batch.length);
    }
    let started = performance.now();
    for (const xml of signed.slice(0, 10)) expect((await verifySignedXml(xml)).valid).toBe(true);
    const verifyMs = (performance.now() - started) / 10;
    // The same documents indented take the general path (DOM, whitespace dropped) both ways.
    const indented = runs.slice(0, 10).map((invoice) => build(invoice).replace(/></g, '>\n  <'));
    started = performance.now();
    const signedIndented: string[] = [];
    for (const xml of indented) signedIndented.push(await signXml(xml, signer));
    const generalSignMs = (performance.now() - started) / 10;
    started = performance.now();
    for (const xml of signedIndented) {
      expect((await verifySignedXml(xml.replace(/></g, '>\n<'))).valid).toBe(true);
    }
    const generalVerifyMs = (performance.now() - started) / 10;
    const ms = (values: number[]) => values.map((value) => value.toFixed(1)).join(' / ');

    console.log(
      `e-CF 31 with 50 lines (${signed[0]?.length} bytes signed) in workerd, ms per document in batches of 10: ` +
        `build + sign ${ms(buildAndSign)}; sign alone ${ms(signOnly)}; verify ${verifyMs.toFixed(1)}; ` +
        `general path (indented input): sign ${generalSignMs.toFixed(1)}, verify ${generalVerifyMs.toFixed(1)}`,
    );
    expect(Math.max(...buildAndSign)).toBeGreaterThan(0);
    expect(Math.min(...buildAndSign)).toBeLessThan(50);
  });
});
