/** Spanish (es-DO) messages of the e-CF signing certificate; merged into the catalogue in src/i18n/es-DO.ts. */
export const ecfCertificateMessages = {
  'ecfCertificate.notP12':
    'El archivo no es un certificado .p12 (PKCS#12). Suba el archivo que le entregó la entidad certificadora.',
  'ecfCertificate.wrongPassword': 'La contraseña del certificado no es correcta.',
  'ecfCertificate.noPrivateKey':
    'El archivo .p12 no contiene la llave privada; pida a la entidad certificadora el certificado con su llave.',
  'ecfCertificate.noCertificate': 'El archivo .p12 no contiene el certificado que corresponde a la llave privada.',
  'ecfCertificate.notRsa': 'El certificado no usa una llave RSA; la DGII exige firmas RSA-SHA256.',
  'ecfCertificate.expired': 'El certificado venció el {date}. Renuévelo con su entidad certificadora.',
  'ecfCertificate.notYetValid': 'El certificado aún no es válido (desde el {date}).',
  'ecfCertificate.invalid': 'El certificado no se pudo leer.',
} as const;
