/** Contact search (name with any accents/case, identification, phone), keyset pagination and round trips. */
import { describe, expect, it } from 'vitest';
import { SELF } from 'cloudflare:test';
import { contacts } from '../../src/db/tenant-schema';
import { foldText, listContacts, parseContactSearch } from '../../src/queries/contacts';
import { countQueries, get } from '../support/worker/helpers';
import { shop, type TestDb } from '../support/worker/shop';

async function seed(db: TestDb) {
  return db
    .insert(contacts)
    .values([
      { name: 'José Núñez Peña', idType: 'cedula', idNumber: '00113918205', phone: '8095551234' },
      { name: 'JOSEFINA ARIAS', idType: 'rnc', idNumber: '101850043', mobile: '8295550000' },
      { name: 'Pedro Martínez', idType: 'pasaporte', idNumber: 'PA1234567', phone: '8495550001' },
      { name: 'Ángela Gómez', phone: '8095559999', kind: 'supplier' },
      { name: 'Angélica Duarte', kind: 'optometrist' },
      { name: 'Jose Antonio Archivado', archivedAt: new Date() },
    ])
    .returning();
}

/** Names found, sorted here: these tests check what is found; the list's own order has its test below. */
const names = (page: { rows: Array<{ name: string }> }) => page.rows.map((row) => row.name).sort();

describe('contact search', () => {
  it('finds names whatever the accents and the case', async () => {
    const { db } = await shop('ventas');
    await seed(db);
    expect(names(await listContacts(db, { q: 'jose' }))).toEqual(['JOSEFINA ARIAS', 'José Núñez Peña']);
    expect(names(await listContacts(db, { q: 'JOSÉ' }))).toEqual(['JOSEFINA ARIAS', 'José Núñez Peña']);
    expect(names(await listContacts(db, { q: 'nunez' }))).toEqual(['José Núñez Peña']);
    expect(names(await listContacts(db, { q: 'peña josé' }))).toEqual(['José Núñez Peña']);
    expect(names(await listContacts(db, { q: 'angel' }))).toEqual(['Angélica Duarte', 'Ángela Gómez']);
    expect(names(await listContacts(db, { q: 'martinez' }))).toEqual(['Pedro Martínez']);
    expect(names(await listContacts(db, { q: 'jose', archived: 'all' }))).toEqual([
      'JOSEFINA ARIAS',
      'Jose Antonio Archivado',
      'José Núñez Peña',
    ]);
    expect(names(await listContacts(db, { q: 'angel', kind: 'optometrist' }))).toEqual(['Angélica Duarte']);
    expect(names(await listContacts(db, { q: 'zzz' }))).toEqual([]);
    expect(names(await listContacts(db, { q: 'a.*(' }))).toEqual([]); // regex characters are literal
  });

  it('finds by cédula/RNC digits with or without dashes, by passport and by phone prefix', async () => {
    const { db } = await shop('ventas');
    await seed(db);
    expect(names(await listContacts(db, { q: '001-1391820-5' }))).toEqual(['José Núñez Peña']);
    expect(names(await listContacts(db, { q: '00113918205' }))).toEqual(['José Núñez Peña']);
    expect(names(await listContacts(db, { q: '001-139' }))).toEqual(['José Núñez Peña']);
    expect(names(await listContacts(db, { q: '1-01-85004-3' }))).toEqual(['JOSEFINA ARIAS']);
    expect(names(await listContacts(db, { q: 'pa1234567' }))).toEqual(['Pedro Martínez']);
    expect(names(await listContacts(db, { q: '(809) 555' }))).toEqual(['José Núñez Peña', 'Ángela Gómez']);
    expect(names(await listContacts(db, { q: '829-555' }))).toEqual(['JOSEFINA ARIAS']); // mobile numbers too (indexed)
    expect(names(await listContacts(db, { q: '809 555 1234' }))).toEqual(['José Núñez Peña']);
  });

  it('lists names in the order of their letters, accents and case aside (Ángel under A), searched or not, page after page', async () => {
    const { db } = await shop('ventas');
    const order = [
      'Ana Pérez',
      'ANDRÉS MEJÍA',
      'Ángel Núñez',
      'ángela rosa',
      'Angélica Santos',
      'Ñoño Ruiz',
      'Óscar Díaz',
      'Zoila Peña',
    ];
    await db.insert(contacts).values([...order].reverse().map((name) => ({ name })));
    const walk = async (filter: { q?: string }) => {
      const seen: string[] = [];
      let after: { name: string; id: string } | null = null;
      do {
        const page = await listContacts(db, { ...filter, limit: 3, after });
        seen.push(...page.rows.map((row) => row.name));
        after = page.next;
      } while (after);
      return seen;
    };
    // Under lower(name) 'Ángel', 'ángela' and 'Óscar' sorted after 'Zoila' (code points).
    expect(await walk({})).toEqual(order);
    // A search of three letters or more finds its matches and sorts them: the same order.
    expect(await walk({ q: 'ang' })).toEqual(['Ángel Núñez', 'ángela rosa', 'Angélica Santos']);
    // A shorter search walks the order and filters it: the same order.
    expect(await walk({ q: 'pe' })).toEqual(['Ana Pérez', 'Zoila Peña']);
  });

  it('classifies queries', () => {
    expect(parseContactSearch('  ')).toEqual({ kind: 'none' });
    expect(parseContactSearch('(809) 555-12')).toEqual({ kind: 'digits', digits: '80955512' });
    expect(parseContactSearch('Núñez')).toMatchObject({
      kind: 'text',
      words: ['nunez'],
      idNumber: null,
    });
    expect(foldText('ÁNGELA Peña')).toBe('angela pena');
  });

  it('returns every contact exactly once across keyset pages, duplicates of a name included', async () => {
    const { db, host, bearer, cookie } = await shop('ventas');
    const values = Array.from({ length: 137 }, (_, index) => ({
      name: index % 7 === 0 ? 'María Repetida' : `Contacto ${String(index).padStart(3, '0')} ${index % 2 ? 'Ñ' : 'n'}`,
    }));
    const inserted = await db.insert(contacts).values(values).returning({ id: contacts.id });
    const expected = inserted.map((row) => row.id).sort();

    // Through the query functions
    const seen: string[] = [];
    let after: { name: string; id: string } | null = null;
    do {
      const page = await listContacts(db, { limit: 10, after });
      seen.push(...page.rows.map((row) => row.id));
      after = page.next;
    } while (after);
    expect(seen.slice().sort()).toEqual(expected);
    expect(new Set(seen).size).toBe(137);

    // Through the API's cursors
    const viaApi: string[] = [];
    let cursor: string | null = null;
    do {
      const response: Response = await SELF.fetch(
        `http://${host}/api/v1/contacts?limit=25${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: { Authorization: bearer } },
      );
      const page = (await response.json()) as { data: Array<{ id: string }>; nextCursor: string | null };
      viaApi.push(...page.data.map((row) => row.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(viaApi).toEqual(seen);

    // Through the UI's "next" links (htmx fragments)
    const viaUi: string[] = [];
    let next: string | null = '/contacts?q=contacto';
    while (next) {
      const html = await (await get(host, next, { headers: { Cookie: cookie, 'HX-Request': 'true' } })).text();
      expect(html).not.toContain('<html');
      viaUi.push(...[...html.matchAll(/<a href="\/contacts\/([0-9a-f-]{36})">/g)].map((match) => match[1]!));
      next =
        /<a class="button button-small" href="([^"]+cursor=[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null;
    }
    expect(viaUi).toHaveLength(137 - 20); // 20 of the 137 are "María Repetida"
    expect(new Set(viaUi).size).toBe(viaUi.length);
  });

  it('costs at most 2 database round trips per list page, session included (UI and API)', async () => {
    const { db, host, cookie, bearer, tenant } = await shop('ventas');
    await seed(db);
    await db.insert(contacts).values(Array.from({ length: 60 }, (_, index) => ({ name: `Relleno ${index}` })));
    const database = `optiflow_${tenant.id}`;
    const first = await get(host, '/contacts', { headers: { Cookie: cookie } }); // warm the tenant cache
    const cursor = /href="\/contacts\?cursor=([^"]+)"/.exec(await first.text())?.[1];
    expect(cursor).toBeTruthy();
    for (const path of [
      '/contacts',
      '/contacts?q=jose',
      '/contacts?q=809555',
      `/contacts?cursor=${cursor}`,
      '/contacts?kind=supplier&archived=all',
    ]) {
      const trips = await countQueries(database, async () =>
        expect((await get(host, path, { headers: { Cookie: cookie } })).status).toBe(200),
      );
      expect(trips, path).toBeLessThanOrEqual(2);
      const fragmentTrips = await countQueries(database, () =>
        get(host, path, { headers: { Cookie: cookie, 'HX-Request': 'true' } }),
      );
      expect(fragmentTrips, path).toBeLessThanOrEqual(2);
    }
    // The API's token check may refresh last-used time in the background: allow for it once.
    await SELF.fetch(`http://${host}/api/v1/contacts`, { headers: { Authorization: bearer } });
    const apiTrips = await countQueries(database, () =>
      SELF.fetch(`http://${host}/api/v1/contacts?q=jose`, { headers: { Authorization: bearer } }),
    );
    expect(apiTrips).toBeLessThanOrEqual(2);
  });

  it('answers the search box with the results fragment and a plain request with the whole page', async () => {
    const { db, host, cookie } = await shop('ventas');
    await seed(db);
    const fragment = await (
      await get(host, '/contacts?q=pe%C3%B1a', { headers: { Cookie: cookie, 'HX-Request': 'true' } })
    ).text();
    expect(fragment.startsWith('<section id="contacts-results"')).toBe(true);
    expect(fragment).toContain('José Núñez Peña');
    expect(fragment).toContain('001-1391820-5');
    expect(fragment).toContain('(809) 555-1234');
    const boosted = await (
      await get(host, '/contacts?q=pena', { headers: { Cookie: cookie, 'HX-Request': 'true', 'HX-Boosted': 'true' } })
    ).text();
    expect(boosted).toContain('<html');
    const page = await (await get(host, '/contacts?q=pena', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('<html');
    expect(page).toContain('value="pena"');
    expect(page).toContain('hx-push-url="true"');
    expect(page).toContain('José Núñez Peña');
    expect(page).not.toContain('JOSEFINA');
  });
});
