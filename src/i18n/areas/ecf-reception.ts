/** Spanish (es-DO) messages of the /fe/ receiver endpoints other taxpayers call; merged in src/i18n/es-DO.ts. */
export const ecfReceptionMessages = {
  'ecfReception.notReceiver':
    'Este contribuyente aún no recibe comprobantes electrónicos: no tiene un certificado digital configurado.',
  'ecfReception.noXml': 'Envíe el documento XML en el campo multipart «xml».',
  'ecfReception.tooLarge': 'El documento enviado excede el tamaño permitido ({max} KB).',
  'ecfReception.notSeed': 'El documento no es una semilla (SemillaModel) firmada.',
  'ecfReception.seedInvalid': 'Semilla no válida o vencida.',
  'ecfReception.seedUsed': 'La semilla ya fue utilizada; solicite una nueva.',
  'ecfReception.badSignature': 'La firma del documento no es válida.',
  'ecfReception.noTaxId': 'El certificado no contiene un RNC o cédula.',
  'ecfReception.tokenMissing': 'Falta el token de autenticación (Authorization: Bearer) o venció.',
  'ecfReception.tokenSender': 'El token no corresponde al contribuyente que firma el documento.',
  'ecfReception.tooMany': 'Demasiadas solicitudes; intente de nuevo en un minuto.',
  'ecfReception.notEcf': 'El documento no es un e-CF: no se pudo leer RNCEmisor y eNCF.',
  'ecfReception.acecfInvalid': 'La aprobación comercial no cumple el formato ACECF: {problem}.',
  'ecfReception.acecfIssuer': 'El RNCEmisor de la aprobación comercial no es el de este contribuyente.',
  'ecfReception.acecfUnknown': 'Este contribuyente no emitió ese e-NCF a su nombre.',
  'ecfReception.approvalRecorded': 'Aprobación comercial recibida.',
  'ecfReception.acecfAnswered': 'Ese e-NCF ya tiene una aprobación comercial distinta registrada.',
  'audit.action.ecf.received': 'Recibió un e-CF de un proveedor',
  'audit.action.ecf.buyer_approval.approved': 'El comprador aprobó comercialmente un e-CF',
  'audit.action.ecf.buyer_approval.rejected': 'El comprador rechazó comercialmente un e-CF',
} as const;
