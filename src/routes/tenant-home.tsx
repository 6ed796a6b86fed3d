import { getCompany } from '../db/tenant-queries';
import { factory } from '../factory';
import { TenantHome } from '../views/pages';

export const tenantHome = factory.createApp();

tenantHome.get('/', async (c) => {
  // A tenant created with --no-seed has no company row yet: fall back to the central name.
  const company = await getCompany(c.var.db);
  return c.html(<TenantHome shopName={company?.name ?? c.var.tenant.name} host={new URL(c.req.url).host} />);
});

/** No database work: what the platform costs per request (health checks, benchmark). */
tenantHome.get('/healthz', (c) => c.json({ ok: true }));
