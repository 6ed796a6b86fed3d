import { readConfig } from '../config';
import { factory } from '../http/factory';
import { CentralHome } from '../views/pages';
import { adminApp } from './admin';

/** Routes of the central domain: the landing page and the admin panel. */
export const central = factory.createApp();

central.get('/', (c) => {
  const [domain = 'localhost'] = readConfig(c.env).centralDomains;
  return c.html(<CentralHome domain={domain} />);
});

central.get('/healthz', (c) => c.json({ ok: true }));

central.route('/admin', adminApp);
