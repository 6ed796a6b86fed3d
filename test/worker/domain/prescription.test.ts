import { describe, expect, it } from 'vitest';
import {
  checkRx,
  checkRxDates,
  comparePrescriptions,
  formatDiopter,
  parseIcd10Codes,
  parseScaled,
  rxValidUntil,
  type RxRaw,
} from '../../../src/domain/prescription';
import { shopToday } from '../../../src/domain/dates';
import { prescriptionFields, rxIssueMessage } from '../../../src/schemas/prescriptions';

const issuesOf = (raw: RxRaw) => checkRx(raw).issues;
const codeOf = (raw: RxRaw, field: keyof RxRaw) => issuesOf(raw)[field]?.code ?? null;

describe('prescription values', () => {
  it('parses signs, comma decimals and plano without floats, and normalises', () => {
    expect(parseScaled('+1.25', 2)).toBe(125);
    expect(parseScaled('1,25', 2)).toBe(125);
    expect(parseScaled('-0.5', 2)).toBe(-50);
    expect(parseScaled('-.75', 2)).toBe(-75);
    expect(parseScaled('2', 2)).toBe(200);
    expect(parseScaled('1.250', 2)).toBe(125);
    for (const bad of ['abc', '1.255', '', '+', '1..2', '1e2']) expect(parseScaled(bad, 2), bad).toBeNull();
    const { values, issues } = checkRx({
      odSphere: '+1,25',
      odCylinder: '-0.5',
      odAxis: '90',
      oiSphere: 'plano',
      odAdd: '2',
      odVaSc: '20 / 40',
    });
    expect(issues).toEqual({});
    expect(values.odSphere).toBe('1.25');
    expect(values.odCylinder).toBe('-0.50');
    expect(values.odAxis).toBe(90);
    expect(values.oiSphere).toBe('0.00');
    expect(values.odAdd).toBe('2.00');
    expect(values.odVaSc).toBe('20/40');
    expect(formatDiopter('1.25')).toBe('+1.25');
    expect(formatDiopter('-0.50')).toBe('-0.50');
    expect(formatDiopter('0.00')).toBe('0.00');
  });

  it('sphere: -20.00..+19.75 in 0.25 steps', () => {
    for (const ok of ['-20', '-20.00', '+19.75', '0', '-3.25'])
      expect(codeOf({ odSphere: ok }, 'odSphere'), ok).toBeNull();
    for (const bad of ['-20.25', '+20.00', '1.30', '1.1', 'x'])
      expect(codeOf({ odSphere: bad }, 'odSphere'), bad).toBe('sphere');
  });

  it('cylinder: -10.00..0.00 in 0.25 steps (minus cylinder)', () => {
    expect(codeOf({ odCylinder: '-10.00', odAxis: '10' }, 'odCylinder')).toBeNull();
    for (const bad of ['+0.25', '-10.25', '-0.30'])
      expect(codeOf({ odCylinder: bad, odAxis: '10' }, 'odCylinder'), bad).toBe('cylinder');
  });

  it('axis: integer 0..180, required exactly when there is a non-zero cylinder', () => {
    expect(codeOf({ odCylinder: '-1.00' }, 'odAxis')).toBe('axisRequired');
    expect(codeOf({ odAxis: '90' }, 'odAxis')).toBe('axisWithoutCylinder');
    expect(codeOf({ odCylinder: '0.00', odAxis: '90' }, 'odAxis')).toBe('axisWithoutCylinder');
    expect(codeOf({ odCylinder: '0' }, 'odAxis')).toBeNull();
    for (const bad of ['181', '-1', '12.5', 'abc'])
      expect(codeOf({ odCylinder: '-1.00', odAxis: bad }, 'odAxis'), bad).toBe('axis');
    for (const ok of ['0', '180', '45']) expect(codeOf({ oiCylinder: '-1.00', oiAxis: ok }, 'oiAxis'), ok).toBeNull();
  });

  it('add: +0.75..+3.50 in 0.25 steps', () => {
    for (const ok of ['0.75', '+3.50', '2']) expect(codeOf({ oiAdd: ok }, 'oiAdd'), ok).toBeNull();
    for (const bad of ['0.50', '3.75', '1.10', '-1.00']) expect(codeOf({ oiAdd: bad }, 'oiAdd'), bad).toBe('add');
  });

  it('prism: 0.25..20.00 in 0.25 steps, with a base exactly when there is a prism', () => {
    expect(codeOf({ odPrism: '2.00', odPrismBase: 'in' }, 'odPrism')).toBeNull();
    for (const bad of ['0', '20.25', '1.1'])
      expect(codeOf({ odPrism: bad, odPrismBase: 'in' }, 'odPrism'), bad).toBe('prism');
    expect(codeOf({ odPrism: '2.00' }, 'odPrismBase')).toBe('prismBaseRequired');
    expect(codeOf({ odPrismBase: 'up' }, 'odPrismBase')).toBe('prismBaseWithoutPrism');
    expect(codeOf({ odPrism: '1.00', odPrismBase: 'sideways' }, 'odPrismBase')).toBe('prismBase');
  });

  it('pupillary distances: binocular 40..80, monocular 20..40, and they add up exactly', () => {
    expect(codeOf({ pd: '39.9' }, 'pd')).toBe('pd');
    expect(codeOf({ pd: '80.1' }, 'pd')).toBe('pd');
    expect(codeOf({ pd: '62' }, 'pd')).toBeNull();
    expect(codeOf({ odPd: '19.5' }, 'odPd')).toBe('monocularPd');
    expect(codeOf({ oiPd: '40.5' }, 'oiPd')).toBe('monocularPd');
    expect(issuesOf({ odPd: '31.5', oiPd: '31', pd: '62.5' })).toEqual({});
    expect(issuesOf({ odPd: '31.5', oiPd: '31', pd: '63' }).pd).toEqual({
      code: 'pdSum',
      params: { sum: '62.5', pd: '63.0' },
    });
    expect(rxIssueMessage({ code: 'pdSum', params: { sum: '62.5', pd: '63.0' } })).toBe(
      'Las DP monoculares suman 62.5 mm y la binocular es 63.0 mm: deben coincidir.',
    );
  });

  it('height, visual acuity, contact lens and pressure ranges', () => {
    expect(codeOf({ odHeight: '9.5' }, 'odHeight')).toBe('height');
    expect(codeOf({ odHeight: '18' }, 'odHeight')).toBeNull();
    for (const bad of ['20/5', '20/500', '6/6', '20']) expect(codeOf({ odVaCc: bad }, 'odVaCc'), bad).toBe('va');
    expect(codeOf({ odVaCc: '20/400' }, 'odVaCc')).toBeNull();
    expect(codeOf({ odBaseCurve: '6.90' }, 'odBaseCurve')).toBe('baseCurve');
    expect(codeOf({ odBaseCurve: '8.60' }, 'odBaseCurve')).toBeNull();
    expect(codeOf({ odDiameter: '16.5' }, 'odDiameter')).toBe('diameter');
    expect(codeOf({ odDiameter: '14.2' }, 'odDiameter')).toBeNull();
    expect(codeOf({ oiIop: '4' }, 'oiIop')).toBe('iop');
    expect(codeOf({ oiIop: '61' }, 'oiIop')).toBe('iop');
    expect(codeOf({ oiIop: '15' }, 'oiIop')).toBeNull();
  });

  it('dates: no exam in the future, next visit after the exam; valid one year', () => {
    expect(checkRxDates('2025-01-11', null, '2025-01-10').examinedOn?.code).toBe('examFuture');
    expect(checkRxDates('2025-01-10', '2025-01-10', '2025-01-10').nextVisitOn?.code).toBe('nextVisitAfterExam');
    expect(checkRxDates('2025-01-10', '2026-01-10', '2025-01-10')).toEqual({});
    expect(rxValidUntil('2025-03-14')).toBe('2026-03-14');
    expect(rxValidUntil('2024-02-29')).toBe('2025-02-28');
  });

  it('ICD-10 codes: comma separated, upper-cased, each checked', () => {
    expect(parseIcd10Codes('h52.1, H52.4,H52.1')).toEqual({ codes: ['H52.1', 'H52.4'], invalid: null });
    expect(parseIcd10Codes('H40')).toEqual({ codes: ['H40'], invalid: null });
    expect(parseIcd10Codes('H52.1, U07.1').invalid).toBe('U07.1');
    expect(parseIcd10Codes('H5').invalid).toBe('H5');
    expect(parseIcd10Codes('H52.12345').invalid).toBe('H52.12345');
    expect(parseIcd10Codes(['H52.1', 'E11.3'])).toEqual({ codes: ['H52.1', 'E11.3'], invalid: null });
  });

  it('compares two prescriptions field by field, by value', () => {
    const older = {
      odSphere: '-1.25',
      odCylinder: '-0.50',
      odAxis: 90,
      oiSphere: '-1.00',
      pd: '62.0',
      odVaCc: '20/20',
    };
    const newer = {
      odSphere: '-1.250',
      odCylinder: '-0.75',
      odAxis: 90,
      oiSphere: '-1.50',
      pd: '62',
      odVaCc: '20/20',
      oiAdd: '1.00',
    };
    expect(comparePrescriptions(older, newer)).toEqual([
      { field: 'odCylinder', older: '-0.50', newer: '-0.75' },
      { field: 'oiSphere', older: '-1.00', newer: '-1.50' },
      { field: 'oiAdd', older: null, newer: '1.00' },
    ]);
    expect(comparePrescriptions(older, older)).toEqual([]);
  });
});

describe('prescription schema messages (beside each field)', () => {
  const patientId = '00000000-0000-4000-8000-000000000000';
  const errorsOf = (body: Record<string, unknown>) => {
    const result = prescriptionFields.safeParse({ patientId, optometristName: 'Dra. Peña', ...body });
    if (result.success) return {};
    return Object.fromEntries(result.error.issues.map((issue) => [String(issue.path[0]), issue.message]));
  };

  it('gives the exact message of every rule', () => {
    expect(errorsOf({ odSphere: '-20.25' })).toEqual({
      odSphere: 'La esfera debe estar entre -20.00 y +19.75 D, en pasos de 0.25.',
    });
    expect(errorsOf({ odCylinder: '+0.50', odAxis: '10' })).toEqual({
      odCylinder: 'El cilindro debe estar entre -10.00 y 0.00 D, en pasos de 0.25.',
    });
    expect(errorsOf({ odCylinder: '-0.50' })).toEqual({ odAxis: 'Indique el eje: hay cilindro.' });
    expect(errorsOf({ oiAxis: '90' })).toEqual({ oiAxis: 'El eje solo se indica cuando hay cilindro.' });
    expect(errorsOf({ oiCylinder: '-0.50', oiAxis: '190' })).toEqual({
      oiAxis: 'El eje debe ser un número entero entre 0 y 180.',
    });
    expect(errorsOf({ odAdd: '4.00' })).toEqual({
      odAdd: 'La adición debe estar entre +0.75 y +3.50 D, en pasos de 0.25.',
    });
    expect(errorsOf({ odPrism: '21', odPrismBase: 'up' })).toEqual({
      odPrism: 'El prisma debe estar entre 0.25 y 20.00 Δ, en pasos de 0.25.',
    });
    expect(errorsOf({ odPrism: '1.00' })).toEqual({ odPrismBase: 'Indique la base del prisma.' });
    expect(errorsOf({ oiPrismBase: 'down' })).toEqual({ oiPrismBase: 'La base solo se indica cuando hay prisma.' });
    expect(errorsOf({ pd: '85' })).toEqual({ pd: 'La DP binocular debe estar entre 40.0 y 80.0 mm.' });
    expect(errorsOf({ odPd: '45' })).toEqual({ odPd: 'La DP monocular debe estar entre 20.0 y 40.0 mm.' });
    expect(errorsOf({ odHeight: '45' })).toEqual({ odHeight: 'La altura debe estar entre 10.0 y 40.0 mm.' });
    expect(errorsOf({ odVaSc: '20/1000' })).toEqual({
      odVaSc: 'Escriba la agudeza visual como 20/x, con x entre 10 y 400.',
    });
    expect(errorsOf({ odBaseCurve: '11' })).toEqual({ odBaseCurve: 'La curva base debe estar entre 7.00 y 10.00 mm.' });
    expect(errorsOf({ odDiameter: '10' })).toEqual({ odDiameter: 'El diámetro debe estar entre 12.00 y 16.00 mm.' });
    expect(errorsOf({ odIop: '70' })).toEqual({ odIop: 'La presión intraocular debe estar entre 5 y 60 mmHg.' });
    expect(errorsOf({ icd10Codes: 'H52.1, XYZ' })).toEqual({ icd10Codes: 'Código CIE-10 no válido: XYZ.' });
    expect(errorsOf({ examinedOn: '2999-01-01' })).toEqual({ examinedOn: 'La fecha del examen no puede ser futura.' });
    expect(errorsOf({ examinedOn: '2024-05-10', nextVisitOn: '2024-05-09' })).toEqual({
      nextVisitOn: 'La próxima visita debe ser posterior a la fecha del examen.',
    });
    expect(errorsOf({ examinedOn: '31/02/2024' })).toEqual({ examinedOn: 'Escriba una fecha válida (dd/mm/aaaa).' });
    expect(errorsOf({ optometristName: '' })).toEqual({ optometristId: 'Elija el optometrista o escriba su nombre.' });
    expect(errorsOf({ optometristId: patientId })).toEqual({
      optometristName: 'Elija un usuario o escriba un nombre, no ambos.',
    });
    expect(errorsOf({ patientId: 'nope' })).toEqual({ patientId: 'Elija el paciente.' });
  });

  it('normalises a valid body and defaults the exam date to today', () => {
    const result = prescriptionFields.parse({
      patientId,
      optometristName: 'Dra. Peña',
      odSphere: -1.5,
      odCylinder: '-0,75',
      odAxis: '180',
      icd10Codes: 'h52.1',
    });
    expect(result).toMatchObject({
      odSphere: '-1.50',
      odCylinder: '-0.75',
      odAxis: 180,
      icd10Codes: ['H52.1'],
      examinedOn: shopToday(),
      nextVisitOn: null,
    });
  });
});
