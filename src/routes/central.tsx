import { readConfig } from '../config';
import { factory } from '../factory';
import { CentralHome } from '../views/pages';

/** Routes of the central domain (landing page; the admin panel comes later). */
export const central = factory.createApp();

central.get('/', (c) => {
  const [domain = 'localhost'] = readConfig(c.env).centralDomains;
  return c.html(<CentralHome domain={domain} />);
});

central.get('/healthz', (c) => c.json({ ok: true }));
