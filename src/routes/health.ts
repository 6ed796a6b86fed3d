import { publicRoute } from '../http/session';
import { factory } from '../http/factory';

/** No database work: what the platform costs per request (health checks, benchmark). */
export const tenantHealth = factory.createApp();

tenantHealth.get('/healthz', publicRoute, (c) => c.json({ ok: true }));
