import type { SessionUser } from '../../../src/auth/session';
import type { ShopContext } from '../../../src/services/shop/context';
import { recordingJobs } from './ecf';
import { createTestTenant, signedIn, tenantContext, testEnv } from './helpers';

/** A service context for a shop's user (the actor), with a queue producer that only records. */
export async function serviceContext(
  tenant: { id: string; name: string },
  user: { id: string; email: string; name: string },
  role: 'owner' | 'ventas',
) {
  const context = await tenantContext(tenant.id);
  const { jobs, sent } = recordingJobs();
  const actor = {
    id: user.id,
    email: user.email,
    name: user.name,
    role,
    sessionHash: 'test',
    shopName: tenant.name,
    logoKey: null,
    branches: [],
    branch: null,
    impersonatedBy: null,
    needsTouch: false,
  } satisfies SessionUser;
  const ctx: ShopContext = { ...context, jobs, env: testEnv, requestId: 'test', actor };
  return { ctx, sent };
}

/** A fresh shop, a signed-in user of the role as the service context's actor, and a recording queue. */
export async function webhookShop(role: 'owner' | 'ventas' = 'owner') {
  const tenant = await createTestTenant();
  const { user } = await signedIn(tenant.id, role);
  return { tenant, ...(await serviceContext(tenant, user, role)) };
}

interface Received {
  url: string;
  headers: Headers;
  body: string;
}

/** A receiver that records every POST and answers from a script of statuses (then 200). */
export function receiver(statuses: number[] = [], answer = 'ok') {
  const received: Received[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    received.push({ url: request.url, headers: request.headers, body: await request.text() });
    const status = statuses.shift() ?? 200;
    return new Response(answer, { status });
  }) as typeof globalThis.fetch;
  return { fetch, received };
}
