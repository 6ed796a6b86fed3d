/**
 * Prescriptions in the browser UI and the JSON API: create/edit with the Rx rules, patient history
 * with the last two compared, print pages, permissions, branch scope, shop isolation, round trips.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { prescriptionsApi } from '../../src/api/prescriptions';
import { branches, company, contacts, prescriptions } from '../../src/db/tenant-schema';
import { countRoundTrips, get, postForm, signedIn } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { shop as baseShop, type Role } from '../support/worker/shop';

async function shop(role: Role = 'optometrista') {
  const base = await baseShop(role, { branchAccess: 'scoped' });
  const [patient] = await base.db
    .insert(contacts)
    .values({ kind: 'customer', name: 'María Peña Núñez', idType: 'cedula', idNumber: '00113918205' })
    .returning();
  return { ...base, branch: base.main, patient: patient! };
}

type Shop = Awaited<ReturnType<typeof shop>>;

/** A prescription row written directly (fixtures for lists, history and scope). */
async function insertRx(
  s: Pick<Shop, 'db' | 'patient' | 'branch'>,
  values: Partial<typeof prescriptions.$inferInsert> = {},
) {
  const [row] = await s.db
    .insert(prescriptions)
    .values({
      patientId: s.patient.id,
      branchId: s.branch.id,
      examinedOn: '2024-05-10',
      optometristName: 'Dr. Externo',
      ...values,
    })
    .returning();
  return row!;
}

const validForm = (patientId: string, extra: Record<string, string> = {}) => ({
  patientId,
  examinedOn: '2024-06-01',
  optometristName: '',
  odSphere: '+1,25',
  odCylinder: '-0.50',
  odAxis: '90',
  odAdd: '2',
  odPd: '31.5',
  odHeight: '18',
  odVaSc: '20/60',
  odVaCc: '20/20',
  oiSphere: '-0.75',
  oiCylinder: '',
  oiAxis: '',
  oiPrism: '1.00',
  oiPrismBase: 'in',
  oiPd: '31',
  pd: '62.5',
  odIop: '15',
  odBaseCurve: '8.6',
  odDiameter: '14.2',
  contactLensBrand: 'Acuvue',
  diagnosis: 'Miopía leve con astigmatismo',
  icd10Codes: 'h52.1, H52.2',
  recommendations: 'Uso permanente',
  nextVisitOn: '2025-06-01',
  ...extra,
});

describe('prescriptions UI', { timeout: 30_000 }, () => {
  it('an optometrist records a prescription, sees it, edits it; values are normalised', async () => {
    const s = await shop('optometrista');
    const form = await get(s.host, `/prescriptions/new?patientId=${s.patient.id}`, { headers: { Cookie: s.cookie } });
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain('María Peña Núñez');
    expect(formHtml).toMatch(new RegExp(`<option value="${s.user.id}" selected`)); // the optometrist preselected

    const created = await postForm(s.host, '/prescriptions', validForm(s.patient.id, { optometristId: s.user.id }), {
      Cookie: s.cookie,
    });
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/prescriptions\/[0-9a-f-]{36}\?notice=created$/);
    const [row] = await s.db.select().from(prescriptions);
    expect(row).toMatchObject({
      patientId: s.patient.id,
      branchId: s.branch.id,
      optometristId: s.user.id,
      examinedOn: '2024-06-01',
      odSphere: '1.25',
      odCylinder: '-0.50',
      odAxis: 90,
      odAdd: '2.00',
      oiPrismBase: 'in',
      pd: '62.5',
      icd10Codes: ['H52.1', 'H52.2'],
      createdBy: s.user.id,
    });

    const detail = await (await get(s.host, location, { headers: { Cookie: s.cookie } })).text();
    expect(detail).toContain('Receta guardada.');
    expect(detail).toContain('+1.25');
    expect(detail).toContain('-0.50');
    expect(detail).toContain('90°');
    expect(detail).toContain('Adentro');
    expect(detail).toContain('H52.1, H52.2');
    expect(detail).toContain('01/06/2025'); // valid until

    const edit = await get(s.host, `/prescriptions/${row!.id}/edit`, { headers: { Cookie: s.cookie } });
    expect(await edit.text()).toContain('value="+1.25"');
    const saved = await postForm(
      s.host,
      `/prescriptions/${row!.id}/edit`,
      validForm(s.patient.id, {
        optometristId: '',
        optometristName: 'Dra. Externa',
        odSphere: '-2.00',
        odCylinder: '',
        odAxis: '',
      }),
      { Cookie: s.cookie },
    );
    expect(saved.status).toBe(303);
    const [after] = await s.db.select().from(prescriptions);
    expect(after).toMatchObject({
      id: row!.id,
      odSphere: '-2.00',
      odCylinder: null,
      odAxis: null,
      optometristId: null,
      optometristName: 'Dra. Externa',
    });
  });

  it('refuses invalid values with each message beside its field (422) and writes nothing', async () => {
    const s = await shop('optometrista');
    const response = await postForm(
      s.host,
      '/prescriptions',
      validForm(s.patient.id, {
        optometristName: 'Dr. X',
        odSphere: '+1.30',
        odCylinder: '-0.50',
        odAxis: '',
        oiAxis: '45',
        pd: '64',
        oiPrismBase: '',
        odVaCc: '20/5',
        examinedOn: '2999-01-01',
        icd10Codes: 'H52.1, ZZ',
      }),
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Revise los campos marcados.');
    const errorOf = (field: string) => new RegExp(`id="field-${field}-error">([^<]*)<`).exec(html)?.[1];
    expect(errorOf('odSphere')).toBe('La esfera debe estar entre -20.00 y +19.75 D, en pasos de 0.25.');
    expect(errorOf('odAxis')).toBe('Indique el eje: hay cilindro.');
    expect(errorOf('oiAxis')).toBe('El eje solo se indica cuando hay cilindro.');
    expect(errorOf('pd')).toBe('Las DP monoculares suman 62.5 mm y la binocular es 64.0 mm: deben coincidir.');
    expect(errorOf('oiPrismBase')).toBe('Indique la base del prisma.');
    expect(errorOf('odVaCc')).toBe('Escriba la agudeza visual como 20/x, con x entre 10 y 400.');
    expect(errorOf('examinedOn')).toBe('La fecha del examen no puede ser futura.');
    expect(errorOf('icd10Codes')).toBe('Código CIE-10 no válido: ZZ.');
    expect(html).toMatch(/id="field-odSphere"[^>]*aria-invalid="true"/);
    expect(html).toContain('value="+1.30"'); // what was typed comes back
    expect(await s.db.select().from(prescriptions)).toEqual([]);
  });

  it('refuses a branch the user may not work in and an unknown optometrist', async () => {
    const s = await shop('optometrista');
    const [other] = await s.db.insert(branches).values({ code: 'STI', name: 'Santiago' }).returning();
    const wrongBranch = await postForm(
      s.host,
      '/prescriptions',
      validForm(s.patient.id, { optometristName: 'X', branchId: other!.id }),
      { Cookie: s.cookie },
    );
    expect(wrongBranch.status).toBe(422);
    expect(await wrongBranch.text()).toContain('Elija una sucursal en la que pueda trabajar.');
    const ghost = await postForm(
      s.host,
      '/prescriptions',
      validForm(s.patient.id, { optometristId: crypto.randomUUID() }),
      { Cookie: s.cookie },
    );
    expect(ghost.status).toBe(422);
    expect(await ghost.text()).toContain('Ese usuario no existe o no está activo.');
    expect(await s.db.select().from(prescriptions)).toEqual([]);
  });

  it('picks the patient by search, without JavaScript and as an htmx fragment', async () => {
    const s = await shop('optometrista');
    const picker = await (await get(s.host, '/prescriptions/new?q=maria', { headers: { Cookie: s.cookie } })).text();
    expect(picker).toContain(`/prescriptions/new?patientId=${s.patient.id}`);
    const fragment = await get(s.host, '/prescriptions/patients?q=pena', {
      headers: { Cookie: s.cookie, 'HX-Request': 'true' },
    });
    const fragmentHtml = await fragment.text();
    expect(fragmentHtml).not.toContain('<html');
    expect(fragmentHtml).toContain('María Peña Núñez');
    expect(
      (await get(s.host, `/prescriptions/new?patientId=${crypto.randomUUID()}`, { headers: { Cookie: s.cookie } }))
        .status,
    ).toBe(404);
    expect((await get(s.host, '/prescriptions/new?patientId=nope', { headers: { Cookie: s.cookie } })).status).toBe(
      404,
    );
  });

  it('lists newest first with search and keyset pages in one round trip', async () => {
    const s = await shop('ventas');
    const [other] = await s.db.insert(contacts).values({ name: 'José Rodríguez' }).returning();
    for (let day = 1; day <= 51; day++)
      await insertRx(s, { examinedOn: `2024-01-${String((day % 28) + 1).padStart(2, '0')}` });
    const newest = await insertRx({ ...s, patient: other! }, { examinedOn: '2024-12-31', odSphere: '-3.25' });
    let html = '';
    const trips = await countRoundTrips(`optiflow_${s.tenant.id}`, async () => {
      html = await (await get(s.host, '/prescriptions', { headers: { Cookie: s.cookie } })).text();
    });
    expect(trips).toBe(1);
    expect(html.indexOf('31/12/2024')).toBeGreaterThan(0);
    expect(html.indexOf(`/prescriptions/${newest.id}`)).toBeLessThan(html.indexOf('María Peña Núñez'));
    expect(html).toContain('-3.25');
    expect(html).not.toContain('Nueva receta'); // ventas reads only
    const next = /href="(\/prescriptions\?cursor=[^"]+)"/.exec(html)?.[1];
    expect(next).toBeTruthy();
    const page2 = await (await get(s.host, next!.replace(/&amp;/g, '&'), { headers: { Cookie: s.cookie } })).text();
    expect(page2.match(/<tr>/g)!.length - 1).toBe(2);

    const search = await (
      await get(s.host, '/prescriptions?q=jose', { headers: { Cookie: s.cookie, 'HX-Request': 'true' } })
    ).text();
    expect(search).not.toContain('<html');
    expect(search).toContain('José Rodríguez');
    expect(search).not.toContain('María');
  });

  it('shows the patient history with the last two side by side and the changes marked, in one round trip', async () => {
    const s = await shop('caja');
    await insertRx(s, { examinedOn: '2022-01-10', odSphere: '-0.50' });
    await insertRx(s, { examinedOn: '2023-02-10', odSphere: '-1.00', odCylinder: '-0.50', odAxis: 90, pd: '62.0' });
    await insertRx(s, {
      examinedOn: '2024-03-10',
      odSphere: '-1.25',
      odCylinder: '-0.50',
      odAxis: 90,
      pd: '63.0',
      oiAdd: '1.00',
    });
    let html = '';
    const trips = await countRoundTrips(`optiflow_${s.tenant.id}`, async () => {
      html = await (
        await get(s.host, `/contacts/${s.patient.id}/prescriptions`, { headers: { Cookie: s.cookie } })
      ).text();
    });
    expect(trips).toBe(1);
    expect(html).toContain('Historial de recetas de María Peña Núñez');
    expect(html).toContain('3 valores cambiaron.');
    expect(html.match(/rx-changed/g)?.length).toBe(3); // OD sphere, OI add, PD
    expect(html).toMatch(/class="number rx-changed">-1.25/);
    for (const date of ['10/01/2022', '10/02/2023', '10/03/2024']) expect(html).toContain(date);
    expect(
      (await get(s.host, `/contacts/${crypto.randomUUID()}/prescriptions`, { headers: { Cookie: s.cookie } })).status,
    ).toBe(404);
    expect((await get(s.host, '/contacts/nope/prescriptions', { headers: { Cookie: s.cookie } })).status).toBe(404);
  });

  it('prints the prescription and the certificado visual with the shop letterhead', async () => {
    const s = await shop('caja');
    await s.db.update(company).set({
      name: 'Óptica Visión Clara',
      rnc: '101850043',
      address: 'Av. Duarte 12, Santo Domingo',
      phones: '809-555-1234',
    });
    const rx = await insertRx(s, {
      examinedOn: '2024-03-10',
      odSphere: '-1.25',
      odCylinder: '-0.75',
      odAxis: 170,
      oiSphere: '2.00',
      odAdd: '1.50',
      diagnosis: 'Presbicia',
      recommendations: 'Lentes progresivos',
    });
    for (const path of [`/prescriptions/${rx.id}/print`, `/prescriptions/${rx.id}/certificate`]) {
      const response = await get(s.host, path, { headers: { Cookie: s.cookie } });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).not.toContain('app-nav');
      for (const text of [
        'Óptica Visión Clara',
        'RNC 101850043',
        'Av. Duarte 12',
        '809-555-1234',
        'María Peña Núñez',
        '10/03/2024',
        '-1.25',
        '-0.75',
        '170°',
        '+2.00',
        '+1.50',
        'Presbicia',
        'Lentes progresivos',
        '10/03/2025',
        'Dr. Externo',
        'data-print',
        '/static/app.js',
      ]) {
        expect(html, `${path}: ${text}`).toContain(text);
      }
    }
    const certificate = await (
      await get(s.host, `/prescriptions/${rx.id}/certificate`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(certificate).toContain('Certificado visual');
    expect(certificate).toContain('identificación 001-1391820-5');
  });

  it('caja reads but cannot create or edit (403)', async () => {
    const s = await shop('caja');
    const rx = await insertRx(s);
    expect((await get(s.host, '/prescriptions', { headers: { Cookie: s.cookie } })).status).toBe(200);
    expect((await get(s.host, `/prescriptions/${rx.id}`, { headers: { Cookie: s.cookie } })).status).toBe(200);
    expect((await get(s.host, '/prescriptions/new', { headers: { Cookie: s.cookie } })).status).toBe(403);
    expect((await get(s.host, `/prescriptions/${rx.id}/edit`, { headers: { Cookie: s.cookie } })).status).toBe(403);
    expect(
      (
        await postForm(s.host, '/prescriptions', validForm(s.patient.id, { optometristName: 'X' }), {
          Cookie: s.cookie,
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await postForm(s.host, `/prescriptions/${rx.id}/edit`, validForm(s.patient.id, { optometristName: 'X' }), {
          Cookie: s.cookie,
        })
      ).status,
    ).toBe(403);
    const created = await api(s.host, '/prescriptions', s.bearer, {
      method: 'POST',
      body: JSON.stringify({ patientId: s.patient.id, optometristName: 'X' }),
    });
    expect(created.status).toBe(403);
    expect(await s.db.select().from(prescriptions)).toHaveLength(1);
  });

  it('users without branches.all see only their branches’ prescriptions', async () => {
    const s = await shop('ventas');
    const [other] = await s.db.insert(branches).values({ code: 'STI', name: 'Santiago' }).returning();
    const mine = await insertRx(s, { examinedOn: '2024-02-01' });
    const theirs = await insertRx({ ...s, branch: other! }, { examinedOn: '2024-03-01' });
    const list = await (await get(s.host, '/prescriptions', { headers: { Cookie: s.cookie } })).text();
    expect(list).toContain(`/prescriptions/${mine.id}`);
    expect(list).not.toContain(`/prescriptions/${theirs.id}`);
    expect((await get(s.host, `/prescriptions/${theirs.id}`, { headers: { Cookie: s.cookie } })).status).toBe(404);
    expect((await get(s.host, `/prescriptions/${theirs.id}/print`, { headers: { Cookie: s.cookie } })).status).toBe(
      404,
    );
    const apiList = (await (await api(s.host, `/prescriptions?patientId=${s.patient.id}`, s.bearer)).json()) as {
      data: Array<{ id: string }>;
    };
    expect(apiList.data.map((p) => p.id)).toEqual([mine.id]);
    const owner = await signedIn(s.tenant.id, 'owner');
    const all = await (await get(s.host, '/prescriptions', { headers: { Cookie: owner.cookie } })).text();
    expect(all).toContain(`/prescriptions/${theirs.id}`);
  });

  it('keeps shops apart: another shop’s ids answer 404 in the UI and the API', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const rx = await insertRx(a);
    for (const path of [
      `/prescriptions/${rx.id}`,
      `/prescriptions/${rx.id}/edit`,
      `/prescriptions/${rx.id}/print`,
      `/prescriptions/${rx.id}/certificate`,
      `/contacts/${a.patient.id}/prescriptions`,
      `/prescriptions/new?patientId=${a.patient.id}`,
    ]) {
      expect((await get(b.host, path, { headers: { Cookie: b.cookie } })).status, path).toBe(404);
    }
    expect(
      (
        await postForm(b.host, `/prescriptions/${rx.id}/edit`, validForm(b.patient.id, { optometristName: 'X' }), {
          Cookie: b.cookie,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await postForm(b.host, '/prescriptions', validForm(a.patient.id, { optometristName: 'X' }), {
          Cookie: b.cookie,
        })
      ).status,
    ).toBe(404);
    expect(await (await get(b.host, '/prescriptions', { headers: { Cookie: b.cookie } })).text()).not.toContain(rx.id);
    expect((await api(b.host, `/prescriptions/${rx.id}`, b.bearer)).status).toBe(404);
    expect(
      (
        await api(b.host, `/prescriptions/${rx.id}`, b.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ odSphere: '-1.00' }),
        })
      ).status,
    ).toBe(404);
    expect((await api(b.host, `/contacts/${a.patient.id}/prescriptions`, b.bearer)).status).toBe(404);
    const created = await api(b.host, '/prescriptions', b.bearer, {
      method: 'POST',
      body: JSON.stringify({ patientId: a.patient.id, optometristName: 'X' }),
    });
    expect(created.status).toBe(422);
    expect(((await created.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'patientId', message: 'El paciente no existe.' },
    ]);
    expect((await api(b.host, '/prescriptions', b.bearer).then((r) => r.json())) as unknown).toEqual({
      data: [],
      nextCursor: null,
    });
    expect(await b.db.select().from(prescriptions)).toEqual([]);
    const [untouched] = await a.db.select().from(prescriptions).where(eq(prescriptions.id, rx.id));
    expect(untouched!.odSphere).toBeNull();
  });
});

describe('prescriptions API', { timeout: 30_000 }, () => {
  it('creates, reads, lists, patches and gives the patient history', async () => {
    const s = await shop('optometrista');
    const created = await api(s.host, '/prescriptions', s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        patientId: s.patient.id,
        optometristId: s.user.id,
        examinedOn: '2024-06-01',
        odSphere: -1.5,
        odCylinder: '-0,75',
        odAxis: 180,
        odPd: 31.5,
        oiPd: '31.0',
        pd: 62.5,
        icd10Codes: ['h52.1'],
      }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, any>;
    expect(body).toMatchObject({
      patient: { id: s.patient.id, name: 'María Peña Núñez' },
      branch: { id: s.branch.id },
      optometrist: { id: s.user.id, name: 'Usuario optometrista' },
      examinedOn: '2024-06-01',
      validUntil: '2025-06-01',
      od: { sphere: '-1.50', cylinder: '-0.75', axis: 180, pd: '31.5' },
      oi: { pd: '31.0', sphere: null },
      pd: '62.5',
      icd10Codes: ['H52.1'],
    });
    const id = body.id as string;
    expect(((await (await api(s.host, `/prescriptions/${id}`, s.bearer)).json()) as { id: string }).id).toBe(id);

    const patched = await api(s.host, `/prescriptions/${id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ oiSphere: '+0.25', odCylinder: null, odAxis: null, notes: 'Control' }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      od: { sphere: '-1.50', cylinder: null, axis: null },
      oi: { sphere: '0.25' },
      notes: 'Control',
      pd: '62.5',
    });

    const refused = await api(s.host, `/prescriptions/${id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ oiCylinder: '-1.00' }),
    });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'oiAxis', message: 'Indique el eje: hay cilindro.' },
    ]);
    const [stored] = await s.db.select().from(prescriptions);
    expect(stored!.oiCylinder).toBeNull();

    await insertRx(s, { examinedOn: '2023-01-01' });
    const list = (await (await api(s.host, `/prescriptions?patientId=${s.patient.id}&limit=1`, s.bearer)).json()) as {
      data: Array<{ id: string }>;
      nextCursor: string;
    };
    expect(list.data.map((p) => p.id)).toEqual([id]);
    const page2 = (await (
      await api(s.host, `/prescriptions?patientId=${s.patient.id}&limit=1&cursor=${list.nextCursor}`, s.bearer)
    ).json()) as { data: Array<{ examinedOn: string }>; nextCursor: null };
    expect(page2).toMatchObject({ data: [{ examinedOn: '2023-01-01' }], nextCursor: null });
    expect((await api(s.host, '/prescriptions?cursor=garbage', s.bearer)).status).toBe(422);

    const history = (await (await api(s.host, `/contacts/${s.patient.id}/prescriptions`, s.bearer)).json()) as {
      data: Array<{ examinedOn: string }>;
    };
    expect(history.data.map((p) => p.examinedOn)).toEqual(['2024-06-01', '2023-01-01']);
    expect((await api(s.host, '/prescriptions/nope', s.bearer)).status).toBe(404);
    expect((await api(s.host, `/prescriptions/${crypto.randomUUID()}`, s.bearer)).status).toBe(404);
  });

  it('answers invalid bodies with 422 problem+json listing every field, and writes nothing', async () => {
    const s = await shop('admin');
    const response = await api(s.host, '/prescriptions', s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        patientId: s.patient.id,
        optometristName: 'Dr. X',
        odSphere: '-20.25',
        odAxis: 90,
        oiAdd: '5',
        oiPrism: '1',
        nextVisitOn: '2020-01-01',
        examinedOn: '2024-01-01',
        odIop: 3,
      }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; errors: Array<{ field: string; message: string }> };
    expect(problem.code).toBe('validation');
    expect(Object.fromEntries(problem.errors.map((error) => [error.field, error.message]))).toEqual({
      odSphere: 'La esfera debe estar entre -20.00 y +19.75 D, en pasos de 0.25.',
      odAxis: 'El eje solo se indica cuando hay cilindro.',
      oiAdd: 'La adición debe estar entre +0.75 y +3.50 D, en pasos de 0.25.',
      oiPrismBase: 'Indique la base del prisma.',
      nextVisitOn: 'La próxima visita debe ser posterior a la fecha del examen.',
      odIop: 'La presión intraocular debe estar entre 5 y 60 mmHg.',
    });
    expect(await s.db.select().from(prescriptions)).toEqual([]);
  });

  it('is described in the OpenAPI document', () => {
    // The module's own document (the shop-wide /api/v1/openapi.json merges every area's routes).
    const document = prescriptionsApi.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'prescriptions', version: '1' },
    }) as unknown as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(document.components.schemas.PrescriptionCreate!.properties)).toEqual(
      expect.arrayContaining(['patientId', 'odSphere', 'oiAxis', 'pd', 'icd10Codes']),
    );
    expect(Object.keys(document.components.schemas.PrescriptionPatch!.properties)).not.toContain('patientId');
    expect(Object.keys(document.paths['/prescriptions']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(document.paths['/prescriptions/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch']));
    expect(document.paths['/contacts/{id}/prescriptions']).toHaveProperty('get');
  });
});
