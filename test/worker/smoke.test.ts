import { describe, expect, it } from 'vitest';
import { createTestTenant, get } from '../support/worker/helpers';

describe('smoke', () => {
  it('serves the central landing page and a new tenant page', async () => {
    const central = await get('localhost');
    expect(central.status).toBe(200);
    const tenant = await createTestTenant({ name: 'Óptica Smoke' });
    const page = await get(`${tenant.id}.localhost`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Óptica Smoke');
  });
});
