import { describe, expect, it } from 'vitest';
import { createTestTenant, get, postForm, signedIn } from '../support/worker/helpers';

/** The contact form checks an RNC/cédula while it is typed, with the same message the submit gives. */
describe('live RNC/cédula check on the contact form', () => {
  it('answers the check-digit message as the number is typed, before any submit', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { cookie } = await signedIn(tenant.id, 'owner');
    const headers = { Cookie: cookie, 'HX-Request': 'true' };
    const submitted = await postForm(
      host,
      '/contacts',
      { kind: 'customer', idType: 'cedula', idNumber: '001-1391820-4', name: 'Ana' },
      { Cookie: cookie },
    );
    expect(submitted.status).toBe(422);
    const submitMessage = 'La cédula no es válida (dígito verificador) y no está en el registro de la DGII.';
    expect(await submitted.text()).toContain(submitMessage);

    const form = await (await get(host, '/contacts/new', { headers: { Cookie: cookie } })).text();
    expect(form).toMatch(
      /name="idNumber"[^>]*hx-get="\/contacts\/registry"|hx-get="\/contacts\/registry"[^>]*name="idNumber"/,
    );

    const live = await get(host, '/contacts/registry?idType=cedula&idNumber=001-1391820-4', { headers });
    expect(live.status).toBe(200);
    expect(await live.text()).toContain(submitMessage);
    // A number typed without choosing its type gets the submit's message for that too.
    const untyped = await get(host, '/contacts/registry?idType=&idNumber=00113918204', { headers });
    expect(await untyped.text()).toContain('Elija el tipo de identificación.');
    const good = await (await get(host, '/contacts/registry?idType=cedula&idNumber=001-1391820-5', { headers })).text();
    expect(good).not.toContain(submitMessage);
    const partial = await (await get(host, '/contacts/registry?idType=cedula&idNumber=0011', { headers })).text();
    expect(partial).not.toContain(submitMessage);
  });
});
