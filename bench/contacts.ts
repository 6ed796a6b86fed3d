/**
 * Contact search at shop scale: bulk-inserts 100,000 generated contacts into one tenant database
 * (INSERT ... SELECT FROM generate_series, in batches), then times searches through the same query
 * function the list page uses (`listContacts`: name words with accents, cédula digits with and
 * without dashes, phone prefixes, filters, a second page). Each search is one round trip to the
 * database through the Neon HTTP driver, as in the Worker. Point it at a throwaway tenant: it adds
 * rows and never removes them. The Neon driver must already be configured for the stack (`configureNeon`).
 */
import { performance } from 'node:perf_hooks';
import { sqlClient, tenantDb } from '../src/db/client';
import { listContacts, type ContactFilter } from '../src/queries/contacts';
import { percentile } from './load';

export interface ContactSearchBenchResult {
  contacts: number;
  p50Ms: number;
  p95Ms: number;
}

const total = 100_000;
const batch = 25_000;

const firstNames = [
  'María',
  'José',
  'Juan',
  'Ana',
  'Luis',
  'Carmen',
  'Pedro',
  'Rosa',
  'Ángel',
  'Yolanda',
  'Ramón',
  'Altagracia',
  'Félix',
  'Josefina',
  'Héctor',
  'Inés',
  'Rafael',
  'Mercedes',
  'Andrés',
  'Lucía',
];
const lastNames = [
  'Rodríguez',
  'Pérez',
  'Martínez',
  'Gómez',
  'Núñez',
  'Peña',
  'Santos',
  'Díaz',
  'Reyes',
  'Jiménez',
  'Castillo',
  'Almonte',
  'Batista',
  'Féliz',
  'Guzmán',
  'Sánchez',
  'Medina',
  'Ureña',
  'Tavárez',
  'Cepeda',
  'Polanco',
  'Vásquez',
  'Mejía',
  'Acosta',
];

/** Inserts `count` contacts numbered from `offset`: names from the lists above, unique cédula-like numbers, phones. */
async function insertContacts(url: string, offset: number, count: number): Promise<void> {
  const sql = sqlClient(url);
  await sql`
    INSERT INTO contacts (kind, id_type, id_number, name, phone, mobile, email)
    SELECT CASE WHEN i % 20 = 0 THEN 'supplier' WHEN i % 97 = 0 THEN 'optometrist' ELSE 'customer' END,
           'cedula',
           '4' || lpad(i::text, 10, '0'),
           (${firstNames}::text[])[1 + i % ${firstNames.length}] || ' ' ||
             (${lastNames}::text[])[1 + (i / 7) % ${lastNames.length}] || ' ' ||
             (${lastNames}::text[])[1 + (i / 131) % ${lastNames.length}],
           (ARRAY['809', '829', '849'])[1 + i % 3] || lpad(((i * 7919) % 10000000)::text, 7, '0'),
           CASE WHEN i % 3 = 0 THEN '829' || lpad(((i * 104729) % 10000000)::text, 7, '0') END,
           CASE WHEN i % 4 = 0 THEN 'cliente' || i || '@example.test' END
    FROM generate_series(${offset + 1}::bigint, ${offset + count}::bigint) AS i`;
}

export async function benchmarkContactSearch(tenantDbUrl: string): Promise<ContactSearchBenchResult> {
  const sql = sqlClient(tenantDbUrl);
  const before = Number(((await sql`SELECT count(*)::int AS n FROM contacts`) as Array<{ n: number }>)[0]!.n);
  // Numbers continue after what is there, so a second run on the same database still inserts.
  const start = Number(
    (
      (await sql`SELECT coalesce(max(substr(id_number, 2)::bigint), 0) AS n FROM contacts WHERE id_number ~ '^4\\d{10}$'`) as Array<{
        n: string;
      }>
    )[0]!.n,
  );
  for (let offset = 0; offset < total; offset += batch)
    await insertContacts(tenantDbUrl, start + offset, Math.min(batch, total - offset));
  await sql`ANALYZE contacts`;

  const db = tenantDb(tenantDbUrl);
  const sample = (n: number) => `4${String(start + n).padStart(10, '0')}`;
  const second = (await listContacts(db, { limit: 50 })).next;
  const searches: ContactFilter[] = [
    {},
    { q: 'maria' },
    { q: 'MARÍA' },
    { q: 'jose nunez' },
    { q: 'peña' },
    { q: 'ureña batista' },
    { q: 'angel' },
    { q: 'rafael tavarez' },
    { q: 'feliz' },
    { q: 'mej' },
    { q: 'ro' },
    { q: 'zzzz' },
    { q: sample(12_345) },
    { q: `${sample(54_321).slice(0, 3)}-${sample(54_321).slice(3, 10)}-${sample(54_321)[10]}` },
    { q: sample(99_999).slice(0, 8) },
    { q: '809' },
    { q: '(829) 555' },
    { q: '849-12' },
    { q: 'pérez', kind: 'supplier' },
    { kind: 'optometrist' },
    { q: 'maria', archived: 'all' },
    { after: second },
    { q: 'lucía medina' },
    { q: 'inés' },
    { q: 'altagracia polanco' },
  ];
  for (const filter of searches.slice(0, 5)) await listContacts(db, { ...filter, limit: 50 }); // warm the connection path
  const timings: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const filter of searches) {
      const started = performance.now();
      await listContacts(db, { ...filter, limit: 50 });
      timings.push(performance.now() - started);
    }
  }
  timings.sort((a, b) => a - b);
  return {
    contacts: before + total,
    p50Ms: round1(percentile(timings, 0.5)),
    p95Ms: round1(percentile(timings, 0.95)),
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
