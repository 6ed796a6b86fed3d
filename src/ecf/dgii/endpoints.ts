/**
 * DGII's e-CF web services per environment, from "Descripción Técnica de Facturación Electrónica"
 * v1.6 (June 2023), section "Descripción de Servicios Web": https://{ecf|fc}.dgii.gov.do/{ambiente}/
 * {servicio}/api/..., and https://statusecf.dgii.gov.do/api/estatusservicios/... for the status.
 * The document lists no fc, anulacionrangos, consultatrackids or consultadirectorio URL for CerteCF
 * ("aún no se encuentran disponibles para el público"); the same pattern is used for it.
 */
export const dgiiEnvironments = ['TesteCF', 'CerteCF', 'eCF'] as const;
export type DgiiEnvironment = (typeof dgiiEnvironments)[number];

const segments: Record<DgiiEnvironment, string> = { TesteCF: 'testecf', CerteCF: 'certecf', eCF: 'ecf' };

/** `ambiente` of the status service's verificarestado: 1 PreCertificacion, 2 Producción, 3 Certificación. */
export const statusAmbiente: Record<DgiiEnvironment, number> = { TesteCF: 1, eCF: 2, CerteCF: 3 };

export const dgiiHosts = {
  ecf: 'https://ecf.dgii.gov.do',
  fc: 'https://fc.dgii.gov.do',
  status: 'https://statusecf.dgii.gov.do',
} as const;

export const dgiiPaths = {
  semilla: '/autenticacion/api/autenticacion/semilla',
  validarSemilla: '/autenticacion/api/autenticacion/validarsemilla',
  recepcion: '/recepcion/api/facturaselectronicas',
  consultaResultado: '/consultaresultado/api/consultas/estado',
  consultaTrackIds: '/consultatrackids/api/trackids/consulta',
  recepcionFc: '/recepcionfc/api/recepcion/ecf',
  consultaRfce: '/consultarfce/api/Consultas/Consulta',
  anulacionRangos: '/anulacionrangos/api/operaciones/anularrango',
  directorioPorRnc: '/consultadirectorio/api/consultas/obtenerdirectorioporrnc',
  aprobacionComercial: '/aprobacioncomercial/api/aprobacioncomercial',
  verificarEstado: '/api/estatusservicios/verificarestado',
} as const;

export interface DgiiBaseUrls {
  ecf: string;
  fc: string;
  status: string;
}

/**
 * Where each service lives. `override` (the DGII_BASE_URL binding: the stand-in locally and in the
 * tests, empty in production) replaces the three hosts; the paths stay DGII's.
 */
export function dgiiBaseUrls(environment: DgiiEnvironment, override?: string | null): DgiiBaseUrls {
  const segment = segments[environment];
  const origin = override?.trim().replace(/\/+$/, '');
  if (origin) return { ecf: `${origin}/${segment}`, fc: `${origin}/${segment}`, status: origin };
  return { ecf: `${dgiiHosts.ecf}/${segment}`, fc: `${dgiiHosts.fc}/${segment}`, status: dgiiHosts.status };
}

/** DGII's file name for an e-CF or an RFCE: RNCEmisor + e-NCF + ".xml" (e.g. 101672919E3100000001.xml). */
export function ecfFileName(rncEmisor: string, encf: string): string {
  return `${rncEmisor}${encf}.xml`;
}
