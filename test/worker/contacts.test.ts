/**
 * Contacts in the browser UI and the JSON API: identification rules (check digits, DGII registry),
 * registry autofill, duplicates (including a race), archive/delete, permissions and shop isolation.
 * Registry rows are inserted into the central dgii_taxpayers with numbers starting 98/998 (the
 * sample generator never makes them) and removed after each test; `sync:dgii` may swap the table
 * meanwhile (test/node/dgii.test.ts), so rows are inserted right before the request that needs them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { contacts } from '../../src/db/tenant-schema';
import { isValidCedula, isValidRnc, rncCheckDigit } from '../../src/domain/tax-id';
import { get, platform, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { shop } from '../support/worker/shop';

const registryRows = new Set<string>();

afterEach(async () => {
  if (!registryRows.size) return;
  const { centralSql } = await platform();
  await centralSql`DELETE FROM dgii_taxpayers WHERE tax_id = ANY(${[...registryRows]}::text[])`;
  registryRows.clear();
});

async function inRegistry(taxId: string, name: string, status = 'ACTIVO') {
  registryRows.add(taxId);
  const { centralSql } = await platform();
  await centralSql`INSERT INTO dgii_taxpayers (tax_id, name, status) VALUES (${taxId}, ${name}, ${status}) ON CONFLICT (tax_id) DO UPDATE SET name = excluded.name, status = excluded.status`;
}

function digits(count: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(count)), (byte) => byte % 10).join('');
}

function luhnDigit(first10: string): number {
  for (let check = 0; check < 10; check++) if (isValidCedula(`${first10}${check}`)) return check;
  throw new Error('unreachable');
}

/** A cédula starting 998 whose check digit is right (valid) or wrong (invalid). */
function cedula(valid = true): string {
  const first10 = `998${digits(7)}`;
  const check = luhnDigit(first10);
  return `${first10}${valid ? check : (check + 1) % 10}`;
}

function rnc(valid = true): string {
  const first8 = `98${digits(6)}`;
  const check = rncCheckDigit(first8);
  return `${first8}${valid ? check : (check % 9) + 1}`;
}

const dashed = (cedulaDigits: string) => `${cedulaDigits.slice(0, 3)}-${cedulaDigits.slice(3, 10)}-${cedulaDigits[10]}`;

async function contactRows(db: Awaited<ReturnType<typeof shop>>['db']) {
  return db.select().from(contacts);
}

describe('contacts UI', () => {
  it('creates a patient by cédula with the name from the registry, shows it formatted, edits it', async () => {
    const { host, cookie, db } = await shop('ventas');
    const id = cedula();
    await inRegistry(id, 'MARÍA PEÑA NÚÑEZ');

    const form = await get(host, '/contacts/new', { headers: { Cookie: cookie } });
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain('hx-get="/contacts/registry"');
    expect(formHtml).toContain('keyup changed delay:400ms, change');

    const created = await postForm(
      host,
      '/contacts',
      {
        kind: 'customer',
        idType: 'cedula',
        idNumber: dashed(id),
        name: '',
        phone: '(809) 555-1234',
        birthDate: '1985-04-23',
        gender: 'F',
      },
      { Cookie: cookie },
    );
    expect(created.status).toBe(303);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/contacts\/[0-9a-f-]{36}\?notice=created$/);
    const [row] = await contactRows(db);
    expect(row).toMatchObject({
      idType: 'cedula',
      idNumber: id,
      name: 'MARÍA PEÑA NÚÑEZ',
      phone: '8095551234',
      birthDate: '1985-04-23',
      gender: 'F',
      kind: 'customer',
    });

    const page = await get(host, location, { headers: { Cookie: cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Contacto creado.');
    expect(html).toContain(dashed(id));
    expect(html).toContain('(809) 555-1234');

    const edited = await postForm(
      host,
      `/contacts/${row!.id}`,
      { kind: 'customer', idType: 'cedula', idNumber: id, name: 'María Peña', email: 'MARIA@Example.test', phone: '' },
      { Cookie: cookie },
    );
    expect(edited.status).toBe(303);
    expect((await contactRows(db))[0]).toMatchObject({ name: 'María Peña', email: 'maria@example.test', phone: null });
  });

  it('answers the registry lookup with the name (filling the name field out of band) or a hint', async () => {
    const { host, cookie } = await shop('caja');
    const id = rnc(false); // fails its check digit, but it is registered
    await inRegistry(id, 'ÓPTICA LOS ÁNGELES, SRL', 'SUSPENDIDO');
    const lookup = (params: Record<string, string>) =>
      get(host, `/contacts/registry?${new URLSearchParams(params)}`, {
        headers: { Cookie: cookie, 'HX-Request': 'true' },
      });

    const found = await (await lookup({ idType: 'rnc', idNumber: id, name: '' })).text();
    expect(found).toContain('ÓPTICA LOS ÁNGELES, SRL');
    expect(found).toContain('SUSPENDIDO');
    expect(found).toMatch(/id="name-field" hx-swap-oob="true"/);
    expect(found).toContain('value="ÓPTICA LOS ÁNGELES, SRL"');

    const typedName = await (await lookup({ idType: 'rnc', idNumber: id, name: 'Mi nombre' })).text();
    expect(typedName).toContain('ÓPTICA LOS ÁNGELES, SRL');
    expect(typedName).not.toContain('hx-swap-oob');

    const previousFill = await (
      await lookup({ idType: 'rnc', idNumber: id, name: 'OTRO', registryName: 'OTRO' })
    ).text();
    expect(previousFill).toContain('hx-swap-oob');

    expect(await (await lookup({ idType: 'cedula', idNumber: '001-13' })).text()).toContain('Siga escribiendo');
    expect(await (await lookup({ idType: 'cedula', idNumber: cedula(true) })).text()).toContain(
      'No está en el registro',
    );
    expect(await (await lookup({ idType: 'cedula', idNumber: cedula(false) })).text()).toContain(
      'La cédula no es válida (dígito verificador)',
    );
    expect(await (await lookup({ idType: 'pasaporte', idNumber: 'AB12345' })).text()).not.toContain('registro');
  });

  it('rejects a wrong check digit unless the registry has the number; 422 with nothing written', async () => {
    const { host, cookie, db } = await shop();
    const bad = cedula(false);
    const rejected = await postForm(
      host,
      '/contacts',
      { kind: 'customer', idType: 'cedula', idNumber: bad, name: 'Juan' },
      { Cookie: cookie },
    );
    expect(rejected.status).toBe(422);
    const html = await rejected.text();
    expect(html).toContain('La cédula no es válida');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain(`value="${bad}"`); // the form keeps what was typed
    expect(await contactRows(db)).toEqual([]);

    await inRegistry(bad, 'JUAN REGISTRADO');
    const accepted = await postForm(
      host,
      '/contacts',
      { kind: 'customer', idType: 'cedula', idNumber: bad, name: 'Juan' },
      { Cookie: cookie },
    );
    expect(accepted.status).toBe(303);
    expect((await contactRows(db)).map((row) => row.idNumber)).toEqual([bad]);
  });

  it('answers 422 with field messages for bad input on the create and edit forms, writing nothing', async () => {
    const { host, cookie, db } = await shop();
    const cases: Array<[Record<string, string>, string]> = [
      [{ kind: 'customer', name: '' }, 'name'],
      [{ kind: 'alien', name: 'X' }, 'kind'],
      [{ kind: 'customer', name: 'X', email: 'no-es-correo' }, 'email'],
      [{ kind: 'customer', name: 'X', phone: '12' }, 'phone'],
      [{ kind: 'customer', name: 'X', birthDate: '31/02/1990' }, 'birthDate'],
      [{ kind: 'customer', name: 'X', birthDate: '2999-01-01' }, 'birthDate'],
      [{ kind: 'customer', name: 'X', idType: 'cedula', idNumber: '123' }, 'idNumber'],
      [{ kind: 'customer', name: 'X', idType: '', idNumber: '00113918205' }, 'idType'],
      [{ kind: 'customer', name: 'X', idType: 'rnc', idNumber: '' }, 'idNumber'],
      [{ kind: 'customer', name: 'X', idType: 'pasaporte', idNumber: 'A!' }, 'idNumber'],
      [{ kind: 'customer', name: 'X', gender: 'Q' }, 'gender'],
    ];
    for (const [fields, field] of cases) {
      const response = await postForm(host, '/contacts', fields, { Cookie: cookie });
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text(), JSON.stringify(fields)).toMatch(new RegExp(`id="field-${field}-error"`));
    }
    expect(await contactRows(db)).toEqual([]);

    const [existing] = await db.insert(contacts).values({ name: 'Original', kind: 'supplier' }).returning();
    for (const [fields, field] of [
      [{ kind: 'supplier', name: '' }, 'name'],
      [{ kind: 'supplier', name: 'Nuevo', email: 'x' }, 'email'],
    ] as const) {
      const bad = await postForm(host, `/contacts/${existing!.id}`, fields, { Cookie: cookie });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain(`id="field-${field}-error"`);
    }
    expect((await contactRows(db))[0]).toMatchObject({ name: 'Original', email: null, kind: 'supplier' });
  });

  it('refuses a duplicate identification with a link to the existing contact', async () => {
    const { host, cookie, db } = await shop();
    const id = cedula();
    const first = await postForm(
      host,
      '/contacts',
      { kind: 'customer', idType: 'cedula', idNumber: id, name: 'Primero' },
      { Cookie: cookie },
    );
    const firstId = first.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const duplicate = await postForm(
      host,
      '/contacts',
      { kind: 'supplier', idType: 'cedula', idNumber: dashed(id), name: 'Segundo' },
      { Cookie: cookie },
    );
    expect(duplicate.status).toBe(422);
    const html = await duplicate.text();
    expect(html).toContain('Ya existe un contacto con esta identificación.');
    expect(html).toContain(`href="/contacts/${firstId}"`);
    expect(html).toContain('Ver Primero');
    expect(await contactRows(db)).toHaveLength(1);

    // Editing another contact to that number: the same message.
    const [other] = await db.insert(contacts).values({ name: 'Otro' }).returning();
    const edit = await postForm(
      host,
      `/contacts/${other!.id}`,
      { kind: 'customer', idType: 'cedula', idNumber: id, name: 'Otro' },
      { Cookie: cookie },
    );
    expect(edit.status).toBe(422);
    expect(await edit.text()).toContain(`href="/contacts/${firstId}"`);
  });

  it('archives, hides from the list, restores and deletes (contacts.archive)', async () => {
    const { host, cookie, db } = await shop('admin');
    const [contact] = await db.insert(contacts).values({ name: 'Zoila Archivable' }).returning();
    const archive = await postForm(host, `/contacts/${contact!.id}/archive`, {}, { Cookie: cookie });
    expect(archive.status).toBe(303);
    expect((await contactRows(db))[0]!.archivedAt).not.toBeNull();
    expect(await (await get(host, '/contacts', { headers: { Cookie: cookie } })).text()).not.toContain(
      'Zoila Archivable',
    );
    expect(await (await get(host, '/contacts?archived=true', { headers: { Cookie: cookie } })).text()).toContain(
      'Zoila Archivable',
    );
    expect(await (await get(host, `/contacts/${contact!.id}`, { headers: { Cookie: cookie } })).text()).toContain(
      'Restaurar',
    );

    expect((await postForm(host, `/contacts/${contact!.id}/unarchive`, {}, { Cookie: cookie })).status).toBe(303);
    expect((await contactRows(db))[0]!.archivedAt).toBeNull();

    const deleted = await postForm(host, `/contacts/${contact!.id}/delete`, {}, { Cookie: cookie });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/contacts');
    expect(await contactRows(db)).toEqual([]);
    expect((await postForm(host, `/contacts/${contact!.id}/delete`, {}, { Cookie: cookie })).status).toBe(404);
  });

  it('lets sales staff manage but not archive or delete; hides those buttons', async () => {
    const { host, cookie, db } = await shop('ventas');
    const [contact] = await db.insert(contacts).values({ name: 'Cliente Fijo' }).returning();
    const page = await (await get(host, `/contacts/${contact!.id}`, { headers: { Cookie: cookie } })).text();
    expect(page).not.toContain('/archive"');
    expect(page).not.toContain('/delete"');
    expect((await postForm(host, `/contacts/${contact!.id}/archive`, {}, { Cookie: cookie })).status).toBe(403);
    expect((await postForm(host, `/contacts/${contact!.id}/delete`, {}, { Cookie: cookie })).status).toBe(403);
    expect(await contactRows(db)).toHaveLength(1);
  });

  it('answers 404 for malformed and unknown ids', async () => {
    const { host, cookie } = await shop();
    for (const path of ['/contacts/not-a-uuid', `/contacts/${crypto.randomUUID()}`]) {
      expect((await get(host, path, { headers: { Cookie: cookie } })).status, path).toBe(404);
      expect((await postForm(host, path, { kind: 'customer', name: 'X' }, { Cookie: cookie })).status, path).toBe(404);
      expect((await postForm(host, `${path}/archive`, {}, { Cookie: cookie })).status, path).toBe(404);
      expect((await postForm(host, `${path}/delete`, {}, { Cookie: cookie })).status, path).toBe(404);
    }
  });
});

describe('contacts API', () => {
  it('creates, reads, changes, archives and deletes a contact', async () => {
    const { host, bearer } = await shop('admin');
    const id = rnc();
    await inRegistry(id, 'LABORATORIO ÓPTICO DEL CARIBE, SRL');
    const created = await api(host, '/contacts', bearer, {
      method: 'POST',
      body: JSON.stringify({
        kind: 'supplier',
        idType: 'rnc',
        idNumber: `${id[0]}-${id.slice(1, 3)}-${id.slice(3, 8)}-${id[8]}`,
        email: 'LAB@caribe.test',
      }),
    });
    expect(created.status).toBe(201);
    const contact = (await created.json()) as Record<string, unknown>;
    expect(contact).toMatchObject({
      kind: 'supplier',
      idType: 'rnc',
      idNumber: id,
      name: 'LABORATORIO ÓPTICO DEL CARIBE, SRL',
      email: 'lab@caribe.test',
      archived: false,
    });
    expect(contact.idNumberFormatted).toBe(`${id[0]}-${id.slice(1, 3)}-${id.slice(3, 8)}-${id[8]}`);

    const read = await api(host, `/contacts/${contact.id}`, bearer);
    expect(await read.json()).toEqual(contact);

    const patched = await api(host, `/contacts/${contact.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ phone: '809 555 0000', archived: true }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      phone: '8095550000',
      archived: true,
      kind: 'supplier',
      name: 'LABORATORIO ÓPTICO DEL CARIBE, SRL',
    });
    const active = (await (await api(host, '/contacts', bearer)).json()) as { data: unknown[] };
    expect(active.data).toEqual([]);
    const archived = (await (await api(host, '/contacts?archived=true', bearer)).json()) as {
      data: Array<{ id: string }>;
    };
    expect(archived.data.map((row) => row.id)).toEqual([contact.id]);

    const deleted = await api(host, `/contacts/${contact.id}`, bearer, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await api(host, `/contacts/${contact.id}`, bearer)).status).toBe(404);
  });

  it('answers 422 problem+json for bad input and writes nothing', async () => {
    const { host, bearer, db } = await shop();
    const bodies: Array<[unknown, string]> = [
      [{ kind: 'customer' }, 'name'],
      [{ name: 'X', kind: 'alien' }, 'kind'],
      [{ name: 'X', email: 'nope' }, 'email'],
      [{ name: 'X', idType: 'cedula', idNumber: cedula(false) }, 'idNumber'],
      [{ name: 'X', idType: 'rnc', idNumber: '12345' }, 'idNumber'],
      [{ name: 'X', idNumber: '00113918205' }, 'idType'],
      [{ name: 'X', birthDate: '1990-13-01' }, 'birthDate'],
      [{ name: 12 }, 'name'],
    ];
    for (const [body, field] of bodies) {
      const response = await api(host, '/contacts', bearer, { method: 'POST', body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { errors: Array<{ field: string }> };
      expect(
        problem.errors.map((error) => error.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect(await contactRows(db)).toEqual([]);

    const [contact] = await db.insert(contacts).values({ name: 'Sin cambios' }).returning();
    const patch = await api(host, `/contacts/${contact!.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ name: '', email: 'x' }),
    });
    expect(patch.status).toBe(422);
    const badType = await api(host, `/contacts/${contact!.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ idType: 'cedula' }),
    });
    expect(badType.status).toBe(422);
    expect((await api(host, '/contacts?cursor=garbage', bearer)).status).toBe(422);
    expect((await contactRows(db))[0]).toMatchObject({ name: 'Sin cambios', email: null, idType: null });
  });

  it('answers 409 for a duplicate identification, naming the existing contact', async () => {
    const { host, bearer } = await shop();
    const id = cedula();
    const first = (await (
      await api(host, '/contacts', bearer, {
        method: 'POST',
        body: JSON.stringify({ name: 'Uno', idType: 'cedula', idNumber: id }),
      })
    ).json()) as { id: string };
    const duplicate = await api(host, '/contacts', bearer, {
      method: 'POST',
      body: JSON.stringify({ name: 'Dos', idType: 'cedula', idNumber: dashed(id) }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await duplicate.json()) as { detail: string; code: string; errors: Array<{ field: string }> };
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toContain(first.id);
    expect(problem.errors.map((error) => error.field)).toEqual(['idNumber']);

    const second = (await (
      await api(host, '/contacts', bearer, { method: 'POST', body: JSON.stringify({ name: 'Dos' }) })
    ).json()) as { id: string };
    const patch = await api(host, `/contacts/${second.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ idType: 'cedula', idNumber: id }),
    });
    expect(patch.status).toBe(409);
    expect(((await patch.json()) as { detail: string }).detail).toContain(first.id);
  });

  it('lets exactly one of two simultaneous creates of one cédula succeed (UI and API)', async () => {
    const { host, bearer, cookie, db } = await shop();
    for (let round = 0; round < 4; round++) {
      const id = cedula();
      const [viaApi, viaApi2, viaUi] = await Promise.all([
        api(host, '/contacts', bearer, {
          method: 'POST',
          body: JSON.stringify({ name: `A${round}`, idType: 'cedula', idNumber: id }),
        }),
        api(host, '/contacts', bearer, {
          method: 'POST',
          body: JSON.stringify({ name: `B${round}`, idType: 'cedula', idNumber: dashed(id) }),
        }),
        postForm(
          host,
          '/contacts',
          { kind: 'customer', name: `C${round}`, idType: 'cedula', idNumber: id },
          { Cookie: cookie },
        ),
      ]);
      const statuses = [viaApi.status, viaApi2.status, viaUi.status];
      expect(
        statuses.filter((status) => status === 201 || status === 303),
        String(statuses),
      ).toHaveLength(1);
      expect(
        statuses.filter((status) => status === 409 || status === 422),
        String(statuses),
      ).toHaveLength(2);
      expect(await db.select().from(contacts).where(eq(contacts.idNumber, id))).toHaveLength(1);
    }
  });

  it('enforces contacts.archive for delete and for archiving through PATCH', async () => {
    const { host, bearer, db } = await shop('optometrista');
    const [contact] = await db.insert(contacts).values({ name: 'Paciente' }).returning();
    expect((await api(host, `/contacts/${contact!.id}`, bearer, { method: 'DELETE' })).status).toBe(403);
    expect(
      (
        await api(host, `/contacts/${contact!.id}`, bearer, {
          method: 'PATCH',
          body: JSON.stringify({ archived: true }),
        })
      ).status,
    ).toBe(403);
    const ok = await api(host, `/contacts/${contact!.id}`, bearer, {
      method: 'PATCH',
      body: JSON.stringify({ notes: 'Usa lentes de contacto' }),
    });
    expect(ok.status).toBe(200);
    expect((await contactRows(db))[0]).toMatchObject({ notes: 'Usa lentes de contacto', archivedAt: null });
    for (const path of ['/contacts/nope', `/contacts/${crypto.randomUUID()}`]) {
      expect((await api(host, path, bearer)).status, path).toBe(404);
      expect((await api(host, path, bearer, { method: 'PATCH', body: '{}' })).status, path).toBe(404);
    }
  });
});

describe('contacts isolation between shops', () => {
  it('never shows or changes a contact of another shop (UI and API)', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const id = cedula();
    const [contact] = await a.db
      .insert(contacts)
      .values({ name: 'Secreto de A', idType: 'cedula', idNumber: id, phone: '8095550101' })
      .returning();

    // UI of shop B
    for (const query of ['', '?q=Secreto', `?q=${id}`, '?q=809555', '?archived=all']) {
      expect(
        await (await get(b.host, `/contacts${query}`, { headers: { Cookie: b.cookie } })).text(),
        query,
      ).not.toContain('Secreto de A');
    }
    expect((await get(b.host, `/contacts/${contact!.id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect(
      (await postForm(b.host, `/contacts/${contact!.id}`, { kind: 'customer', name: 'Cambiado' }, { Cookie: b.cookie }))
        .status,
    ).toBe(404);
    expect((await postForm(b.host, `/contacts/${contact!.id}/archive`, {}, { Cookie: b.cookie })).status).toBe(404);
    expect((await postForm(b.host, `/contacts/${contact!.id}/delete`, {}, { Cookie: b.cookie })).status).toBe(404);
    // A's session cookie means nothing on B's host.
    expect(
      (await get(b.host, `/contacts/${contact!.id}`, { headers: { Cookie: a.cookie }, redirect: 'manual' })).status,
    ).toBe(303);

    // API of shop B, and A's token on B
    const list = (await (await api(b.host, '/contacts?archived=all', b.bearer)).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    expect((await api(b.host, `/contacts/${contact!.id}`, b.bearer)).status).toBe(404);
    expect(
      (
        await api(b.host, `/contacts/${contact!.id}`, b.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ name: 'X' }),
        })
      ).status,
    ).toBe(404);
    expect((await api(b.host, `/contacts/${contact!.id}`, b.bearer, { method: 'DELETE' })).status).toBe(404);
    expect((await api(b.host, `/contacts/${contact!.id}`, a.bearer)).status).toBe(401);

    // The same cédula is free in shop B: uniqueness is per shop.
    const same = await api(b.host, '/contacts', b.bearer, {
      method: 'POST',
      body: JSON.stringify({ name: 'Cliente de B', idType: 'cedula', idNumber: id }),
    });
    expect(same.status).toBe(201);
    expect(await contactRows(a.db)).toMatchObject([{ name: 'Secreto de A', archivedAt: null }]);
  });
});

// Keep the generators honest.
it('generates valid and invalid identifications as intended', () => {
  expect(isValidCedula(cedula(true))).toBe(true);
  expect(isValidCedula(cedula(false))).toBe(false);
  expect(isValidRnc(rnc(true))).toBe(true);
  expect(isValidRnc(rnc(false))).toBe(false);
});
