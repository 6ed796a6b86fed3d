/**
 * DGII's "incapacidad técnica" (issue 11 item 6): an owner opens a B-series fallback on /ecf/fallback
 * (recorded in the activity log), E-series invoices are then issued with their B type from the B
 * ranges, and ending the period prepares the e-CF that replaces each one: its own e-NCF, referencing
 * the B NCF with CodigoModificacion 4, accepted by the DGII stand-in. Each test has its own shop.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, ecfDocuments, ecfFallbacks, fiscalSequences } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { api, apiJson } from '../support/worker/api';
import { ecfShop } from '../support/worker/ecf';
import { get, postForm, signedIn } from '../support/worker/helpers';

type Shop = Awaited<ReturnType<typeof ecfShop>>;

async function eSequence(s: Shop, type: string) {
  await s.db.insert(fiscalSequences).values({
    docType: type,
    prefix: type,
    rangeStart: 1,
    rangeEnd: 100,
    nextNumber: 1,
    validUntil: addDays(shopToday(), 365),
    isDefault: true,
  });
}

async function issueDraft(s: Shop, ncfType: string, customerId: string) {
  const created = await api(s.host, '/invoices', s.bearer, {
    method: 'POST',
    body: JSON.stringify({ ncfType, customerId, lines: [{ productId: s.frame.id, quantity: '1', unitPrice: '1500' }] }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const issued = await apiJson(s.host, `/invoices/${id}/issue`, s.bearer, { method: 'POST' });
  expect(issued.status).toBe(200);
  return { id, ncf: issued.body.ncf as string, ncfType: issued.body.ncfType as string };
}

async function waitForState(s: Shop, invoiceId: string, states: string[]) {
  for (let i = 0; i < 100; i++) {
    const [row] = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, invoiceId));
    if (row && states.includes(row.state)) return row;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`e-CF of ${invoiceId} never reached ${states.join('/')}`);
}

describe('B-series fallback (incapacidad técnica)', { timeout: 90_000 }, () => {
  it('issues B01/B02 during the period and replaces them with e-CF (CodigoModificacion 4) when it ends', async () => {
    const s = await ecfShop();
    await eSequence(s, 'E31');
    await eSequence(s, 'E32');

    const start = await postForm(s.host, '/ecf/fallback/start', { reason: 'Certificado dañado' }, { Cookie: s.cookie });
    expect(start.status).toBe(303);
    const page = await (await get(s.host, '/ecf/fallback', { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('Certificado dañado');

    const e31 = await issueDraft(s, 'E31', s.company.id);
    const e32 = await issueDraft(s, 'E32', s.walkIn.id);
    expect(e31).toMatchObject({ ncfType: 'B01', ncf: 'B0100000001' });
    expect(e32).toMatchObject({ ncfType: 'B02', ncf: 'B0200000001' });
    expect(await s.db.select().from(ecfDocuments)).toEqual([]);

    const end = await postForm(s.host, '/ecf/fallback/end', {}, { Cookie: s.cookie });
    expect(end.status).toBe(303);
    expect(end.headers.get('location')).toBe('/ecf/fallback?done=replaced&replaced=2&pending=0');
    const ended = await (await get(s.host, end.headers.get('location')!, { headers: { Cookie: s.cookie } })).text();
    expect(ended).toContain('2 e-CF de reemplazo generados, 0 pendientes');

    const replacing31 = await waitForState(s, e31.id, ['accepted']);
    expect(replacing31).toMatchObject({ encf: 'E310000000001', ecfType: '31', channel: 'ecf' });
    const xml31 = await (await s.ctx.files.get(replacing31.signedXmlKey))!.text();
    expect(xml31).toContain('<NCFModificado>B0100000001</NCFModificado>');
    expect(xml31).toContain('<CodigoModificacion>4</CodigoModificacion>');
    // DGII: the replacing e-CF goes to DGII only; the buyer already has the B01.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [after31] = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, e31.id));
    expect(after31!.deliveryState).toBeNull();
    const replacing32 = await waitForState(s, e32.id, ['accepted']);
    expect(replacing32).toMatchObject({ encf: 'E320000000001', ecfType: '32' });
    const xml32 = await (await s.ctx.files.get(replacing32.signedXmlKey))!.text();
    expect(xml32).toContain('<NCFModificado>B0200000001</NCFModificado>');

    // After the period, issuing is electronic again and the replacements' numbers are not reused.
    const after = await issueDraft(s, 'E31', s.company.id);
    expect(after).toMatchObject({ ncfType: 'E31', ncf: 'E310000000002' });

    const actions = (await s.db.select().from(auditLog)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['ecf.fallback.started', 'ecf.fallback.ended']));
    const [period] = await s.db.select().from(ecfFallbacks);
    expect(period!.endedAt).not.toBeNull();
    // A second end has nothing to end.
    expect((await postForm(s.host, '/ecf/fallback/end', {}, { Cookie: s.cookie })).status).toBe(409);
  });

  it('two owners starting at the same moment open one period; a seller cannot end it; a reason is required', async () => {
    const s = await ecfShop();
    const other = await signedIn(s.tenant.id, 'owner');
    const answers = await Promise.all(
      [s.cookie, other.cookie].map((cookie) =>
        postForm(s.host, '/ecf/fallback/start', { reason: 'Sin sistema' }, { Cookie: cookie }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    expect(await s.db.select().from(ecfFallbacks)).toHaveLength(1);
    const started = await s.db.select().from(auditLog).where(eq(auditLog.action, 'ecf.fallback.started'));
    expect(started).toHaveLength(1);

    const seller = await signedIn(s.tenant.id, 'ventas');
    const refused = await postForm(s.host, '/ecf/fallback/end', {}, { Cookie: seller.cookie });
    expect(refused.status).toBe(403);
    const empty = await postForm(s.host, '/ecf/fallback/start', { reason: ' ' }, { Cookie: other.cookie });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Indique el motivo');
  });

  it('a replacement that cannot be prepared yet (no E31 range) stays pending and is generated on retry', async () => {
    const s = await ecfShop();
    expect((await postForm(s.host, '/ecf/fallback/start', { reason: 'Caída' }, { Cookie: s.cookie })).status).toBe(303);
    const b01 = await issueDraft(s, 'E31', s.company.id);
    expect(b01.ncf).toBe('B0100000001');
    const end = await postForm(s.host, '/ecf/fallback/end', {}, { Cookie: s.cookie });
    expect(end.headers.get('location')).toBe('/ecf/fallback?done=replaced&replaced=0&pending=1');
    await eSequence(s, 'E31');
    const retry = await postForm(s.host, '/ecf/fallback/replace', {}, { Cookie: s.cookie });
    expect(retry.headers.get('location')).toBe('/ecf/fallback?done=replaced&replaced=1&pending=0');
    const [row] = await s.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, b01.id));
    expect(row!.encf).toBe('E310000000001');
  });

  it('the ecf.sweep job (the 5-minute cron, per shop) prepares a pending replacement through the real queue', async () => {
    const s = await ecfShop();
    await postForm(s.host, '/ecf/fallback/start', { reason: 'Caída' }, { Cookie: s.cookie });
    const b01 = await issueDraft(s, 'E31', s.company.id);
    await postForm(s.host, '/ecf/fallback/end', {}, { Cookie: s.cookie });
    await eSequence(s, 'E31');
    await s.ctx.jobs.send('ecf.sweep', {});
    const replaced = await waitForState(s, b01.id, ['accepted']);
    expect(replaced.encf).toBe('E310000000001');
  });
});
