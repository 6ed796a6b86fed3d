/**
 * Expenses (/expenses, /api/v1/expenses), the 606 and the net ITBIS on the DGII page, and a
 * received e-CF turned into an expense. One shop for the file (each test uses its own suppliers,
 * NCF and month); registry rows this file inserts start with 9 (RNC), which the registry's sample
 * generator never produces, and are deleted at the end.
 */
import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contacts, expenseAttachments, expenses, receivedEcf } from '../../src/db/tenant-schema';
import { rncCheckDigit } from '../../src/domain/tax-id';
import { api, apiJson } from '../support/worker/api';
import { buildInvoices } from '../support/worker/invoices';
import { countRoundTrips, get, platform, postForm } from '../support/worker/helpers';
import { shop, type Shop } from '../support/worker/shop';

vi.setConfig({ testTimeout: 60_000 });

let s: Shop;
let other: Shop;
const registryIds: string[] = [];

/** A fresh RNC starting with 9 with a valid check digit. */
function freshRnc(): string {
  const first8 = `9${Array.from(crypto.getRandomValues(new Uint8Array(7)), (byte) => byte % 10).join('')}`;
  return `${first8}${rncCheckDigit(first8)}`;
}

async function registry(taxId: string, name: string, status: string) {
  registryIds.push(taxId);
  const central = (await platform()).centralSql;
  await central`INSERT INTO dgii_taxpayers (tax_id, name, commercial_name, status) VALUES (${taxId}, ${name}, null, ${status})
                ON CONFLICT (tax_id) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status`;
}

beforeAll(async () => {
  [s, other] = await Promise.all([shop('owner', { rnc: '1-31-24679-6' }), shop('owner', { rnc: '4-01-50625-4' })]);
});

afterAll(async () => {
  const central = (await platform()).centralSql;
  await central`DELETE FROM dgii_taxpayers WHERE tax_id = ANY(${registryIds}::text[])`;
});

const page = (path: string, shopUnder: Shop = s, headers: Record<string, string> = {}) =>
  get(shopUnder.host, path, { headers: { Cookie: shopUnder.cookie, ...headers } });
const submit = (path: string, fields: Record<string, string>, shopUnder: Shop = s) =>
  postForm(shopUnder.host, path, fields, { Cookie: shopUnder.cookie });
const post = (path: string, body: unknown, shopUnder: Shop = s) =>
  apiJson(shopUnder.host, path, shopUnder.bearer, { method: 'POST', body: JSON.stringify(body) });

async function count(ncf: string) {
  return (await s.db.select().from(expenses).where(eq(expenses.ncf, ncf))).length;
}

describe('expenses', () => {
  it('records the hand-written January through the API and downloads the same 606; voided and other months stay out', async () => {
    const month = [
      {
        supplierIdNumber: '101850043',
        supplierName: 'Suplidora Óptica del Caribe SRL',
        ncf: 'B0100000123',
        expenseType: '02',
        issuedOn: '2025-01-05',
        paidOn: '2025-01-10',
        paymentForm: '02',
        servicesAmount: '10,000.00',
        itbisBilled: '1800',
        itbisWithheld: '540.00',
        isrWithholdingType: '02',
        isrWithheld: '1000.00',
      },
      {
        supplierIdNumber: '4-01-50625-4',
        supplierName: 'Lentes y Monturas SA',
        ncf: 'b01-00000456',
        expenseType: '09',
        issuedOn: '2025-01-12',
        goodsAmount: '5000.00',
        itbisBilled: '900.00',
        itbisProportional: '100.00',
        itbisToCost: '200.00',
        iscAmount: '50.00',
        otherTaxes: '25.00',
        legalTip: '500.00',
      },
      {
        supplierIdNumber: '401506254',
        ncf: 'B0400000007',
        modifiedNcf: 'B0100000456',
        expenseType: '09',
        issuedOn: '2025-01-20',
        paidOn: '2025-01-20',
        paymentForm: '06',
        goodsAmount: '1000.00',
        itbisBilled: '180.00',
        supplierName: 'Lentes y Monturas SA',
      },
      {
        supplierIdNumber: '001-1391820-5',
        supplierName: 'Juan Pérez (informal)',
        ncf: 'B1100000001',
        expenseType: '02',
        issuedOn: '2025-01-25',
        paidOn: '2025-01-25',
        paymentForm: '01',
        servicesAmount: '3000.00',
        isrWithholdingType: '02',
        isrWithheld: '300.00',
      },
    ];
    const created = [];
    for (const body of month) {
      const { status, body: json } = await post('/expenses', body);
      expect(status, JSON.stringify(json)).toBe(201);
      created.push(json);
    }
    expect(created[0]).toMatchObject({ total: '10000.00', itbisAdvance: '1800.00', status: 'paid' });
    expect(created[1]).toMatchObject({
      ncf: 'B0100000456',
      itbisAdvance: '600.00',
      status: 'pending',
      paymentForm: '04',
    });
    expect(created[3]!.supplier).toMatchObject({ idType: 'cedula', idNumber: '00113918205' });
    // The two expenses of the same supplier share one supplier contact.
    expect(created[1]!.supplier.id).toBe(created[2]!.supplier.id);
    const [supplier] = await s.db.select().from(contacts).where(eq(contacts.idNumber, '401506254'));
    expect(supplier).toMatchObject({ kind: 'supplier', name: 'Lentes y Monturas SA', idType: 'rnc' });
    // Not in the file: a voided expense of the month, an expense of February.
    const voided = await post('/expenses', {
      supplierIdNumber: '101850043',
      ncf: 'B0100000999',
      expenseType: '02',
      issuedOn: '2025-01-15',
      servicesAmount: '1.00',
    });
    expect((await post(`/expenses/${voided.body.id}/void`, {})).status).toBe(200);
    expect(
      (
        await post('/expenses', {
          supplierIdNumber: '101850043',
          ncf: 'B0100000124',
          expenseType: '02',
          issuedOn: '2025-02-01',
          servicesAmount: '1.00',
        })
      ).status,
    ).toBe(201);

    const response = await page('/reports/dgii/606.txt?period=202501');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('DGII_F_606_131246796_202501.TXT');
    expect(await response.text()).toBe(
      [
        '606|131246796|202501|4',
        '101850043|1|02|B0100000123||20250105|20250110|10000.00|0.00|10000.00|1800.00|540.00|0.00|0.00|1800.00|0.00|02|1000.00|0.00|0.00|0.00|0.00|02',
        '401506254|1|09|B0100000456||20250112||0.00|5000.00|5000.00|900.00|0.00|100.00|200.00|600.00|0.00||0.00|0.00|50.00|25.00|500.00|04',
        '401506254|1|09|B0400000007|B0100000456|20250120|20250120|0.00|1000.00|1000.00|180.00|0.00|0.00|0.00|180.00|0.00||0.00|0.00|0.00|0.00|0.00|06',
        '00113918205|2|02|B1100000001||20250125|20250125|3000.00|0.00|3000.00|0.00|0.00|0.00|0.00|0.00|0.00|02|300.00|0.00|0.00|0.00|0.00|01',
        '',
      ].join('\r\n'),
    );
    const viaApi = await api(s.host, '/reports/dgii/606?period=202501', s.bearer);
    expect((await viaApi.text()).split('\r\n')[0]).toBe('606|131246796|202501|4');

    // Net ITBIS of January: a B01 of 1,000.00 + 18% (ITBIS 180.00) and a B04 of 100.00 + 18% (ITBIS 18.00):
    // charged 180.00 - 18.00 = 162.00; advanced 1,800 + 600 - 180 + 0 = 2,220.00; saldo a favor 2,058.00.
    await buildInvoices(
      s.db,
      [{ quantity: '1', unitPrice: '1000', discount: '0', taxRate: '18.00', exempt: false }],
      [
        {
          kind: 'invoice',
          status: 'issued',
          ncfType: 'B01',
          ncf: 'B0100000001',
          issuedOn: '2025-01-08',
          branchId: s.main.id,
          buyerName: 'Cliente',
          buyerIdType: 'rnc',
          buyerIdNumber: '401506254',
          currencyCode: 'DOP',
          exchangeRate: '1',
        },
      ],
      { storeLines: false },
    );
    await buildInvoices(
      s.db,
      [{ quantity: '1', unitPrice: '100', discount: '0', taxRate: '18.00', exempt: false }],
      [
        {
          kind: 'credit_note',
          status: 'issued',
          ncfType: 'B04',
          ncf: 'B0400000001',
          modifiedNcf: 'B0100000001',
          issuedOn: '2025-01-09',
          branchId: s.main.id,
          buyerName: 'Cliente',
          buyerIdType: 'rnc',
          buyerIdNumber: '401506254',
          currencyCode: 'DOP',
          exchangeRate: '1',
        },
      ],
      { storeLines: false },
    );
    let html = '';
    const trips = await countRoundTrips(`optiflow_${s.tenant.id}`, async () => {
      const preview = await page('/reports/dgii?period=202501');
      expect(preview.status).toBe(200);
      html = await preview.text();
    });
    expect(trips).toBe(1);
    expect(html).toContain('DGII_F_606_131246796_202501.TXT');
    expect(html).toContain('data-net-itbis="-2058.00"');
    expect(html).toContain('Saldo a favor');
    for (const figure of [
      'RD$ 17,000.00',
      'RD$ 2,520.00',
      'RD$ 2,220.00',
      'RD$ 540.00',
      'RD$ 1,300.00',
      'RD$ 162.00',
      'RD$ 2,058.00',
    ])
      expect(html).toContain(figure);
  });

  it('refuses bad input with field messages (422 page, problem+json), writes nothing', async () => {
    const bad = {
      supplierIdNumber: '101850044',
      supplierName: 'X',
      ncf: 'B0200000001',
      modifiedNcf: '',
      expenseType: '12',
      issuedOn: '31/02/2025',
      servicesAmount: '1,5',
    };
    const form = await submit('/expenses', bad);
    expect(form.status).toBe(422);
    const html = await form.text();
    expect(html).toContain('Elija una opción de la lista.');
    expect(html).toContain('Escriba una fecha válida');
    expect(html).toContain('value="B0200000001"');
    const { status, body } = await post('/expenses', {
      supplierIdNumber: '101850043',
      supplierName: 'X',
      ncf: 'B0400000099',
      expenseType: '02',
      issuedOn: '2025-03-01',
      paidOn: '2025-02-01',
      paymentForm: '04',
      goodsAmount: '100.00',
      itbisBilled: '18.00',
      itbisToCost: '18.01',
      isrWithheld: '5.00',
    });
    expect(status).toBe(422);
    const fields = Object.fromEntries(
      (body.errors as Array<{ field: string; message: string }>).map((e) => [e.field, e.message]),
    );
    expect(fields).toMatchObject({
      modifiedNcf: 'Una nota de débito o crédito debe indicar el NCF que modifica.',
      paidOn: 'La fecha de pago no puede ser anterior a la del comprobante.',
      paymentForm: expect.stringContaining('Elija cómo se pagó'),
      itbisToCost: expect.stringContaining('no puede pasar del ITBIS facturado'),
      isrWithholdingType: 'Elija el tipo de retención de ISR.',
    });
    const wrongIds = await post('/expenses', {
      supplierIdNumber: '101850044',
      supplierName: 'X',
      ncf: 'B0200000001',
      expenseType: '02',
      issuedOn: '2025-03-01',
      servicesAmount: '1',
    });
    expect(wrongIds.status).toBe(422);
    expect(wrongIds.body.errors).toEqual([
      { field: 'ncf', message: expect.stringContaining('Un gasto no puede llevar este tipo de comprobante') },
      { field: 'supplierIdNumber', message: expect.stringContaining('dígito verificador') },
    ]);
    expect(
      (
        await post('/expenses', {
          supplierIdNumber: freshRnc(),
          ncf: 'B0100000777',
          expenseType: '02',
          issuedOn: '2025-03-01',
          servicesAmount: '1',
        })
      ).body.errors,
    ).toEqual([{ field: 'supplierName', message: expect.stringContaining('no está en el registro') }]);
    expect(await count('B0200000001')).toBe(0);
    expect(await count('B0400000099')).toBe(0);
    expect(await count('B0100000777')).toBe(0);
  });

  it('fills the supplier from the DGII registry (htmx and on submit) and refuses a B01 from an inactive one', async () => {
    const active = freshRnc();
    const suspended = freshRnc();
    await registry(active, 'DISTRIBUIDORA DE CRISTALES PEÑA SRL', 'ACTIVO');
    await registry(suspended, 'ÓPTICA CERRADA SRL', 'SUSPENDIDO');
    const lookup = await page(`/expenses/supplier?supplierIdNumber=${active}&supplierName=&ncf=B01`, s, {
      'HX-Request': 'true',
    });
    const fragment = await lookup.text();
    expect(fragment).toContain('DISTRIBUIDORA DE CRISTALES PEÑA SRL');
    expect(fragment).toContain('hx-swap-oob="true"');
    expect(fragment).toContain('ACTIVO');
    const warned = await (await page(`/expenses/supplier?supplierIdNumber=${suspended}&ncf=B0100000001`, s)).text();
    expect(warned).toContain('SUSPENDIDO');
    expect(warned).toContain('no da derecho a crédito de ITBIS');

    const saved = await submit('/expenses', {
      supplierIdNumber: active,
      supplierName: '',
      ncf: 'B0100000501',
      expenseType: '09',
      issuedOn: '2025-03-03',
      goodsAmount: '200.00',
      itbisBilled: '36.00',
      paymentForm: '04',
    });
    expect(saved.status).toBe(303);
    const id = saved.headers.get('location')!.split('/')[2]!.split('?')[0]!;
    const [row] = await s.db.select().from(expenses).where(eq(expenses.id, id));
    expect(row).toMatchObject({
      supplierName: 'DISTRIBUIDORA DE CRISTALES PEÑA SRL',
      total: '200.00',
      itbisAdvance: '36.00',
    });

    const refused = await post('/expenses', {
      supplierIdNumber: suspended,
      ncf: 'B0100000502',
      expenseType: '09',
      issuedOn: '2025-03-03',
      goodsAmount: '100.00',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: 'supplierIdNumber', message: expect.stringContaining('SUSPENDIDO') },
    ]);
    // A type that gives no ITBIS credit from the same supplier goes through.
    const special = await post('/expenses', {
      supplierIdNumber: suspended,
      ncf: 'B1400000502',
      expenseType: '09',
      issuedOn: '2025-03-03',
      goodsAmount: '100.00',
    });
    expect(special.status).toBe(201);
    expect(special.body.supplier.name).toBe('ÓPTICA CERRADA SRL');
  });

  it('takes the same supplier + NCF once under parallel requests: one 201, the rest 422, no 500', async () => {
    const body = {
      supplierIdNumber: freshRnc(),
      supplierName: 'Suplidor nuevo en paralelo',
      ncf: 'B0100000600',
      expenseType: '02',
      issuedOn: '2025-03-04',
      servicesAmount: '100.00',
    };
    const results = await Promise.all(Array.from({ length: 6 }, () => post('/expenses', body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
    for (const refused of results.filter((r) => r.status === 422))
      expect(refused.body.errors).toEqual([
        { field: 'ncf', message: 'Ya hay un gasto registrado con este NCF de este proveedor.' },
      ]);
    expect(await count('B0100000600')).toBe(1);
    // One supplier contact, although every request created it in its own statement.
    expect((await s.db.select().from(contacts).where(eq(contacts.idNumber, body.supplierIdNumber))).length).toBe(1);
    // Once voided, the NCF may be recorded again.
    const winner = results.find((r) => r.status === 201)!;
    await submit(`/expenses/${winner.body.id}/void`, {});
    expect((await post('/expenses', body)).status).toBe(201);
  });

  it('lists with filters and totals, marks paid, edits, and answers 404 to another shop', async () => {
    const { body: created } = await post('/expenses', {
      supplierIdNumber: '131246796',
      supplierName: 'Alquileres del Este',
      ncf: 'B0100000700',
      expenseType: '03',
      issuedOn: '2025-04-02',
      servicesAmount: '25000.00',
      itbisBilled: '4500.00',
    });
    let list = '';
    const database = `optiflow_${s.tenant.id}`;
    // The list (page + totals) and an expense's page (with its attachments) are one round trip each.
    const listTrips = await countRoundTrips(database, async () => {
      list = await (await page('/expenses?period=202504&type=03')).text();
    });
    const detailTrips = await countRoundTrips(database, async () => {
      await (await page(`/expenses/${created.id}`)).text();
    });
    expect({ listTrips, detailTrips }).toEqual({ listTrips: 1, detailTrips: 1 });
    expect(list).toContain('Alquileres del Este');
    expect(list).toContain('Total (1 gasto)');
    expect(list).toContain('RD$ 25,000.00');
    const fragment = await (await page('/expenses?period=202504&status=paid', s, { 'HX-Request': 'true' })).text();
    expect(fragment).not.toContain('Alquileres del Este');
    expect(fragment).not.toContain('<html');
    const { body: listed } = await apiJson(s.host, '/expenses?period=202504&q=alquileres', s.bearer);
    expect(listed.data.map((e: { id: string }) => e.id)).toEqual([created.id]);
    expect(listed.totals).toEqual({ count: 1, total: '25000.00', itbisBilled: '4500.00', itbisAdvance: '4500.00' });

    const early = await submit(`/expenses/${created.id}/pay`, { paidOn: '2025-04-01', paymentForm: '02' });
    expect(early.status).toBe(422);
    expect(await early.text()).toContain('no puede ser anterior');
    const paid = await submit(`/expenses/${created.id}/pay`, { paidOn: '2025-04-30', paymentForm: '02' });
    expect(paid.status).toBe(303);
    const again = await post(`/expenses/${created.id}/pay`, { paidOn: '2025-04-30', paymentForm: '01' });
    expect(again.status).toBe(409);
    const [row] = await s.db.select().from(expenses).where(eq(expenses.id, created.id));
    expect(row).toMatchObject({ paymentStatus: 'paid', paidOn: '2025-04-30', paymentForm: '02' });

    const edited = await submit(`/expenses/${created.id}/edit`, {
      supplierIdNumber: '131246796',
      supplierName: 'Alquileres del Este SRL',
      ncf: 'B0100000700',
      expenseType: '03',
      issuedOn: '2025-04-02',
      paidOn: '2025-04-30',
      paymentForm: '02',
      servicesAmount: '25000.00',
      itbisBilled: '4500.00',
      itbisToCost: '500.00',
    });
    expect(edited.status).toBe(303);
    expect((await apiJson(s.host, `/expenses/${created.id}`, s.bearer)).body).toMatchObject({
      supplier: { name: 'Alquileres del Este SRL' },
      itbisAdvance: '4000.00',
    });

    expect((await page(`/expenses/${created.id}`, other)).status).toBe(404);
    expect((await apiJson(other.host, `/expenses/${created.id}`, other.bearer)).status).toBe(404);
    expect((await submit(`/expenses/${created.id}/void`, {}, other)).status).toBe(404);
    const theirs = await apiJson(other.host, '/expenses?period=202504', other.bearer);
    expect(theirs.body.data).toEqual([]);
  });

  it('stores attachments under the shop, serves them to it only, refuses other types and sizes', async () => {
    const { body: created } = await post('/expenses', {
      supplierIdNumber: '101850043',
      supplierName: 'Papelería',
      ncf: 'B0100000800',
      expenseType: '02',
      issuedOn: '2025-04-03',
      servicesAmount: '10.00',
    });
    const pdf = new TextEncoder().encode('%PDF-1.4\n% factura del suplidor\n%%EOF\n');
    const upload = (bytes: Uint8Array, name: string, shopUnder: Shop = s) => {
      const form = new FormData();
      form.append('attachment', new File([bytes], name, { type: 'application/pdf' }));
      return SELF.fetch(`http://${shopUnder.host}/expenses/${created.id}/attachments`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: shopUnder.cookie, Origin: `http://${shopUnder.host}` },
        body: form,
      });
    };
    expect((await upload(pdf, 'factura B0100000800.pdf')).status).toBe(303);
    const html = await upload(new TextEncoder().encode('<html>not a pdf</html>'), 'x.pdf');
    expect(html.status).toBe(422);
    expect(await html.text()).toContain('Solo se aceptan PDF, JPEG, PNG o WebP.');
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(pdf);
    expect((await upload(big, 'big.pdf')).status).toBe(422);
    expect((await upload(pdf, 'theirs.pdf', other)).status).toBe(404);

    const [file] = await s.db.select().from(expenseAttachments).where(eq(expenseAttachments.expenseId, created.id));
    expect(file).toMatchObject({
      fileName: 'factura B0100000800.pdf',
      contentType: 'application/pdf',
      byteSize: pdf.byteLength,
    });
    expect(file!.fileKey.startsWith(`expenses/${created.id}/`)).toBe(true);
    const download = await page(`/expenses/${created.id}/attachments/${file!.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);
    expect((await page(`/expenses/${created.id}/attachments/${file!.id}`, other)).status).toBe(404);
    expect((await s.files.get(file!.fileKey))?.size).toBe(pdf.byteLength);
    expect(await other.files.get(file!.fileKey)).toBeNull();
    expect((await apiJson(s.host, `/expenses/${created.id}`, s.bearer)).body.attachments).toHaveLength(1);
    const detail = await (await page(`/expenses/${created.id}`)).text();
    expect(detail).toContain(`action="/expenses/${created.id}/attachments/${file!.id}/delete"`);

    // Removing it: another shop's user finds nothing; of four simultaneous removals one wins, and the
    // file leaves the shop's files with its row.
    const removal = `/expenses/${created.id}/attachments/${file!.id}/delete`;
    expect((await submit(removal, {}, other)).status).toBe(404);
    const removals = await Promise.all([0, 1, 2, 3].map(() => submit(removal, {})));
    expect(removals.map((r) => r.status).sort()).toEqual([303, 404, 404, 404]);
    expect(removals.find((r) => r.status === 303)!.headers.get('location')).toBe(
      `/expenses/${created.id}?notice=detached`,
    );
    expect(await s.db.select().from(expenseAttachments).where(eq(expenseAttachments.expenseId, created.id))).toEqual(
      [],
    );
    expect(await s.files.get(file!.fileKey)).toBeNull();
    expect((await page(`/expenses/${created.id}/attachments/${file!.id}`)).status).toBe(404);
    expect(await (await page(`/expenses/${created.id}?notice=detached`)).text()).toContain('Archivo eliminado.');
  });

  it('turns a received e-CF into one expense (prefilled, double click -> one), linked both ways', async () => {
    const issuer = freshRnc();
    await registry(issuer, 'LABORATORIO ÓPTICO NACIONAL SRL', 'ACTIVO');
    const encf = 'E310000000321';
    const xml = `<?xml version="1.0" encoding="UTF-8"?><ECF><Encabezado><IdDoc><TipoeCF>31</TipoeCF><eNCF>${encf}</eNCF></IdDoc>
      <Emisor><RNCEmisor>${issuer}</RNCEmisor><RazonSocialEmisor>LABORATORIO ÓPTICO NACIONAL SRL</RazonSocialEmisor><FechaEmision>10-04-2025</FechaEmision></Emisor>
      <Comprador><RNCComprador>131246796</RNCComprador><RazonSocialComprador>Óptica</RazonSocialComprador></Comprador>
      <Totales><MontoGravadoTotal>1000.00</MontoGravadoTotal><TotalITBIS>180.00</TotalITBIS><MontoTotal>1180.00</MontoTotal></Totales></Encabezado>
      <DetallesItems><Item><NumeroLinea>1</NumeroLinea><IndicadorFacturacion>1</IndicadorFacturacion><NombreItem>Lentes tallados</NombreItem><IndicadorBienoServicio>1</IndicadorBienoServicio><CantidadItem>1</CantidadItem><PrecioUnitarioItem>750.00</PrecioUnitarioItem><MontoItem>750.00</MontoItem></Item>
      <Item><NumeroLinea>2</NumeroLinea><IndicadorFacturacion>1</IndicadorFacturacion><NombreItem>Montaje</NombreItem><IndicadorBienoServicio>2</IndicadorBienoServicio><CantidadItem>1</CantidadItem><PrecioUnitarioItem>250.00</PrecioUnitarioItem><MontoItem>250.00</MontoItem></Item></DetallesItems></ECF>`;
    const xmlKey = `ecf/received/${crypto.randomUUID()}.xml`;
    await s.files.put(xmlKey, xml);
    const [received] = await s.db
      .insert(receivedEcf)
      .values({
        issuerRnc: issuer,
        issuerName: 'LABORATORIO ÓPTICO NACIONAL SRL',
        encf,
        ecfType: '31',
        buyerRnc: '131246796',
        issuedOn: '2025-04-10',
        total: '1180.00',
        itbisTotal: '180.00',
        securityCode: 'ABC123',
        signedAt: new Date('2025-04-10T12:00:00Z'),
        xmlKey,
      })
      .returning();
    const inbox = await (await page(`/ecf/recibidos/${received!.id}`)).text();
    expect(inbox).toContain(`/expenses/new?receivedEcfId=${received!.id}`);
    const form = await (await page(`/expenses/new?receivedEcfId=${received!.id}`)).text();
    for (const value of [
      `value="${issuer}"`,
      `value="${encf}"`,
      'value="2025-04-10"',
      'value="750.00"',
      'value="250.00"',
      'value="180.00"',
    ])
      expect(form).toContain(value);
    expect((await page(`/expenses/new?receivedEcfId=${received!.id}`, other)).status).toBe(404);

    const fields = {
      receivedEcfId: received!.id,
      supplierIdNumber: issuer,
      supplierName: 'LABORATORIO ÓPTICO NACIONAL SRL',
      ncf: encf,
      expenseType: '09',
      issuedOn: '2025-04-10',
      goodsAmount: '750.00',
      servicesAmount: '250.00',
      itbisBilled: '180.00',
      paymentForm: '04',
    };
    const clicks = await Promise.all([submit('/expenses', fields), submit('/expenses', fields)]);
    expect(clicks.map((r) => r.status).sort()).toEqual([303, 422]);
    const refusedHtml = await clicks.find((r) => r.status === 422)!.text();
    expect(refusedHtml).toMatch(
      /Este e-CF recibido ya está registrado como gasto|Ya hay un gasto registrado con este NCF/,
    );
    const rows = await s.db.select().from(expenses).where(eq(expenses.receivedEcfId, received!.id));
    expect(rows).toHaveLength(1);
    const expenseId = rows[0]!.id;
    expect(await (await page(`/expenses/${expenseId}`)).text()).toContain(`/ecf/recibidos/${received!.id}`);
    const linked = await (await page(`/ecf/recibidos/${received!.id}`)).text();
    expect(linked.slice(linked.indexOf('<main'), linked.indexOf('<main') + 1500)).toContain(`/expenses/${expenseId}`);
    expect(linked).not.toContain(`/expenses/new?receivedEcfId=`);
    const revisit = await get(s.host, `/expenses/new?receivedEcfId=${received!.id}`, {
      headers: { Cookie: s.cookie },
      redirect: 'manual',
    });
    expect(revisit.status).toBe(303);
    expect(revisit.headers.get('location')).toBe(`/expenses/${expenseId}`);
    // Another shop cannot record this shop's e-CF.
    const foreign = await post('/expenses', { ...fields, supplierIdNumber: issuer }, other);
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([{ field: 'receivedEcfId', message: 'El e-CF recibido no existe.' }]);
    expect((await other.db.execute(sql`SELECT count(*)::int AS n FROM expenses`)).rows[0]).toEqual({ n: 0 });
  });
});
