import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fiscalSequences, payments } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countQueries, get, postForm } from '../support/worker/helpers';
import { api } from '../support/worker/api';
import { colleague, invoiceRow, issuedInvoice, paymentShop as shop } from '../support/worker/payments';

const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

async function pay(host: string, bearer: string, invoiceId: string, body: Record<string, unknown>) {
  return api(host, `/invoices/${invoiceId}/payments`, bearer, json({ method: '1', ...body }));
}

describe('payments (abonos)', { timeout: 60_000 }, () => {
  it('records, edits and voids payments through the UI, recomputing the invoice status exactly', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s, { issuedOn: addDays(shopToday(), -5) });
    const form = await get(s.host, `/invoices/${invoice.id}/payments/new`, { headers: { Cookie: s.cookie } });
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain(invoice.ncf!);
    expect(page).toContain('RD$ 1,000.00');
    expect(page).toMatch(/name="amount"[^>]*value="1000.00"/);

    const first = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '400', method: '3', receivedOn: shopToday(), reference: 'AUT-123' },
      { Cookie: s.cookie },
    );
    expect(first.status).toBe(303);
    const firstId = first.headers.get('location')!.match(/^\/payments\/([0-9a-f-]{36})\?notice=created$/)![1]!;
    expect((await invoiceRow(s.db, invoice.id)).status).toBe('partially_paid');
    expect((await invoiceRow(s.db, invoice.id)).paidTotal).toBe('400.00');

    const detail = await get(s.host, `/payments/${firstId}`, { headers: { Cookie: s.cookie } });
    const detailText = await detail.text();
    expect(detailText).toContain('REC-00000001');
    expect(detailText).toContain('Tarjeta de crédito / débito');
    expect(detailText).toContain(`/payments/${firstId}/print?format=80mm`);
    expect(detailText).toContain(`/payments/${firstId}/print?format=a4`);

    const second = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '600.00', method: '1', receivedOn: shopToday() },
      { Cookie: s.cookie },
    );
    expect(second.status).toBe(303);
    const secondId = second.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    let row = await invoiceRow(s.db, invoice.id);
    expect([row.paidTotal, row.status]).toEqual(['1000.00', 'paid']);

    const edited = await postForm(
      s.host,
      `/payments/${secondId}`,
      { amount: '500.00', method: '2', receivedOn: addDays(shopToday(), -1), reference: 'TRF-9' },
      { Cookie: s.cookie },
    );
    expect(edited.status).toBe(303);
    row = await invoiceRow(s.db, invoice.id);
    expect([row.paidTotal, row.status]).toEqual(['900.00', 'partially_paid']);

    const voided = await postForm(
      s.host,
      `/payments/${firstId}/void`,
      { reason: 'Cobro duplicado' },
      { Cookie: s.cookie },
    );
    expect(voided.status).toBe(303);
    row = await invoiceRow(s.db, invoice.id);
    expect([row.paidTotal, row.status]).toEqual(['500.00', 'partially_paid']);
    await postForm(s.host, `/payments/${secondId}/void`, { reason: 'Error' }, { Cookie: s.cookie });
    row = await invoiceRow(s.db, invoice.id);
    expect([row.paidTotal, row.status]).toEqual(['0.00', 'issued']);

    const [voidedRow] = await s.db.select().from(payments).where(eq(payments.id, firstId));
    expect([voidedRow!.status, voidedRow!.voidReason]).toEqual(['voided', 'Cobro duplicado']);
    const again = await postForm(s.host, `/payments/${firstId}/void`, { reason: 'otra vez' }, { Cookie: s.cookie });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Este cobro ya está anulado.');
  });

  it('refuses a payment above the balance with the exact error, in the UI and the API, and writes nothing', async () => {
    const s = await shop('caja');
    const invoice = await issuedInvoice(s);
    const ui = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '1000.01', method: '1', receivedOn: shopToday() },
      { Cookie: s.cookie },
    );
    expect(ui.status).toBe(422);
    const html = await ui.text();
    expect(html).toContain('El monto excede el balance pendiente de la factura.');
    expect(html).toMatch(
      /aria-invalid="true"[^>]*name="amount"|name="amount"[^>]*aria-invalid="true"|id="field-amount" aria-invalid="true"/,
    );
    const response = await pay(s.host, s.bearer, invoice.id, { amount: '1000.01' });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string; errors: Array<{ field: string; message: string }> };
    expect(problem.detail).toBe('El monto excede el balance pendiente de la factura.');
    expect(problem.errors).toEqual([
      { field: 'amount', message: 'El monto excede el balance pendiente de la factura.' },
    ]);
    expect(await s.db.select().from(payments)).toHaveLength(0);
    const [rec] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
    expect(rec!.nextNumber).toBe(1);
    expect((await invoiceRow(s.db, invoice.id)).paidTotal).toBe('0.00');
  });

  it('validates amount, method and date (never in the future, never before the invoice)', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s, { issuedOn: addDays(shopToday(), -3) });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ amount: '0' }, 'amount', 'Escriba un monto mayor que cero con hasta 2 decimales.'],
      [{ amount: '10.001' }, 'amount', 'Escriba un monto mayor que cero con hasta 2 decimales.'],
      [{ amount: '-5' }, 'amount', 'Escriba un monto mayor que cero con hasta 2 decimales.'],
      [{ amount: '10', method: '9' }, 'method', 'Elija la forma de pago.'],
      [{ amount: '10', receivedOn: addDays(shopToday(), 1) }, 'receivedOn', 'La fecha de cobro no puede ser futura.'],
      [{ amount: '10', receivedOn: '2025-02-30' }, 'receivedOn', 'Escriba una fecha válida (aaaa-mm-dd).'],
      [
        { amount: '10', receivedOn: addDays(shopToday(), -4) },
        'receivedOn',
        'La fecha de cobro no puede ser anterior a la fecha de la factura.',
      ],
    ];
    for (const [body, field, message] of cases) {
      const response = await pay(s.host, s.bearer, invoice.id, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
      expect(problem.errors.find((error) => error.field === field)?.message, JSON.stringify(body)).toBe(message);
    }
    const ui = await postForm(
      s.host,
      `/invoices/${invoice.id}/payments`,
      { amount: '10', method: '1', receivedOn: addDays(shopToday(), 1) },
      { Cookie: s.cookie },
    );
    expect(ui.status).toBe(422);
    expect(await ui.text()).toContain('La fecha de cobro no puede ser futura.');
    expect(await s.db.select().from(payments)).toHaveLength(0);
    const backdated = await pay(s.host, s.bearer, invoice.id, { amount: '10', receivedOn: addDays(shopToday(), -3) });
    expect(backdated.status).toBe(201);
    expect(((await backdated.json()) as { receivedOn: string }).receivedOn).toBe(addDays(shopToday(), -3));
  });

  it('refuses payments on drafts, voided invoices and credit notes (409)', async () => {
    const s = await shop('owner');
    for (const status of ['draft', 'voided'] as const) {
      const invoice = await issuedInvoice(s, { status });
      const response = await pay(s.host, s.bearer, invoice.id, { amount: '10' });
      expect(response.status).toBe(409);
      expect(((await response.json()) as { detail: string }).detail).toBe(
        'Solo se pueden registrar cobros en facturas emitidas con balance pendiente (no en borradores, anuladas ni notas de crédito).',
      );
    }
    const paid = await issuedInvoice(s);
    expect((await pay(s.host, s.bearer, paid.id, { amount: '1000' })).status).toBe(201);
    const over = await pay(s.host, s.bearer, paid.id, { amount: '0.01' });
    expect(over.status).toBe(422);
  });

  it('lets exactly the payments that fit through when 20 race past a balance of 1,000.00, with consecutive receipt numbers', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => pay(s.host, s.bearer, invoice.id, { amount: '100.00' })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(10);
    for (const response of responses.filter((r) => r.status === 422)) {
      expect(((await response.json()) as { detail: string }).detail).toBe(
        'El monto excede el balance pendiente de la factura.',
      );
    }
    const row = await invoiceRow(s.db, invoice.id);
    expect([row.paidTotal, row.status]).toEqual(['1000.00', 'paid']);
    const numbers = (await s.db.select().from(payments)).map((payment) => payment.number).sort();
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => `REC-${String(i + 1).padStart(8, '0')}`));
  });

  it('edits and voids through the API (PATCH, void with a required reason), recomputing the invoice', async () => {
    const s = await shop('admin');
    const invoice = await issuedInvoice(s);
    const created = (await (
      await pay(s.host, s.bearer, invoice.id, { amount: '250.50', method: '2', reference: 'CHK-1' })
    ).json()) as {
      id: string;
      number: string;
      invoice: { balance: string; status: string };
    };
    expect(created.number).toBe('REC-00000001');
    expect(created.invoice).toMatchObject({ balance: '749.50', status: 'partially_paid' });
    const patched = await api(s.host, `/payments/${created.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ amount: '1000.00' }),
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()) as { amount: string; reference: string; invoice: { status: string } }).toMatchObject({
      amount: '1000.00',
      reference: 'CHK-1',
      invoice: { status: 'paid' },
    });
    const tooMuch = await api(s.host, `/payments/${created.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ amount: '1000.01' }),
    });
    expect(tooMuch.status).toBe(422);
    const noReason = await api(s.host, `/payments/${created.id}/void`, s.bearer, json({ reason: ' ' }));
    expect(noReason.status).toBe(422);
    expect(((await noReason.json()) as { errors: Array<{ field: string; message: string }> }).errors).toEqual([
      { field: 'reason', message: 'Escriba el motivo de la anulación.' },
    ]);
    const voided = await api(s.host, `/payments/${created.id}/void`, s.bearer, json({ reason: 'Cheque devuelto' }));
    expect(voided.status).toBe(200);
    expect(await voided.json()).toMatchObject({
      status: 'voided',
      voidReason: 'Cheque devuelto',
      invoice: { paidTotal: '0.00', status: 'issued' },
    });
    const afterVoid = await api(s.host, `/payments/${created.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ amount: '5.00' }),
    });
    expect(afterVoid.status).toBe(409);

    const list = (await (await api(s.host, `/invoices/${invoice.id}/payments`, s.bearer)).json()) as {
      data: Array<{ number: string; status: string }>;
    };
    expect(list.data).toEqual([expect.objectContaining({ number: 'REC-00000001', status: 'voided' })]);
  });

  it('refuses to edit a payment whose invoice was voided (409)', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s);
    const created = (await (await pay(s.host, s.bearer, invoice.id, { amount: '100' })).json()) as { id: string };
    const { invoices } = await import('../../src/db/tenant-schema');
    await s.db.update(invoices).set({ status: 'voided' }).where(eq(invoices.id, invoice.id));
    const response = await api(s.host, `/payments/${created.id}`, s.bearer, {
      method: 'PATCH',
      body: JSON.stringify({ amount: '50' }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'La factura de este cobro está anulada: el cobro no se puede modificar.',
    );
  });

  it('lists receipts newest first with keyset pages, in at most 2 round trips', async () => {
    const s = await shop('owner');
    const invoice = await issuedInvoice(s);
    for (let i = 0; i < 3; i += 1) expect((await pay(s.host, s.bearer, invoice.id, { amount: '10' })).status).toBe(201);
    let html = '';
    const queries = await countQueries(`optiflow_${s.tenant.id}`, async () => {
      html = await (await get(s.host, '/payments', { headers: { Cookie: s.cookie } })).text();
    });
    expect(queries).toBeLessThanOrEqual(2);
    expect(html.indexOf('REC-00000003')).toBeLessThan(html.indexOf('REC-00000001'));
    expect(html).toContain(invoice.ncf!);
    expect(html).toContain('Ana Pérez');
    const first = (await (await api(s.host, '/payments?limit=2', s.bearer)).json()) as {
      data: Array<{ number: string }>;
      nextCursor: string;
    };
    expect(first.data.map((p) => p.number)).toEqual(['REC-00000003', 'REC-00000002']);
    const second = (await (await api(s.host, `/payments?limit=2&cursor=${first.nextCursor}`, s.bearer)).json()) as {
      data: Array<{ number: string }>;
      nextCursor: string | null;
    };
    expect(second.data.map((p) => p.number)).toEqual(['REC-00000001']);
    expect(second.nextCursor).toBeNull();
    expect((await api(s.host, '/payments?cursor=garbage', s.bearer)).status).toBe(422);
  });

  it('enforces the permissions: optometrista reads only, ventas records but cannot void', async () => {
    const owner = await shop('owner');
    const invoice = await issuedInvoice(owner);
    const created = (await (await pay(owner.host, owner.bearer, invoice.id, { amount: '100' })).json()) as {
      id: string;
    };
    const optometrista = await colleague(owner, 'optometrista');
    expect((await get(owner.host, '/payments', { headers: { Cookie: optometrista.cookie } })).status).toBe(200);
    expect(
      (await get(owner.host, `/payments/${created.id}`, { headers: { Cookie: optometrista.cookie } })).status,
    ).toBe(200);
    expect((await pay(owner.host, optometrista.bearer, invoice.id, { amount: '1' })).status).toBe(403);
    expect(
      (await get(owner.host, `/invoices/${invoice.id}/payments/new`, { headers: { Cookie: optometrista.cookie } }))
        .status,
    ).toBe(403);
    const ventas = await colleague(owner, 'ventas');
    expect((await pay(owner.host, ventas.bearer, invoice.id, { amount: '1' })).status).toBe(201);
    expect((await api(owner.host, `/payments/${created.id}/void`, ventas.bearer, json({ reason: 'x' }))).status).toBe(
      403,
    );
    expect(
      (await postForm(owner.host, `/payments/${created.id}/void`, { reason: 'x' }, { Cookie: ventas.cookie })).status,
    ).toBe(403);
    const detail = await (
      await get(owner.host, `/payments/${created.id}`, { headers: { Cookie: ventas.cookie } })
    ).text();
    expect(detail).toContain('Editar cobro');
    expect(detail).not.toContain('Anular cobro');
  });

  it('keeps shops apart: another shop’s payment or invoice is a 404 in the UI and the API', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const invoice = await issuedInvoice(a);
    const created = (await (await pay(a.host, a.bearer, invoice.id, { amount: '100' })).json()) as { id: string };
    expect((await get(b.host, `/payments/${created.id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await get(b.host, `/invoices/${invoice.id}/payments/new`, { headers: { Cookie: b.cookie } })).status).toBe(
      404,
    );
    expect(
      (
        await postForm(
          b.host,
          `/invoices/${invoice.id}/payments`,
          { amount: '1', method: '1', receivedOn: shopToday() },
          { Cookie: b.cookie },
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await postForm(
          b.host,
          `/payments/${created.id}`,
          { amount: '1', method: '1', receivedOn: shopToday() },
          { Cookie: b.cookie },
        )
      ).status,
    ).toBe(404);
    expect((await postForm(b.host, `/payments/${created.id}/void`, { reason: 'x' }, { Cookie: b.cookie })).status).toBe(
      404,
    );
    expect((await api(b.host, `/payments/${created.id}`, b.bearer)).status).toBe(404);
    expect(
      (await api(b.host, `/payments/${created.id}`, b.bearer, { method: 'PATCH', body: '{"amount":"1"}' })).status,
    ).toBe(404);
    expect((await api(b.host, `/payments/${created.id}/void`, b.bearer, json({ reason: 'x' }))).status).toBe(404);
    expect((await pay(b.host, b.bearer, invoice.id, { amount: '1' })).status).toBe(404);
    expect((await api(b.host, `/invoices/${invoice.id}/payments`, b.bearer)).status).toBe(404);
    expect(((await (await api(b.host, '/payments', b.bearer)).json()) as { data: unknown[] }).data).toEqual([]);
    expect((await get(b.host, '/payments/not-a-uuid', { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await api(b.host, '/payments/not-a-uuid/void', b.bearer, json({}))).status).toBe(404);
    expect((await invoiceRow(a.db, invoice.id)).paidTotal).toBe('100.00');
  });

  it('limits users without branches.all to the invoices of their branches', async () => {
    const s = await shop('owner');
    const { branches } = await import('../../src/db/tenant-schema');
    const [other] = await s.db.insert(branches).values({ code: 'STI', name: 'Santiago' }).returning();
    const invoice = await issuedInvoice(s, { branchId: other!.id });
    const caja = await colleague(s, 'caja');
    expect(
      (await get(s.host, `/invoices/${invoice.id}/payments/new`, { headers: { Cookie: caja.cookie } })).status,
    ).toBe(404);
    expect((await pay(s.host, caja.bearer, invoice.id, { amount: '1' })).status).toBe(404);
    expect((await pay(s.host, s.bearer, invoice.id, { amount: '1' })).status).toBe(201);
  });
});

describe('issue 9 item 20: payments in the activity log', { timeout: 60_000 }, () => {
  it('records paid, payment edited and payment voided with the acting user and the amounts', async () => {
    const s = await shop('owner');
    const { auditLog } = await import('../../src/db/tenant-schema');
    const invoice = await issuedInvoice(s);
    const created = await pay(s.host, s.bearer, invoice.id, { amount: '400.00' });
    expect(created.status).toBe(201);
    const payment = (await created.json()) as { id: string; number: string };
    expect(
      (
        await api(s.host, `/payments/${payment.id}`, s.bearer, {
          method: 'PATCH',
          body: JSON.stringify({ amount: '450.00' }),
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(s.host, `/payments/${payment.id}/void`, s.bearer, json({ reason: 'Cobro duplicado' }))).status,
    ).toBe(200);
    const rows = await s.db.select().from(auditLog).orderBy(auditLog.id);
    expect(rows.map((row) => row.action)).toEqual(['payment.recorded', 'payment.updated', 'payment.voided']);
    for (const row of rows) expect(row.actor).toContain(s.email);
    const common = {
      paymentId: payment.id,
      number: payment.number,
      invoiceId: invoice.id,
      ncf: invoice.ncf,
      currencySymbol: 'RD$',
    };
    expect(rows[0]!.details).toMatchObject({ ...common, amount: '400.00', method: '1' });
    expect(rows[1]!.details).toMatchObject({ ...common, amount: '450.00', previousAmount: '400.00' });
    expect(rows[2]!.details).toMatchObject({ ...common, amount: '450.00', reason: 'Cobro duplicado' });
  });
});

describe('receipts list search', { timeout: 60_000 }, () => {
  it('filters receipts by invoice NCF with the shared live search form (whole page and htmx fragment)', async () => {
    const s = await shop('owner');
    const first = await issuedInvoice(s);
    const second = await issuedInvoice(s);
    for (const invoice of [first, first, second]) {
      expect((await pay(s.host, s.bearer, invoice.id, { amount: '100.00' })).status).toBe(201);
    }
    const page = await (await get(s.host, '/payments', { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('role="search"');
    expect(page).toContain('hx-get="/payments"');
    const found = await (
      await get(s.host, `/payments?q=${first.ncf}`, { headers: { Cookie: s.cookie, 'HX-Request': 'true' } })
    ).text();
    expect(found).not.toContain('<html');
    expect(found.split(`>${first.ncf}<`).length - 1).toBe(2);
    expect(found).not.toContain(second.ncf!);
    const none = await (await get(s.host, '/payments?q=zzz-nada', { headers: { Cookie: s.cookie } })).text();
    expect(none).not.toContain(first.ncf!);
  });
});
