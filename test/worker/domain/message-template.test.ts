import { describe, expect, it } from 'vitest';
import {
  clockMinutes,
  quietHoursEnd,
  renderTemplate,
  templateVariables,
  unknownVariables,
} from '../../../src/domain/message-template';

describe('message templates', () => {
  it('lists, checks and fills {{variables}}', () => {
    const body = 'Hola {{cliente.nombre}}, su orden {{ orden.numero }} está lista: {{enlace}} ({{cliente.nombre}})';
    expect(templateVariables(body)).toEqual(['cliente.nombre', 'orden.numero', 'enlace']);
    expect(unknownVariables('lab_order.stage_entered', body)).toEqual([]);
    expect(unknownVariables('payment.received', body)).toEqual(['orden.numero', 'enlace']);
    expect(unknownVariables('invoice.issued', 'Hola {{cliente.apellido}} {{total}}')).toEqual([
      'cliente.apellido',
      'total',
    ]);
    expect(
      renderTemplate(body, { 'cliente.nombre': 'Ana', 'orden.numero': 'LAB-000007', enlace: 'https://x/s/1' }),
    ).toBe('Hola Ana, su orden LAB-000007 está lista: https://x/s/1 (Ana)');
    expect(renderTemplate('Sin {{enlace}} valor', {})).toBe('Sin  valor');
  });

  it('reads clock times', () => {
    expect(clockMinutes('22:00')).toBe(1320);
    expect(clockMinutes('07:30:00')).toBe(450);
    expect(clockMinutes('24:00')).toBeNull();
    expect(clockMinutes(null)).toBeNull();
  });

  // Santo Domingo is UTC-4 all year: 22:00 local is 02:00 UTC the next day, 07:00 local is 11:00 UTC.
  const cases: Array<[string, string, string | null]> = [
    ['2026-12-06T01:59:00Z', 'before quiet hours (21:59 local)', null],
    ['2026-12-06T02:00:00Z', 'at the start (22:00 local, UTC already the next day)', '2026-12-06T11:00:00.000Z'],
    ['2026-12-06T03:30:00Z', '23:30 local', '2026-12-06T11:00:00.000Z'],
    ['2026-12-06T04:00:00Z', 'local midnight', '2026-12-06T11:00:00.000Z'],
    ['2026-12-06T10:59:00Z', '06:59 local', '2026-12-06T11:00:00.000Z'],
    ['2026-12-06T11:00:00Z', 'at the end (07:00 local)', null],
    ['2026-12-06T16:00:00Z', 'midday', null],
    ['2026-12-31T23:30:00Z', '19:30 local on new year eve', null],
    ['2027-01-01T03:15:00Z', '23:15 local on new year eve', '2027-01-01T11:00:00.000Z'],
    ['2027-03-14T07:00:00Z', '03:00 local on the US DST day (no change in the DR)', '2027-03-14T11:00:00.000Z'],
  ];
  it.each(cases)('quiet hours 22:00-07:00 at %s (%s)', (now, _label, expected) => {
    const end = quietHoursEnd(new Date(now), '22:00', '07:00');
    expect(end?.toISOString() ?? null).toBe(expected);
  });

  it('quiet hours within one day, and none', () => {
    // 13:00-14:00 local: 13:30 local is 17:30 UTC, released at 18:00 UTC.
    expect(quietHoursEnd(new Date('2026-12-06T17:30:00Z'), '13:00', '14:00')?.toISOString()).toBe(
      '2026-12-06T18:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-12-06T18:00:00Z'), '13:00', '14:00')).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-06T03:00:00Z'), null, null)).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-06T03:00:00Z'), '22:00', '22:00')).toBeNull();
  });
});
