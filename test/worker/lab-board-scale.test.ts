/**
 * The board at scale (issue 14 item 2.4): 2,000 open orders beside 20,000 closed ones. The cards come
 * from one statement through the partial indexes of open and recently closed orders (no sequential
 * scan of lab_orders), the page stays one round trip, and it is timed against a small shop.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, labStages } from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import { boardCardsQuery } from '../../src/queries/lab-board';
import { boardClosedCap, boardClosedDays, boardOpenCap } from '../../src/services/shop/lab-board';
import { countRoundTrips, get } from '../support/worker/helpers';
import type { PlanNode } from '../support/worker/explain';
import { shop, type Shop } from '../support/worker/shop';

const database = (s: Shop) => `optiflow_${s.tenant.id.replace(/-/g, '_')}`;

/** `open` open orders spread over the open stages, `closed` closed ones (a few of them this week). */
async function seed(s: Shop, open: number, closed: number) {
  const people = await s.db
    .insert(contacts)
    .values(Array.from({ length: 50 }, (_, i) => ({ name: `Cliente ${i}` })))
    .returning();
  const ids = `ARRAY[${people.map((person) => `'${person.id}'::uuid`).join(',')}]`;
  await s.db.execute(sql`
    INSERT INTO lab_orders (branch_id, customer_id, stage_id, promised_on, priority)
    SELECT ${s.main.id}::uuid, (${sql.raw(ids)})[1 + i % 50],
           (SELECT id FROM lab_stages WHERE NOT is_final ORDER BY position OFFSET i % 5 LIMIT 1),
           current_date + (i % 21) - 10, CASE WHEN i % 17 = 0 THEN 'urgent' ELSE 'normal' END
      FROM generate_series(1, ${open}) i`);
  await s.db.execute(sql`
    INSERT INTO lab_orders (branch_id, customer_id, stage_id, promised_on, closed_at)
    SELECT ${s.main.id}::uuid, (${sql.raw(ids)})[1 + i % 50],
           (SELECT id FROM lab_stages WHERE is_final ORDER BY position OFFSET i % 2 LIMIT 1),
           current_date - 400 + i % 390, now() - make_interval(hours => i)
      FROM generate_series(1, ${closed}) i`);
  await s.db.execute(sql`ANALYZE lab_orders`);
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function timed(s: Shop, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await get(s.host, '/lab', { headers: { Cookie: s.cookie } });
    await response.text();
    expect(response.status).toBe(200);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

describe('lab board at scale', () => {
  it('2,000 open orders: the cards through the partial indexes, one round trip, capped columns', {
    timeout: 180_000,
  }, async () => {
    const big = await shop('owner', { branchAccess: 'all' });
    const small = await shop('owner', { branchAccess: 'all' });
    await seed(big, 2000, 20_000);
    await seed(small, 20, 20);

    const query = boardCardsQuery(
      big.db,
      { scope: null },
      {
        today: shopToday(),
        openCap: boardOpenCap,
        closedSince: new Date(Date.now() - boardClosedDays * 86_400_000),
        closedCap: boardClosedCap,
      },
    ).toSQL();
    const planOf = async () => {
      const [explained] = (await big.db.$client.query(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`,
        query.params,
      )) as Array<{
        'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }>;
      }>;
      const plan = explained!['QUERY PLAN'][0]!;
      const all = nodes(plan.Plan);
      return {
        ms: plan['Execution Time'],
        scans: all.filter((node) => node['Relation Name'] === 'lab_orders').map((node) => node['Node Type']),
        indexes: all.map((node) => node['Index Name']).filter(Boolean),
      };
    };
    const { ms, scans, indexes } = await planOf();
    console.log(`board cards query: ${ms.toFixed(1)} ms, lab_orders via ${scans.join(', ')} (${indexes.join(', ')})`);
    expect(scans).not.toContain('Seq Scan');
    expect(indexes).toContain('lab_orders_open_promised_idx');
    expect(indexes).toContain('lab_orders_closed_idx');
    // The check can fail: without the closed orders' index the same statement reads the whole table.
    await big.db.execute(sql`DROP INDEX lab_orders_closed_idx`);
    expect((await planOf()).scans).toContain('Seq Scan');
    await big.db.execute(sql`CREATE INDEX lab_orders_closed_idx ON lab_orders (closed_at) WHERE closed_at IS NOT NULL`);

    let html = '';
    const trips = await countRoundTrips(database(big), async () => {
      const response = await get(big.host, '/lab', { headers: { Cookie: big.cookie } });
      html = await response.text();
    });
    expect(trips).toBe(1);
    // 2,000 open orders over five open columns (400 each) show 50 per column; the final columns 20 each.
    const cards = [...html.matchAll(/class="lab-card[ "]/g)].length;
    expect(cards).toBe(5 * boardOpenCap + 2 * boardClosedCap);
    expect(html.match(/400 órdenes/g)).toHaveLength(5);
    const stages = await big.db.select().from(labStages);
    expect(stages).toHaveLength(7);

    await timed(big, 2);
    await timed(small, 2);
    const bigP50 = await timed(big, 9);
    const smallP50 = await timed(small, 9);
    console.log(`GET /lab p50: ${bigP50.toFixed(1)} ms with 2,000 open orders, ${smallP50.toFixed(1)} ms with 20`);
    // The board's cost is capped by its columns, not the shop's orders: within a few times a small shop's.
    expect(bigP50).toBeLessThan(smallP50 * 6 + 100);
  });
});
