import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/** A certificate with its key, and the .p12 files that carry them, all made by openssl now. */
export interface TestIdentity {
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  /** PBE-SHA1-RC2-40 certificates + PBE-SHA1-3DES key (openssl -legacy), as Dominican CAs still issue. */
  legacyP12: Uint8Array;
  /** PBES2 AES-256-CBC (openssl 3 default). */
  modernP12: Uint8Array;
}

export interface TestCertificates {
  dir: string;
  password: string;
  caCertPem: string;
  /** A legal person's certificate: organizationIdentifier VATDO-<RNC>, its representative's cédula in serialNumber. */
  shop: TestIdentity;
  /** A natural person's certificate (cédula in serialNumber) that expired in 2021. */
  expired: TestIdentity | null;
  /** A .p12 holding only a certificate, no key. */
  certOnlyP12: Uint8Array;
  cleanup(): void;
}

export const SHOP_RNC = '131880738';
export const PERSON_CEDULA = '00112345678';

const CA_CONFIG = `[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any_policy
unique_subject = no
[ any_policy ]
countryName = optional
organizationName = optional
organizationIdentifier = optional
serialNumber = optional
commonName = supplied
`;

/** Makes a test CA and shop certificates with openssl in a temporary folder; nothing is committed. */
export function makeTestCertificates(options: { password?: string; withExpired?: boolean } = {}): TestCertificates {
  const password = options.password ?? 'Clave-de-prueba 1';
  const dir = mkdtempSync(path.join(tmpdir(), 'optiflow-ecf-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('ca.cnf'), CA_CONFIG);
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  // biome-ignore format: one openssl command per line reads best
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650',
    '-subj', '/C=DO/O=Autoridad Certificadora de Prueba/CN=OptiFlow Test CA');

  const identity = (name: string, subject: string, dates: string[]): TestIdentity => {
    // biome-ignore format: one openssl command per line reads best
    run('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-keyout', `${name}.key`, '-out', `${name}.csr`,
      '-subj', subject);
    // biome-ignore format: one openssl command per line reads best
    run('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`,
      '-out', `${name}.pem`, '-notext', '-utf8', '-preserveDN', ...dates);
    // biome-ignore format: one openssl command per line reads best
    run('pkcs12', '-export', '-legacy', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-certfile', 'ca.pem',
      '-name', name, '-out', `${name}-legacy.p12`, '-passout', `pass:${password}`);
    // biome-ignore format: one openssl command per line reads best
    run('pkcs12', '-export', '-inkey', `${name}.key`, '-in', `${name}.pem`, '-certfile', 'ca.pem',
      '-name', name, '-out', `${name}-modern.p12`, '-passout', `pass:${password}`);
    run('x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`);
    return {
      certPem: file(`${name}.pem`),
      keyPem: file(`${name}.key`),
      certDer: new Uint8Array(readFileSync(file(`${name}.der`))),
      legacyP12: new Uint8Array(readFileSync(file(`${name}-legacy.p12`))),
      modernP12: new Uint8Array(readFileSync(file(`${name}-modern.p12`))),
    };
  };

  const shop = identity(
    'shop',
    `/C=DO/O=Óptica Prueba SRL/organizationIdentifier=VATDO-${SHOP_RNC}/serialNumber=IDCDO-${PERSON_CEDULA}/CN=ÓPTICA PRUEBA SRL`,
    ['-days', '365'],
  );
  const expired =
    options.withExpired === false
      ? null
      : identity('expired', `/C=DO/serialNumber=IDCDO-${PERSON_CEDULA}/CN=JUAN PÉREZ`, [
          '-startdate',
          '20200101000000Z',
          '-enddate',
          '20210101000000Z',
        ]);
  // biome-ignore format: one openssl command per line reads best
  run('pkcs12', '-export', '-nokeys', '-in', 'shop.pem', '-out', 'cert-only.p12', '-passout', `pass:${password}`);

  return {
    dir,
    password,
    caCertPem: file('ca.pem'),
    shop,
    expired,
    certOnlyP12: new Uint8Array(readFileSync(file('cert-only.p12'))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The shop's legacy .p12 as worker tests receive it (workerd cannot run openssl). */
export interface EcfTestCertificate {
  p12Base64: string;
  password: string;
  certificateDerBase64: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Null when openssl could not run: only the e-CF signing tests need it, the rest of the run goes on. */
    ecfTestCertificate: EcfTestCertificate | null;
  }
}

export function provideEcfTestCertificate(project: TestProject): void {
  let certs: TestCertificates;
  try {
    certs = makeTestCertificates({ withExpired: false });
  } catch (error) {
    console.warn(`e-CF test certificate not made (is openssl installed?): ${(error as Error).message}`);
    project.provide('ecfTestCertificate', null);
    return;
  }
  try {
    project.provide('ecfTestCertificate', {
      p12Base64: Buffer.from(certs.shop.legacyP12).toString('base64'),
      password: certs.password,
      certificateDerBase64: Buffer.from(certs.shop.certDer).toString('base64'),
    });
  } finally {
    certs.cleanup();
  }
}
