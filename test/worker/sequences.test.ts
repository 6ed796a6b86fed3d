import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fiscalSequences } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countQueries, get, postForm, signedIn } from '../support/worker/helpers';
import { api, apiJson } from '../support/worker/api';
import { shop } from '../support/worker/shop';

const nextYear = addDays(shopToday(), 365);

const b02 = (overrides: Record<string, unknown> = {}) => ({
  docType: 'B02',
  rangeStart: 1,
  rangeEnd: 1000,
  validUntil: nextYear,
  isDefault: true,
  ...overrides,
});

function create(host: string, bearer: string, body: Record<string, unknown>) {
  return apiJson(host, '/sequences', bearer, { method: 'POST', body: JSON.stringify(body) });
}

function fieldError(body: Record<string, any>, field: string): string | undefined {
  return (body.errors as Array<{ field: string; message: string }> | undefined)?.find((error) => error.field === field)
    ?.message;
}

describe('fiscal sequences', { timeout: 60_000 }, () => {
  it('creates an NCF sequence through the UI form and lists it with its next number', async () => {
    const { host, cookie, db } = await shop('owner');
    const response = await postForm(
      host,
      '/sequences',
      {
        docType: 'B01',
        prefix: '',
        rangeStart: '1',
        rangeEnd: '500',
        nextNumber: '',
        validUntil: nextYear,
        active: 'on',
        isDefault: 'on',
        description: 'Crédito fiscal',
      },
      { Cookie: cookie },
    );
    expect(response.status).toBe(303);
    const [row] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'B01'));
    expect(row).toMatchObject({
      prefix: 'B01',
      rangeStart: 1,
      rangeEnd: 500,
      nextNumber: 1,
      validUntil: nextYear,
      isDefault: true,
      active: true,
    });
    expect(response.headers.get('location')).toBe(`/sequences/${row!.id}?notice=created`);
    const list = await get(host, '/sequences', { headers: { Cookie: cookie } });
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain('B0100000001');
    expect(html).toContain('COT-00000001');
  });

  it('re-renders the form with the exact field errors (422) and writes nothing', async () => {
    const { host, cookie, db } = await shop('admin');
    const response = await postForm(
      host,
      '/sequences',
      { docType: 'B02', prefix: 'X02', rangeStart: '10', rangeEnd: '5', validUntil: '' },
      { Cookie: cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Para el tipo B02 el prefijo debe ser «B02».');
    expect(html).toContain('El final del rango no puede ser menor que el inicio.');
    expect(html).toContain('Los NCF requieren la fecha de vencimiento autorizada por la DGII.');
    expect(html).toContain('aria-invalid="true"');
    expect(await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'B02'))).toHaveLength(0);
  });

  it('applies every rule of the API with its exact error', async () => {
    const { host, bearer } = await shop('owner');
    const prefix = await create(host, bearer, b02({ prefix: 'B01' }));
    expect(prefix.status).toBe(422);
    expect(fieldError(prefix.body, 'prefix')).toBe('Para el tipo B02 el prefijo debe ser «B02».');

    const digits = await create(host, bearer, b02({ rangeEnd: 100_000_000 }));
    expect(digits.status).toBe(422);
    expect(fieldError(digits.body, 'rangeEnd')).toBe('El número debe estar entre 1 y 99,999,999.');
    const electronic = await create(host, bearer, {
      docType: 'E31',
      rangeStart: 1,
      rangeEnd: 9_999_999_999,
      validUntil: nextYear,
    });
    expect(electronic.status).toBe(201);
    expect(electronic.body.nextDocumentNumber).toBe('E310000000001');

    const next = await create(host, bearer, b02({ nextNumber: 1002 }));
    expect(next.status).toBe(422);
    expect(fieldError(next.body, 'nextNumber')).toBe('El próximo número debe estar entre 1 y 1001.');

    const expiry = await create(host, bearer, b02({ validUntil: null }));
    expect(expiry.status).toBe(422);
    expect(fieldError(expiry.body, 'validUntil')).toBe(
      'Los NCF requieren la fecha de vencimiento autorizada por la DGII.',
    );

    const first = await create(host, bearer, b02());
    expect(first.status).toBe(201);
    const overlap = await create(host, bearer, b02({ rangeStart: 1000, rangeEnd: 2000 }));
    expect(overlap.status).toBe(422);
    expect(fieldError(overlap.body, 'rangeStart')).toBe(
      'El rango se solapa con otra secuencia del mismo tipo B02 1-1000.',
    );
    const adjacent = await create(host, bearer, b02({ rangeStart: 1001, rangeEnd: 2000, isDefault: false }));
    expect(adjacent.status).toBe(201);

    const cot = await create(host, bearer, { docType: 'COT', prefix: '', rangeStart: 1, rangeEnd: 10 });
    expect(cot.status).toBe(422); // overlaps the seeded COT- series
    expect(fieldError(cot.body, 'rangeStart')).toContain('se solapa');
    const otherPrefix = await create(host, bearer, { docType: 'COT', prefix: 'CS-', rangeStart: 1, rangeEnd: 10 });
    expect(otherPrefix.status).toBe(201);
    expect(otherPrefix.body.validUntil).toBeNull();
  });

  it('keeps one default per type: a new default clears the old one', async () => {
    const { host, bearer, db } = await shop('owner');
    const first = await create(host, bearer, b02());
    const second = await create(host, bearer, b02({ rangeStart: 2000, rangeEnd: 3000 }));
    expect(second.status).toBe(201);
    const rows = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'B02'));
    expect(rows.find((row) => row.id === first.body.id)!.isDefault).toBe(false);
    expect(rows.find((row) => row.id === second.body.id)!.isDefault).toBe(true);
    const back = await api(host, `/sequences/${first.body.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ isDefault: true }),
    });
    expect(back.status).toBe(200);
    const after = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'B02'));
    expect(after.filter((row) => row.isDefault).map((row) => row.id)).toEqual([first.body.id]);
  });

  it('refuses a second preferred sequence for the same branch and type', async () => {
    const { host, bearer, db } = await shop('owner');
    const [branch] = await db.execute<{ id: string }>(sql`SELECT id FROM branches LIMIT 1`).then((r) => r.rows);
    expect((await create(host, bearer, b02({ branchId: branch!.id }))).status).toBe(201);
    const again = await create(
      host,
      bearer,
      b02({ rangeStart: 5000, rangeEnd: 6000, branchId: branch!.id, isDefault: false }),
    );
    expect(again.status).toBe(422);
    expect(fieldError(again.body, 'branchId')).toBe(
      'Esa sucursal ya prefiere otra secuencia activa de este tipo B02 1-1000.',
    );
  });

  it('never lets the next number go back below numbers already used, and freezes type and start', async () => {
    const { host, bearer, db } = await shop('owner');
    const created = await create(host, bearer, b02());
    const id = created.body.id as string;
    await db.execute(sql`SELECT * FROM allocate_document_number(${id}::uuid, 'B02', NULL, ${shopToday()}::date)`);
    await db.execute(sql`SELECT * FROM allocate_document_number(${id}::uuid, 'B02', NULL, ${shopToday()}::date)`);
    const back = await api(host, `/sequences/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ nextNumber: 2 }),
    });
    expect(back.status).toBe(422);
    expect(fieldError((await back.json()) as Record<string, any>, 'nextNumber')).toBe(
      'Ya se usaron números: el próximo número no puede ser menor que 3.',
    );
    const start = await api(host, `/sequences/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ rangeStart: 2 }),
    });
    expect(start.status).toBe(422);
    expect(fieldError((await start.json()) as Record<string, any>, 'rangeStart')).toBe(
      'No se puede cambiar en una secuencia que ya numeró documentos.',
    );
    const forward = await api(host, `/sequences/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ nextNumber: 10, rangeEnd: 2000 }),
    });
    expect(forward.status).toBe(200);
    expect(await forward.json()).toMatchObject({
      nextNumber: 10,
      rangeEnd: 2000,
      used: true,
      nextDocumentNumber: 'B0200000010',
    });
  });

  it('deletes an unused sequence but refuses (409) to delete one that numbered documents', async () => {
    const { host, bearer, cookie, db } = await shop('owner');
    const unused = await create(host, bearer, b02());
    expect((await api(host, `/sequences/${unused.body.id}`, bearer, { method: 'DELETE' })).status).toBe(204);
    const used = await create(host, bearer, b02());
    await db.execute(
      sql`SELECT * FROM allocate_document_number(${used.body.id}::uuid, 'B02', NULL, ${shopToday()}::date)`,
    );
    const refused = await api(host, `/sequences/${used.body.id}`, bearer, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toBe(
      'La secuencia ya numeró documentos: no se puede eliminar. Desactívela.',
    );
    const ui = await postForm(host, `/sequences/${used.body.id}/delete`, {}, { Cookie: cookie });
    expect(ui.status).toBe(303);
    expect(ui.headers.get('location')).toBe(`/sequences/${used.body.id}?notice=used`);
    expect(await db.select().from(fiscalSequences).where(eq(fiscalSequences.id, used.body.id))).toHaveLength(1);
  });

  it('warns about sequences expiring within 30 days or with fewer than 100 numbers left (UI and API)', async () => {
    const { host, bearer, cookie } = await shop('owner');
    const soon = await create(host, bearer, b02({ validUntil: addDays(shopToday(), 10) }));
    expect(soon.body.warnings).toEqual(['expiresSoon']);
    const low = await create(host, bearer, { docType: 'B01', rangeStart: 1, rangeEnd: 50, validUntil: nextYear });
    expect(low.body).toMatchObject({ warnings: ['lowRemaining'], remaining: 50 });
    const expired = await create(host, bearer, {
      docType: 'B04',
      rangeStart: 1,
      rangeEnd: 5000,
      nextNumber: 5001,
      validUntil: addDays(shopToday(), -1),
    });
    expect(expired.body).toMatchObject({ warnings: ['expired', 'exhausted'], remaining: 0, nextDocumentNumber: null });
    const fine = await create(host, bearer, { docType: 'B14', rangeStart: 1, rangeEnd: 5000, validUntil: nextYear });
    expect(fine.body.warnings).toEqual([]);
    const list = (await (await api(host, '/sequences', bearer)).json()) as {
      data: Array<{ id: string; warnings: string[] }>;
    };
    expect(list.data.find((row) => row.id === soon.body.id)!.warnings).toEqual(['expiresSoon']);
    const page = await (await get(host, '/sequences', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('Vence en 30 días o menos');
    expect(page).toContain('Quedan menos de 100 números');
    expect(page).toContain('Vencida');
    const detail = await (await get(host, `/sequences/${low.body.id}`, { headers: { Cookie: cookie } })).text();
    expect(detail).toContain('Quedan menos de 100 números');
  });

  it('follows the permission matrix: ventas reads, only owner/admin write, optometrista sees nothing', async () => {
    const { tenant, host, bearer } = await shop('owner');
    const created = await create(host, bearer, b02());
    const ventas = await signedIn(tenant.id, 'ventas');
    expect((await api(host, '/sequences', ventas.bearer)).status).toBe(200);
    expect((await get(host, '/sequences', { headers: { Cookie: ventas.cookie } })).status).toBe(200);
    expect(
      (
        await api(host, '/sequences', ventas.bearer, {
          method: 'POST',
          body: JSON.stringify(b02({ rangeStart: 5000, rangeEnd: 6000 })),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await api(host, `/sequences/${created.body.id}`, ventas.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ active: false }),
        })
      ).status,
    ).toBe(403);
    expect((await postForm(host, '/sequences', { docType: 'B02' }, { Cookie: ventas.cookie })).status).toBe(403);
    const optometrista = await signedIn(tenant.id, 'optometrista');
    expect((await api(host, '/sequences', optometrista.bearer)).status).toBe(403);
    expect(
      (await get(host, `/sequences/${created.body.id}`, { headers: { Cookie: optometrista.cookie } })).status,
    ).toBe(403);
  });

  it('isolates shops: another shop’s sequence id (or a malformed id) answers 404', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const created = await create(a.host, a.bearer, b02());
    expect((await api(b.host, `/sequences/${created.body.id}`, b.bearer)).status).toBe(404);
    expect(
      (
        await api(b.host, `/sequences/${created.body.id}`, b.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ active: false }),
        })
      ).status,
    ).toBe(404);
    expect((await api(b.host, `/sequences/${created.body.id}`, b.bearer, { method: 'DELETE' })).status).toBe(404);
    expect((await get(b.host, `/sequences/${created.body.id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await get(b.host, '/sequences/not-a-uuid', { headers: { Cookie: b.cookie } })).status).toBe(404);
    const list = (await (await api(b.host, '/sequences', b.bearer)).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((row) => row.id)).not.toContain(created.body.id);
    const [still] = await a.db.select().from(fiscalSequences).where(eq(fiscalSequences.id, created.body.id));
    expect(still!.active).toBe(true);
  });

  it('renders the list page in at most 2 database round trips', async () => {
    const { tenant, host, bearer, cookie } = await shop('owner');
    for (let i = 0; i < 5; i++)
      await create(host, bearer, b02({ rangeStart: i * 1000 + 1, rangeEnd: (i + 1) * 1000, isDefault: false }));
    const queries = await countQueries(`optiflow_${tenant.id}`, async () => {
      const response = await get(host, '/sequences', { headers: { Cookie: cookie } });
      expect(response.status).toBe(200);
    });
    expect(queries).toBeLessThanOrEqual(2);
  });
});

describe('issue 9 item 17: NCF range expiry per the DGII rule', () => {
  it('refuses a valid-until after 31 December of the year after authorisation (2035 from today), in the API and the form', async () => {
    const { host, bearer, cookie } = await shop('owner');
    const year = Number(shopToday().slice(0, 4));
    const tooLate = await create(host, bearer, b02({ validUntil: '2035-12-31' }));
    expect(tooLate.status).toBe(422);
    expect(fieldError(tooLate.body, 'validUntil')).toBe(
      `La DGII autoriza los rangos hasta el 31 de diciembre del año siguiente a su autorización: la fecha límite es 31/12/${year + 1}.`,
    );
    const form = await postForm(
      host,
      '/sequences',
      {
        docType: 'B01',
        prefix: '',
        rangeStart: '1',
        rangeEnd: '500',
        nextNumber: '',
        validUntil: '2035-12-31',
        active: 'on',
      },
      { Cookie: cookie },
    );
    expect(form.status).toBe(422);
    // The last day allowed is accepted; with an earlier authorisation date the limit moves back with it.
    expect((await create(host, bearer, b02({ validUntil: `${year + 1}-12-31` }))).status).toBe(201);
    const authorised = await create(host, bearer, {
      docType: 'B14',
      rangeStart: 1,
      rangeEnd: 10,
      validUntil: `${year + 1}-12-31`,
      authorizedOn: `${year - 1}-06-01`,
    });
    expect(authorised.status).toBe(422);
    expect(fieldError(authorised.body, 'validUntil')).toContain(`31/12/${year}`);
    const future = await create(host, bearer, {
      docType: 'B15',
      rangeStart: 1,
      rangeEnd: 10,
      validUntil: `${year}-12-31`,
      authorizedOn: addDays(shopToday(), 1),
    });
    expect(fieldError(future.body, 'authorizedOn')).toBe('La fecha de autorización no puede ser posterior a hoy.');
  });

  it('takes the authorisation date in the form and keeps its bound on later edits that leave it out', async () => {
    const { host, bearer, cookie } = await shop('owner');
    const year = Number(shopToday().slice(0, 4));
    const newForm = await (await SELF.fetch(`http://${host}/sequences/new`, { headers: { Cookie: cookie } })).text();
    expect(newForm).toContain('name="authorizedOn"');
    const fields = { docType: 'B14', prefix: '', rangeStart: '1', rangeEnd: '50', nextNumber: '', active: 'on' };
    const created = await postForm(
      host,
      '/sequences',
      { ...fields, authorizedOn: `${year - 1}-03-01`, validUntil: `${year}-12-31` },
      { Cookie: cookie },
    );
    expect(created.status).toBe(303);
    const id = created.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const shown = (await (await api(host, `/sequences/${id}`, bearer)).json()) as { authorizedOn: string | null };
    expect(shown.authorizedOn).toBe(`${year - 1}-03-01`);
    // An edit that leaves the date out is still bound by the stored authorisation, not by today.
    const form = await postForm(
      host,
      `/sequences/${id}`,
      { ...fields, authorizedOn: '', validUntil: `${year + 1}-12-31` },
      { Cookie: cookie },
    );
    expect(form.status).toBe(422);
    const patched = await api(host, `/sequences/${id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ validUntil: `${year + 1}-12-31` }),
    });
    expect(patched.status).toBe(422);
  });
});
