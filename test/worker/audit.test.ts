import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { impersonationSigningKey, issueImpersonationToken } from '../../src/services/platform/impersonation';
import { eq } from 'drizzle-orm';
import { apiTokens, auditLog, branches, users } from '../../src/db/tenant-schema';
import { createTestAdmin } from '../support/worker/admin';
import { createTestTenant, get, platform, postForm, signedIn, tenantContext, testEnv } from '../support/worker/helpers';

describe("the shop's audit log", () => {
  it('shows the owner the support sessions; other roles get 403', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const admin = await createTestAdmin();
    const key = await impersonationSigningKey(testEnv.ENCRYPTION_KEY);
    const { token } = await issueImpersonationToken((await platform()).central, key, {
      adminId: admin.id,
      tenantId: tenant.id,
    });
    const entered = await SELF.fetch(`http://${host}/support/enter?token=${encodeURIComponent(token)}`, {
      redirect: 'manual',
    });
    expect(entered.status).toBe(303);

    const page = await get(host, '/audit', { headers: { Cookie: owner.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Registro de actividad');
    expect(html).toContain('Inicio de sesión de soporte');
    expect(html).toContain('Soporte OptiFlow');
    expect(html).toContain(`OptiFlow soporte: ${admin.email}`);
    expect(html).toContain(owner.email);

    for (const role of ['ventas', 'admin', 'caja', 'optometrista'] as const) {
      const other = await signedIn(tenant.id, role);
      expect((await get(host, '/audit', { headers: { Cookie: other.cookie }, redirect: 'manual' })).status, role).toBe(
        403,
      );
    }
    const anonymous = await get(host, '/audit', { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });

  it('pages newest first with a keyset cursor', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    await db.insert(auditLog).values(
      Array.from({ length: 60 }, (_, index) => ({
        action: `test.entry.${String(index).padStart(2, '0')}`,
        actor: 'pruebas',
      })),
    );

    // Codes outside the catalogue are shown in a readable form.
    const first = await (await get(host, '/audit', { headers: { Cookie: owner.cookie } })).text();
    expect(first).toContain('Acción «test entry 59»');
    expect(first).toContain('test entry 10');
    expect(first).not.toContain('test entry 09');
    expect(first.indexOf('test entry 59')).toBeLessThan(first.indexOf('test entry 58'));
    const next = /href="(\/audit\?cursor=[\w-]+)"/.exec(first)?.[1];
    expect(next).toBeDefined();

    const second = await get(host, next!, { headers: { Cookie: owner.cookie, 'HX-Request': 'true' } });
    const fragment = await second.text();
    expect(fragment).toContain('test entry 09');
    expect(fragment).toContain('test entry 00');
    expect(fragment).not.toContain('test entry 10');
    expect(fragment).not.toContain('<html');
    expect(fragment).not.toMatch(/cursor=/);

    // A cursor this list did not write is the client's error (the one keyset cursor: 422), never a 500.
    expect((await get(host, '/audit?cursor=abc', { headers: { Cookie: owner.cookie } })).status).toBe(422);
  });

  it('records a day of settings changes with the actor and shows them in Spanish, filterable by kind', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const [ownerRow] = await db.update(users).set({ name: 'Ana Dueña' }).where(eq(users.id, owner.user.id)).returning();
    const cookie = { Cookie: owner.cookie };
    const expectRedirect = async (response: Promise<Response>, label: string) => {
      const answered = await response;
      expect(answered.status, `${label}: ${answered.status}`).toBe(303);
      return answered.headers.get('location') ?? '';
    };

    await expectRedirect(
      postForm(
        host,
        '/company',
        {
          name: 'Óptica Registro',
          rnc: '',
          address: 'Calle 1',
          phones: '',
          email: '',
          invoiceFooter: '',
          defaultCurrency: 'DOP',
        },
        cookie,
      ),
      'company',
    );
    const year = new Date().getFullYear();
    const created = await expectRedirect(
      postForm(
        host,
        '/sequences',
        {
          docType: 'B02',
          prefix: '',
          rangeStart: '1',
          rangeEnd: '500',
          nextNumber: '',
          validUntil: `${year}-12-31`,
          active: 'on',
          description: '',
        },
        cookie,
      ),
      'sequence',
    );
    const sequenceId = /\/sequences\/([0-9a-f-]{36})/.exec(created)![1]!;
    await expectRedirect(
      postForm(
        host,
        `/sequences/${sequenceId}`,
        {
          docType: 'B02',
          prefix: '',
          rangeStart: '1',
          rangeEnd: '900',
          nextNumber: '1',
          validUntil: `${year}-12-31`,
          active: 'on',
          description: '',
        },
        cookie,
      ),
      'sequence edit',
    );
    await expectRedirect(postForm(host, `/sequences/${sequenceId}/delete`, {}, cookie), 'sequence delete');
    await expectRedirect(
      postForm(
        host,
        '/branches',
        { name: 'Sucursal Norte', code: 'NORTE', address: '', phone: '', active: 'on' },
        cookie,
      ),
      'branch',
    );
    await expectRedirect(
      postForm(host, '/taxes', { code: 'ITBIS10', name: 'ITBIS reducido', rate: '10.00' }, cookie),
      'tax',
    );

    const invited = await postForm(
      host,
      '/users',
      { email: 'luis@example.test', name: 'Luis Caja', role: 'caja' },
      cookie,
    );
    expect(invited.status).toBe(201);
    const [luis] = await db.select().from(users).where(eq(users.email, 'luis@example.test'));
    await expectRedirect(postForm(host, `/users/${luis!.id}`, { role: 'ventas' }, cookie), 'role');
    await expectRedirect(postForm(host, `/users/${luis!.id}/disable`, {}, cookie), 'disable');
    await expectRedirect(postForm(host, `/users/${luis!.id}/enable`, {}, cookie), 'enable');
    expect(
      (await postForm(host, '/api-tokens', { name: 'Integración contable', scope: 'read' }, cookie)).status,
    ).toBeLessThan(400);
    const [token] = await db.select().from(apiTokens).where(eq(apiTokens.name, 'Integración contable'));
    await expectRedirect(postForm(host, `/api-tokens/${token!.id}/revoke`, {}, cookie), 'revoke');

    const html = await (await get(host, '/audit', { headers: cookie })).text();
    const actor = `Ana Dueña (${ownerRow!.email})`;
    const expected = [
      'Cambió los datos de la empresa',
      'Creó una secuencia de comprobantes',
      'Modificó una secuencia de comprobantes',
      'Eliminó una secuencia de comprobantes',
      'Creó una sucursal',
      'Creó un impuesto',
      'Invitó a un usuario',
      'Cambió el rol de un usuario',
      'Desactivó a un usuario',
      'Reactivó a un usuario',
      'Creó un token de API',
      'Revocó un token de API',
    ];
    for (const label of expected) expect(html, label).toContain(label);
    // Newest first: the revocation above the company change.
    expect(html.indexOf('Revocó un token de API')).toBeLessThan(html.indexOf('Cambió los datos de la empresa'));
    const rows = html.split('<tr').slice(2);
    expect(rows.length).toBe(expected.length);
    for (const row of rows) expect(row).toContain(actor);
    expect(html).toContain('rol: Ventas · antes: Caja');
    expect(html).toContain('luis@example.test');
    expect(html).toContain('tipo B02 · prefijo B02 · rango 1–900');
    expect(html).toContain('Sucursal Norte');
    expect(html).toContain('campos: nombre, dirección');
    expect(html).toContain('Integración contable');
    const results = html.slice(html.indexOf('id="audit-results"'));
    expect(results).not.toMatch(/\{&quot;|\{"|":/);
    expect(html).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);

    const usersOnly = await (await get(host, '/audit?kind=users', { headers: cookie })).text();
    expect(usersOnly).toContain('Invitó a un usuario');
    expect(usersOnly).toContain('Revocó un token de API');
    expect(usersOnly).not.toContain('Creó una sucursal');
    expect(usersOnly).not.toContain('Cambió los datos de la empresa');
  });

  it('names the fiscal actions of the sales day in Spanish with a short summary', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    await db.insert(auditLog).values([
      {
        action: 'invoice.issued',
        actor: 'Rosa Ventas (rosa@example.test)',
        details: { invoiceId: crypto.randomUUID(), ncf: 'B0200000001', total: '1180.00', buyerIdNumber: '00113918205' },
      },
      {
        action: 'invoice.voided',
        actor: 'Rosa Ventas (rosa@example.test)',
        details: { ncf: 'B0200000001', reason: '04' },
      },
      {
        action: 'payment.recorded',
        actor: 'Caja (caja@example.test)',
        details: { number: 'REC-00000001', amount: '500.00', method: '1' },
      },
      {
        action: 'payment.updated',
        actor: 'Caja (caja@example.test)',
        details: { number: 'REC-00000001', amount: '450.00', previousAmount: '500.00' },
      },
      { action: 'payment.voided', actor: 'Caja (caja@example.test)', details: { number: 'REC-00000001' } },
      {
        action: 'credit_note.issued',
        actor: 'Rosa Ventas (rosa@example.test)',
        details: { ncf: 'B0400000001', modifiedNcf: 'B0200000002' },
      },
      { action: 'report.exported', actor: 'Ana (ana@example.test)', details: { report: '607', period: '202611' } },
      {
        action: 'support.request',
        actor: 'OptiFlow soporte: ops@optiflow.test',
        details: {
          adminEmail: 'ops@optiflow.test',
          method: 'POST',
          path: '/company',
          status: 303,
          userEmail: 'ana@example.test',
        },
      },
    ]);
    const html = await (await get(host, '/audit?kind=sales', { headers: { Cookie: owner.cookie } })).text();
    for (const label of [
      'Emitió una factura',
      'Anuló una factura',
      'Registró un cobro',
      'Modificó un cobro',
      'Anuló un cobro',
      'Emitió una nota de crédito',
    ]) {
      expect(html, label).toContain(label);
    }
    expect(html).not.toContain('Exportó un reporte');
    expect(html).toContain('NCF B0200000001 · 001-1391820-5 · total RD$ 1,180.00');
    expect(html).toContain('motivo: Corrección de la información');
    expect(html).toContain('N.º REC-00000001 · monto RD$ 450.00 · antes: RD$ 500.00');
    expect(html).toContain('N.º REC-00000001 · monto RD$ 500.00 · forma de pago: Efectivo');
    expect(html).toContain('NCF B0400000001 · modifica B0200000002');
    expect(html).not.toContain('invoiceId');
    const reports = await (await get(host, '/audit?kind=reports', { headers: { Cookie: owner.cookie } })).text();
    expect(reports).toContain('Exportó un reporte');
    expect(reports).toContain('reporte 607 · período 202611');
    const support = await (await get(host, '/audit?kind=support', { headers: { Cookie: owner.cookie } })).text();
    expect(support).toContain('Cambio hecho por el equipo de soporte');
    expect(support).toContain('POST /company (respuesta 303) · como ana@example.test');
    expect(support).not.toContain('Exportó un reporte');
  });

  it('records changes made through the API too, marked as such', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const call = (path: string, method: string, body?: unknown) =>
      SELF.fetch(`http://${host}/api/v1${path}`, {
        method,
        headers: { Authorization: owner.bearer, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const year = new Date().getFullYear();
    const created = await call('/sequences', 'POST', {
      docType: 'B01',
      rangeStart: 1,
      rangeEnd: 300,
      validUntil: `${year}-12-31`,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call(`/sequences/${id}`, 'PATCH', { rangeEnd: 400 })).status).toBe(200);
    expect((await call(`/sequences/${id}`, 'DELETE')).status).toBe(204);
    expect((await call('/taxes', 'POST', { code: 'ITBIS9', name: 'Nueve', rate: '9.00' })).status).toBe(201);
    expect((await call('/branches', 'POST', { name: 'Sucursal API', code: 'API' })).status).toBe(201);
    expect((await call('/company', 'PATCH', { address: 'Calle API 2' })).status).toBe(200);

    const html = await (await get(host, '/audit', { headers: { Cookie: owner.cookie } })).text();
    for (const label of [
      'Creó una secuencia de comprobantes',
      'Modificó una secuencia de comprobantes',
      'Eliminó una secuencia de comprobantes',
      'Creó un impuesto',
      'Creó una sucursal',
      'Cambió los datos de la empresa',
    ]) {
      expect(html, label).toContain(label);
    }
    expect(html).toContain(`(${owner.email}) · API`);
    expect(html).toContain('tipo B01 · prefijo B01 · rango 1–400');
    expect(html).toContain('campos: dirección');
  });

  it('writes one entry per accepted settings change and none for a refused one, UI and API alike', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const cookie = { Cookie: owner.cookie };
    const call = (path: string, method: string, body?: unknown) =>
      SELF.fetch(`http://${host}/api/v1${path}`, {
        method,
        headers: { Authorization: owner.bearer, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const entries = async (action: string) =>
      (await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, action))).length;
    /** The change answers `status` and leaves `added` more entries of `action` (0 when refused). */
    const expectEntries = async (action: string, added: 0 | 1, status: number, change: () => Promise<Response>) => {
      const before = await entries(action);
      const response = await change();
      expect(response.status, `${action} ${status}`).toBe(status);
      expect((await entries(action)) - before, `${action}: ${added} entry`).toBe(added);
      return response;
    };
    const year = new Date().getFullYear();
    const product = { sku: 'LEN-1', name: 'Lente', category: 'lentes', price: '100', taxCode: 'ITBIS18' };

    // API: accepted, then the same change refused.
    const created = await expectEntries('product.created', 1, 201, () => call('/products', 'POST', product));
    await expectEntries('product.created', 0, 409, () => call('/products', 'POST', product));
    const { id: productId } = (await created.json()) as { id: string };
    await expectEntries('product.updated', 1, 200, () => call(`/products/${productId}`, 'PATCH', { name: 'Lente B' }));
    await expectEntries('product.updated', 0, 422, () =>
      call(`/products/${productId}`, 'PATCH', { taxCode: 'NOEXISTE' }),
    );
    await expectEntries('tax.created', 1, 201, () =>
      call('/taxes', 'POST', { code: 'T9', name: 'Nueve', rate: '9.00' }),
    );
    await expectEntries('tax.created', 0, 422, () =>
      call('/taxes', 'POST', { code: 'T9', name: 'Otra', rate: '9.00' }),
    );
    await expectEntries('currency.rate.saved', 1, 201, () =>
      call('/currencies/USD/rates', 'POST', { rate: '60.1000', validOn: `${year}-01-02` }),
    );
    await expectEntries('currency.rate.saved', 0, 422, () =>
      call('/currencies/DOP/rates', 'POST', { rate: '1.0000', validOn: `${year}-01-02` }),
    );
    await expectEntries('branch.created', 1, 201, () => call('/branches', 'POST', { name: 'Norte', code: 'NORTE' }));
    await expectEntries('branch.created', 0, 409, () => call('/branches', 'POST', { name: 'Otra', code: 'NORTE' }));
    const sequence = { docType: 'B01', rangeStart: 1, rangeEnd: 300, validUntil: `${year}-12-31` };
    const seq = await expectEntries('sequence.created', 1, 201, () => call('/sequences', 'POST', sequence));
    await expectEntries('sequence.created', 0, 422, () => call('/sequences', 'POST', sequence));
    const { id: sequenceId } = (await seq.json()) as { id: string };
    await expectEntries('sequence.updated', 0, 422, () => call(`/sequences/${sequenceId}`, 'PATCH', { rangeEnd: 0 }));
    await expectEntries('sequence.updated', 1, 200, () => call(`/sequences/${sequenceId}`, 'PATCH', { rangeEnd: 400 }));
    await expectEntries('company.updated', 1, 200, () => call('/company', 'PATCH', { address: 'Calle 3' }));
    await expectEntries('company.updated', 0, 422, () => call('/company', 'PATCH', { defaultCurrency: 'ZZZ' }));

    // UI: the same rules through the forms.
    await expectEntries('tax.created', 1, 303, () =>
      postForm(host, '/taxes', { code: 'T7', name: 'Siete', rate: '7.00' }, cookie),
    );
    await expectEntries('tax.created', 0, 422, () =>
      postForm(host, '/taxes', { code: 'T7', name: 'Siete bis', rate: '7.00' }, cookie),
    );
    await expectEntries('product.created', 0, 422, () =>
      postForm(host, '/products', { ...product, sku: 'len-1' }, cookie),
    );
    await expectEntries('branch.created', 0, 422, () =>
      postForm(host, '/branches', { name: 'Norte 2', code: 'NORTE', address: '', phone: '' }, cookie),
    );
    const [norte] = await db.select().from(branches).where(eq(branches.code, 'NORTE'));
    await expectEntries('branch.updated', 1, 303, () =>
      postForm(host, `/branches/${norte!.id}`, { name: 'Norte', code: 'NORTE', address: 'Calle 4', phone: '' }, cookie),
    );
    await expectEntries('api_token.created', 1, 201, () =>
      postForm(host, '/api-tokens', { name: 'Contabilidad', scope: 'read' }, cookie),
    );
    await expectEntries('api_token.revoked', 0, 404, () =>
      postForm(host, `/api-tokens/${crypto.randomUUID()}/revoke`, {}, cookie),
    );
    const [token] = await db.select().from(apiTokens).where(eq(apiTokens.name, 'Contabilidad'));
    await expectEntries('api_token.revoked', 1, 303, () =>
      postForm(host, `/api-tokens/${token!.id}/revoke`, {}, cookie),
    );
    await expectEntries('api_token.revoked', 0, 404, () =>
      postForm(host, `/api-tokens/${token!.id}/revoke`, {}, cookie),
    );
    await expectEntries('user.disabled', 0, 403, () => postForm(host, `/users/${owner.user.id}/disable`, {}, cookie));
    const caja = await signedIn(tenant.id, 'caja');
    await expectEntries('user.disabled', 1, 303, () => postForm(host, `/users/${caja.user.id}/disable`, {}, cookie));
    await expectEntries('user.enabled', 1, 303, () => postForm(host, `/users/${caja.user.id}/enable`, {}, cookie));
    await expectEntries('user.enabled', 0, 303, () => postForm(host, `/users/${caja.user.id}/enable`, {}, cookie));
  });
});
