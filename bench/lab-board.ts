/**
 * Row 20: the lab board (GET /lab) of a shop with 2,000 open lab orders (and 20,000 closed ones)
 * beside a shop with 20, over HTTP under wrangler dev: the page's tenant database round trips and
 * its p50, interleaved so both shops see the same machine.
 */
import http from 'node:http';
import { sql } from 'drizzle-orm';
import type { DevStack } from '../dev/stack';
import { createSession } from '../src/auth/session';
import { tenantDb } from '../src/db/client';
import { contacts, users } from '../src/db/tenant-schema';
import { tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { percentile } from './load';
import { blankRow, type Row } from './row';

const plan = { open: 2000, closed: 20_000, small: 20, requests: 40 };

interface BoardShop {
  tenantId: string;
  cookie: string;
}

async function boardShop(platform: Platform, prefix: string, open: number, closed: number): Promise<BoardShop> {
  const tenantId = `${prefix}-${Date.now().toString(36)}`;
  await createTenant(platform, { id: tenantId, name: 'Óptica Laboratorio', domains: [tenantId] });
  const db = tenantDb((await tenantConnection(platform, tenantId)).connectionString);
  const people = await db
    .insert(contacts)
    .values(Array.from({ length: 200 }, (_, i) => ({ name: `Cliente Laboratorio ${i}` })))
    .returning({ id: contacts.id });
  const ids = sql.raw(`ARRAY[${people.map((person) => `'${person.id}'::uuid`).join(',')}]`);
  // Open orders spread over the five open stages, promised around today (some overdue); closed ones over a year.
  await db.execute(sql`
    INSERT INTO lab_orders (branch_id, customer_id, stage_id, promised_on, priority)
    SELECT (SELECT id FROM branches LIMIT 1), (${ids})[1 + i % 200],
           (SELECT id FROM lab_stages WHERE NOT is_final ORDER BY position OFFSET i % 5 LIMIT 1),
           current_date + (i % 21) - 10, CASE WHEN i % 17 = 0 THEN 'urgent' ELSE 'normal' END
      FROM generate_series(1, ${open}) i`);
  await db.execute(sql`
    INSERT INTO lab_orders (branch_id, customer_id, stage_id, promised_on, closed_at)
    SELECT (SELECT id FROM branches LIMIT 1), (${ids})[1 + i % 200],
           (SELECT id FROM lab_stages WHERE is_final ORDER BY position OFFSET i % 2 LIMIT 1),
           current_date - 400 + i % 390, now() - make_interval(hours => i)
      FROM generate_series(1, ${closed}) i`);
  await db.execute(sql`ANALYZE lab_orders`);
  const [owner] = await db
    .insert(users)
    .values({ email: 'bench-lab@example.test', name: 'Bench', role: 'owner', status: 'active' })
    .returning();
  const { token } = await createSession(db, { userId: owner!.id });
  return { tenantId, cookie: `optiflow_session=${token}` };
}

/** The session's claims cookie arrives with the first answer; sent back, the session check rides on the page's query. */
function keepCookies(shop: BoardShop, setCookie: string[] | undefined) {
  const jar = new Map(shop.cookie.split('; ').map((pair) => pair.split('=', 2) as [string, string]));
  for (const line of setCookie ?? []) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const value = pair.slice(at + 1).trim();
    if (value && !/max-age=0\b/i.test(line)) jar.set(pair.slice(0, at).trim(), value);
  }
  shop.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

function getBoard(agent: http.Agent, port: number, shop: BoardShop) {
  return new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/lab',
        agent,
        headers: { host: `${shop.tenantId}.localhost:${port}`, cookie: shop.cookie },
      },
      (response) => {
        keepCookies(shop, response.headers['set-cookie']);
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

export async function labBoardRows(
  platform: Platform,
  stack: DevStack,
  port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  const endpoint = stack.env.NEON_LOCAL_ENDPOINT!;
  progress(
    `row 20: seeding a shop with ${plan.open} open and ${plan.closed} closed lab orders, and one with ${plan.small}...`,
  );
  const big = await boardShop(platform, 'bench-lab-big', plan.open, plan.closed);
  const small = await boardShop(platform, 'bench-lab-small', plan.small, plan.small);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const tripsOf = async (shop: BoardShop) => {
    await fetch(`${endpoint}/_stats/reset`, { method: 'POST' });
    const answer = await getBoard(agent, port, shop);
    const stats = (await (await fetch(`${endpoint}/_stats`)).json()) as {
      roundTripsByDatabase: Record<string, number>;
    };
    return {
      status: answer.status,
      trips: stats.roundTripsByDatabase[`optiflow_${shop.tenantId.replace(/-/g, '_')}`] ?? 0,
    };
  };
  // Warm both (tenant record, claims), then count one page each.
  for (const shop of [big, small, big, small]) await getBoard(agent, port, shop);
  const bigTrips = await tripsOf(big);
  const smallTrips = await tripsOf(small);
  progress(`row 20: ${plan.requests} boards on each shop, interleaved...`);
  const times = { big: [] as number[], small: [] as number[] };
  for (let i = 0; i < plan.requests; i++) {
    for (const [name, shop] of (i % 2 === 0
      ? [
          ['big', big],
          ['small', small],
        ]
      : [
          ['small', small],
          ['big', big],
        ]) as Array<['big' | 'small', BoardShop]>) {
      const answer = await getBoard(agent, port, shop);
      if (answer.status !== 200) throw new Error(`/lab on the ${name} shop: HTTP ${answer.status}`);
      times[name].push(answer.ms);
    }
  }
  agent.destroy();
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const bigP50 = percentile(sorted(times.big), 0.5);
  const smallP50 = percentile(sorted(times.small), 0.5);
  const ratio = bigP50 / smallP50;
  const failures = [
    ...(bigTrips.trips === 1 && bigTrips.status === 200
      ? []
      : [`${bigTrips.trips} round trips (HTTP ${bigTrips.status})`]),
    ...(ratio <= 4 ? [] : [`${ratio.toFixed(2)}x`]),
  ];
  return [
    {
      ...blankRow,
      id: '20',
      scenario: 'lab board GET /lab, 2,000 open lab orders (+20,000 closed) vs 20, over HTTP, signed in',
      load: `${plan.requests} boards per shop, interleaved; columns capped (50 open, 20 closed in 7 days)`,
      ratio: `${ratio.toFixed(2)}x small`,
      p50: `${bigP50.toFixed(1)} ms (small ${smallP50.toFixed(1)})`,
      tail: `p95 ${percentile(sorted(times.big), 0.95).toFixed(1)} ms`,
      central: '0',
      tenant: `${bigTrips.trips} (small ${smallTrips.trips})`,
      target: '1 round trip; <= 4x small (290 cards vs 27)',
      met: failures.length ? `**not met** (${failures.join('; ')})` : 'met',
    },
  ];
}
