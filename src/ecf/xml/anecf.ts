/**
 * ANECF: cancels e-NCF numbers that were never used, or signed but never sent (Informe Técnico §10;
 * "Formato Anulación de e-NCF v1.0"). The XSD is the authority on the shape (`ANECF` >
 * `DetalleAnulacion` > `Anulacion` per type > `TablaRangoSecuenciasAnuladaseNCF` > `Secuencias`).
 */
import { type EcfType, EcfBuildError } from '../model';
import { dgiiDateTime, el, group, taxId, xmlDeclaration } from './writer';

export interface EncfRange {
  /** First and last e-NCF of the range, both included, of the same type. */
  from: string;
  to: string;
}

export interface AnecfInput {
  issuerRnc: string;
  /** `FechaHoraAnulacioneNCF`. */
  generatedAt: Date;
  ranges: EncfRange[];
}

const encfPattern = /^E(\d{2})(\d{10})$/;

function parseRange(range: EncfRange, index: number): { type: EcfType; count: bigint; from: string; to: string } {
  const from = encfPattern.exec(range.from);
  const to = encfPattern.exec(range.to);
  if (!from || !to) throw new EcfBuildError(`ranges.${index}`, 'an e-NCF is E, 2 type digits and 10 digits');
  if (from[1] !== to[1]) throw new EcfBuildError(`ranges.${index}`, 'a range stays within one e-CF type');
  const first = BigInt(from[2]!);
  const last = BigInt(to[2]!);
  if (first < 1n || last < first)
    throw new EcfBuildError(`ranges.${index}`, 'a range runs from a number to one not smaller');
  return { type: from[1] as EcfType, count: last - first + 1n, from: range.from, to: range.to };
}

/** Counts of cancelled numbers per type and in all, as the ANECF states them. */
export function anecfCounts(ranges: readonly EncfRange[]): { total: bigint; byType: Map<EcfType, bigint> } {
  const byType = new Map<EcfType, bigint>();
  ranges.forEach((range, index) => {
    const parsed = parseRange(range, index);
    byType.set(parsed.type, (byType.get(parsed.type) ?? 0n) + parsed.count);
  });
  return { total: [...byType.values()].reduce((a, b) => a + b, 0n), byType };
}

/** The unsigned ANECF: one `Anulacion` per e-CF type (at most 10), its ranges in the order given. */
export function buildAnecfXml(input: AnecfInput): string {
  if (input.ranges.length === 0) throw new EcfBuildError('ranges', 'nothing to cancel');
  const parsed = input.ranges.map(parseRange);
  const types = [...new Set(parsed.map((range) => range.type))];
  if (types.length > 10) throw new EcfBuildError('ranges', 'at most 10 e-CF types per ANECF');
  const { total, byType } = anecfCounts(input.ranges);
  const anulaciones = types
    .map((type, index) =>
      group(
        'Anulacion',
        el('NoLinea', index + 1) +
          el('TipoeCF', type) +
          group(
            'TablaRangoSecuenciasAnuladaseNCF',
            parsed
              .filter((range) => range.type === type)
              .map((range) =>
                group('Secuencias', el('SecuenciaeNCFDesde', range.from) + el('SecuenciaeNCFHasta', range.to)),
              )
              .join(''),
          ) +
          el('CantidadeNCFAnulados', String(byType.get(type)!)),
      ),
    )
    .join('');
  return (
    xmlDeclaration +
    '<ANECF>' +
    group(
      'Encabezado',
      el('Version', '1.0') +
        el('RncEmisor', taxId(input.issuerRnc, 'issuerRnc')) +
        el('CantidadeNCFAnulados', String(total)) +
        el('FechaHoraAnulacioneNCF', dgiiDateTime(input.generatedAt)),
    ) +
    group('DetalleAnulacion', anulaciones) +
    '</ANECF>'
  );
}
