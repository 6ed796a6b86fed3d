import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { get, postForm } from '../support/worker/helpers';
import { colleague, shop, type Shop } from '../support/worker/shop';

async function quietHours(s: Shop) {
  const result = await s.db.execute<{ start: string | null; end: string | null }>(
    sql`SELECT quiet_hours_start::text AS start, quiet_hours_end::text AS "end" FROM company WHERE id = 1`,
  );
  return result.rows[0];
}

describe('quiet hours on the messaging settings page', () => {
  it('saves both ends, shows them, and clears them with both blank', async () => {
    const s = await shop('owner');
    const cookie = { Cookie: s.cookie };
    const saved = await postForm(
      s.host,
      '/settings/messages/quiet-hours',
      { quietHoursStart: '21:30', quietHoursEnd: '07:00' },
      cookie,
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/settings/messages?saved=quiet');
    expect(await quietHours(s)).toEqual({ start: '21:30:00', end: '07:00:00' });
    const page = await (await get(s.host, '/settings/messages?saved=quiet', { headers: cookie })).text();
    expect(page).toContain('Horario de silencio guardado.');
    expect(page).toContain('Los mensajes esperan de 21:30 a 07:00.');
    expect(page).toContain('value="21:30"');

    expect(
      (await postForm(s.host, '/settings/messages/quiet-hours', { quietHoursStart: '', quietHoursEnd: '' }, cookie))
        .status,
    ).toBe(303);
    expect(await quietHours(s)).toEqual({ start: null, end: null });
    expect(await (await get(s.host, '/settings/messages', { headers: cookie })).text()).toContain(
      'Sin horario de silencio',
    );
  });

  it('refuses one end alone, equal ends and a malformed hour with 422 and field messages, changing nothing', async () => {
    const s = await shop('owner');
    const cookie = { Cookie: s.cookie };
    await postForm(
      s.host,
      '/settings/messages/quiet-hours',
      { quietHoursStart: '22:00', quietHoursEnd: '06:00' },
      cookie,
    );
    const cases: Array<[Record<string, string>, string]> = [
      [{ quietHoursStart: '22:00', quietHoursEnd: '' }, 'Indique las dos horas, o deje ambas en blanco.'],
      [{ quietHoursStart: '08:00', quietHoursEnd: '08:00' }, 'El final debe ser distinto del inicio.'],
      [{ quietHoursStart: '25:00', quietHoursEnd: '06:00' }, 'Escriba la hora como HH:MM (por ejemplo 21:00).'],
      [{ quietHoursStart: '9pm', quietHoursEnd: '06:00' }, 'Escriba la hora como HH:MM (por ejemplo 21:00).'],
    ];
    for (const [form, message] of cases) {
      const response = await postForm(s.host, '/settings/messages/quiet-hours', form, cookie);
      expect(response.status).toBe(422);
      const body = await response.text();
      expect(body).toContain(message);
      expect(body).toContain('aria-invalid="true"');
    }
    expect(await quietHours(s)).toEqual({ start: '22:00:00', end: '06:00:00' });
  });

  it('is the owner’s or an admin’s to change: a seller gets 403 and the hours stay', async () => {
    const s = await shop('owner');
    const seller = await colleague(s, 'ventas');
    const response = await postForm(
      s.host,
      '/settings/messages/quiet-hours',
      { quietHoursStart: '20:00', quietHoursEnd: '08:00' },
      { Cookie: seller.cookie },
    );
    expect(response.status).toBe(403);
    expect(await quietHours(s)).toEqual({ start: null, end: null });
  });
});
