/**
 * Imports from the shop's old system: upload, mapping (remembered), the preview, the all-or-nothing
 * job (claimed once), each entity's hand-checked result, re-runs that add nothing, the error report,
 * isolation (404), permission (403) and bad files (422). One shop for the file; each test its own keys.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  branches,
  contacts,
  importMappings,
  importRuns,
  invoiceLines,
  invoices,
  prescriptions,
  products,
  receivableBalances,
  stock,
  stockMovements,
} from '../../src/db/tenant-schema';
import { jobHandlers } from '../../src/jobs';
import { salesPageSql } from '../../src/queries/reports';
import { api } from '../support/worker/api';
import { get, postForm, tenantContext, testEnv } from '../support/worker/helpers';
import { postMultipart } from '../support/worker/lab-orders';
import { colleague, shop, type Shop } from '../support/worker/shop';

let s: Shop;

beforeAll(async () => {
  s = await shop('owner');
  await s.db.insert(branches).values({ code: 'NORTE', name: 'Sucursal Norte' });
}, 60_000);

function upload(who: Pick<Shop, 'host' | 'cookie'>, entity: string, name: string, content: string | Uint8Array) {
  const body = new FormData();
  body.set('entity', entity);
  body.set('file', new File([content], name, { type: 'text/csv' }));
  return postMultipart(who, '/imports', body);
}

/** Uploads, returns the run id (from the redirect). */
async function uploaded(entity: string, name: string, content: string | Uint8Array): Promise<string> {
  const response = await upload(s, entity, name, content);
  expect(response.status, await response.clone().text()).toBe(303);
  return response.headers.get('location')!.split('/').pop()!;
}

async function preview(id: string, mapping: Record<string, string>) {
  const fields = Object.fromEntries(Object.entries(mapping).map(([field, header]) => [`map.${field}`, header]));
  return postForm(s.host, `/imports/${id}/preview`, fields, { Cookie: s.cookie });
}

async function runOf(id: string) {
  const [run] = await s.db.select().from(importRuns).where(eq(importRuns.id, id));
  return run!;
}

/** Starts the import, delivers its job three times at once (a queue may repeat it), waits for the end. */
async function runImport(id: string) {
  const started = await postForm(s.host, `/imports/${id}/run`, {}, { Cookie: s.cookie });
  expect(started.status).toBe(303);
  const context = await tenantContext(s.tenant.id);
  await Promise.all([1, 2, 3].map(() => jobHandlers['imports.run']!(context, { id }, testEnv)));
  for (let i = 0; i < 100; i++) {
    const run = await runOf(id);
    if (run.status === 'done' || run.status === 'failed') return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('import did not finish');
}

const page = async (path: string) => (await get(s.host, path, { headers: { Cookie: s.cookie } })).text();

describe('imports', { timeout: 120_000 }, () => {
  it('contacts: guessed mapping, preview with every bad row, a bad file writes nothing, the good one imports once', async () => {
    // Windows-1252, semicolons, Spanish headers: what Excel saves here.
    const header = 'Código;Nombre;Cédula/RNC;Teléfono;Correo;Fecha de nacimiento';
    const good = [
      'C-1;María Pérez;001-1391820-5;(809) 555-1234;maria@example.test;23/04/1985',
      'C-2;Óptica Sur SRL;101850043;;;',
      'C-3;Juan Núñez;;809.555.9876;;',
    ];
    const latin1 = (text: string) => Uint8Array.from([...text].map((char) => char.charCodeAt(0)));
    const badId = await uploaded(
      'contacts',
      'clientes.csv',
      latin1([header, ...good, 'C-4;Ana Gómez;00113918204;;;', 'C-1;Repetida;;;no-es-correo;'].join('\r\n')),
    );
    // The form proposes the columns by their names.
    const form = await page(`/imports/${badId}`);
    expect(form).toMatch(/name="map.importKey"[\s\S]*?<option value="Código" selected/);
    expect(form).toMatch(/name="map.idNumber"[\s\S]*?<option value="Cédula\/RNC" selected/);
    const mapping = {
      importKey: 'Código',
      name: 'Nombre',
      idNumber: 'Cédula/RNC',
      phone: 'Teléfono',
      email: 'Correo',
      birthDate: 'Fecha de nacimiento',
    };
    expect((await preview(badId, mapping)).status).toBe(303);
    const bad = await runOf(badId);
    expect([bad.status, bad.totalRows, bad.errorRows]).toEqual(['validated', 5, 2]);
    const shown = await page(`/imports/${badId}`);
    expect(shown).toContain('5 filas: 3 se importarán, 0 ya existen y se omiten, 2 con errores.');
    expect(shown).toContain('La cédula no es válida');
    expect(shown).toContain('Repetido en el archivo (ya aparece en la fila 2).');
    // The error report: row, column, value, message.
    const reportBytes = new Uint8Array(
      await (await get(s.host, `/imports/${badId}/errors.csv`, { headers: { Cookie: s.cookie } })).arrayBuffer(),
    );
    // UTF-8 with a BOM, so Excel shows the accents.
    expect([...reportBytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const report = new TextDecoder().decode(reportBytes);
    expect(report.split('\r\n').slice(0, 4)).toEqual([
      'Fila,Columna,Valor,Problema',
      expect.stringMatching(/^5,Cédula\/RNC,00113918204,/),
      '6,Correo,no-es-correo,Escriba un correo electrónico válido.',
      '6,Código,C-1,Repetido en el archivo (ya aparece en la fila 2).',
    ]);
    // A file with errors cannot be imported: nothing is written.
    expect((await postForm(s.host, `/imports/${badId}/run`, {}, { Cookie: s.cookie })).status).toBe(409);
    expect(
      await s.db
        .select()
        .from(contacts)
        .where(inArray(contacts.importKey, ['C-1', 'C-2', 'C-3'])),
    ).toEqual([]);

    const goodId = await uploaded('contacts', 'clientes.csv', latin1([header, ...good].join('\r\n')));
    expect((await preview(goodId, mapping)).status).toBe(303);
    const done = await runImport(goodId);
    expect([done.status, done.inserted, done.skipped, done.processedRows]).toEqual(['done', 3, 0, 3]);
    const rows = await s.db
      .select()
      .from(contacts)
      .where(inArray(contacts.importKey, ['C-1', 'C-2', 'C-3']))
      .orderBy(contacts.importKey);
    expect(
      rows.map((row) => [row.importKey, row.name, row.idType, row.idNumber, row.phone, row.email, row.birthDate]),
    ).toEqual([
      ['C-1', 'María Pérez', 'cedula', '00113918205', '8095551234', 'maria@example.test', '1985-04-23'],
      ['C-2', 'Óptica Sur SRL', 'rnc', '101850043', null, null, null],
      ['C-3', 'Juan Núñez', null, null, '8095559876', null, null],
    ]);
    // The mapping is remembered for the next contacts file.
    const [remembered] = await s.db.select().from(importMappings).where(eq(importMappings.entity, 'contacts'));
    expect(remembered!.mapping).toEqual(mapping);

    // The same file again: every row exists, nothing is added.
    const againId = await uploaded('contacts', 'clientes.csv', latin1([header, ...good].join('\r\n')));
    expect((await preview(againId, mapping)).status).toBe(303);
    expect(await page(`/imports/${againId}`)).toContain(
      '3 filas: 0 se importarán, 3 ya existen y se omiten, 0 con errores.',
    );
    const again = await runImport(againId);
    expect([again.status, again.inserted, again.skipped]).toEqual(['done', 0, 3]);
    expect(
      await s.db
        .select()
        .from(contacts)
        .where(inArray(contacts.importKey, ['C-1', 'C-2', 'C-3'])),
    ).toHaveLength(3);

    // The job's message delivered again after the end claims nothing.
    const context = await tenantContext(s.tenant.id);
    await jobHandlers['imports.run']!(context, { id: againId }, testEnv);
    expect((await runOf(againId)).status).toBe('done');
  });

  it('a remembered mapping is offered for columns no guess would find', async () => {
    const first = await uploaded('contacts', 'a.csv', 'Col A,Col B\nR-1,Rosa Díaz\n');
    expect((await preview(first, { importKey: 'Col A', name: 'Col B' })).status).toBe(303);
    expect((await runImport(first)).inserted).toBe(1);
    const second = await uploaded('contacts', 'b.csv', 'Col A,Col B\nR-2,Rita Díaz\n');
    const form = await page(`/imports/${second}`);
    expect(form).toMatch(/name="map.importKey"[\s\S]*?<option value="Col A" selected/);
    expect(form).toMatch(/name="map.name"[\s\S]*?<option value="Col B" selected/);
  });

  it('products with opening stock per branch, prescriptions and open invoices (in receivables, not in the 607)', async () => {
    const [norte] = await s.db.select().from(branches).where(eq(branches.code, 'NORTE'));
    // Patients and customers as a contacts import leaves them (keys of the old system).
    await s.db.insert(contacts).values([
      { kind: 'customer', name: 'Lucía Marte', importKey: 'P-1', idType: 'cedula', idNumber: '40200000004' },
      { kind: 'customer', name: 'Ferretería Norte SRL', importKey: 'P-2', idType: 'rnc', idNumber: '131246796' },
      { kind: 'customer', name: 'Pedro Almonte', importKey: 'P-3' },
    ]);
    const productsId = await uploaded(
      'products',
      'productos.csv',
      [
        'SKU,Descripción,Categoría,Marca,Precio,Costo,ITBIS,Existencia PRINCIPAL,Existencia NORTE',
        'IMP-RB1,Ray-Ban Aviador,Monturas,Ray-Ban,"4,500.00",2100,18,3,0',
        'IMP-LC1,Acuvue Oasys,lentes de contacto,Acuvue,"1.250,50",600,Exento,0,12',
      ].join('\n'),
    );
    expect(
      (
        await preview(productsId, {
          sku: 'SKU',
          name: 'Descripción',
          category: 'Categoría',
          brand: 'Marca',
          price: 'Precio',
          cost: 'Costo',
          taxCode: 'ITBIS',
          'stock:PRINCIPAL': 'Existencia PRINCIPAL',
          'stock:NORTE': 'Existencia NORTE',
        })
      ).status,
    ).toBe(303);
    expect((await runOf(productsId)).errorRows).toBe(0);
    expect((await runImport(productsId)).inserted).toBe(2);
    const items = await s.db
      .select()
      .from(products)
      .where(inArray(products.sku, ['IMP-RB1', 'IMP-LC1']))
      .orderBy(products.sku);
    expect(items.map((row) => [row.sku, row.category, row.price, row.cost])).toEqual([
      ['IMP-LC1', 'lentes_contacto', '1250.5000', '600.0000'],
      ['IMP-RB1', 'monturas', '4500.0000', '2100.0000'],
    ]);
    const levels = await s.db
      .select({ productId: stock.productId, branchId: stock.branchId, quantity: stock.quantity })
      .from(stock)
      .where(
        inArray(
          stock.productId,
          items.map((row) => row.id),
        ),
      );
    const lc = items[0]!.id;
    const rb = items[1]!.id;
    expect(levels.sort((a, b) => a.quantity - b.quantity)).toEqual([
      { productId: rb, branchId: s.main.id, quantity: 3 },
      { productId: lc, branchId: norte!.id, quantity: 12 },
    ]);
    const moves = await s.db
      .select()
      .from(stockMovements)
      .where(inArray(stockMovements.productId, [lc, rb]));
    expect(moves.map((move) => [move.kind, move.quantity, move.balanceAfter]).sort()).toEqual([
      ['initial', 12, 12],
      ['initial', 3, 3],
    ]);

    // Prescriptions: the patient by the old key imported above; an Rx value out of step is an error.
    const rxFile = (extra: string) =>
      [
        'Id receta,Paciente,Fecha,Optómetra,Esfera OD,Cilindro OD,Eje OD,Esfera OI,Adición OD',
        'RX-1,P-1,15/03/2024,Dra. Peña,-1.25,-0.50,180,-1.00,+2.00',
        extra,
      ].join('\n');
    const rxMapping = {
      importKey: 'Id receta',
      patientKey: 'Paciente',
      examinedOn: 'Fecha',
      optometristName: 'Optómetra',
      odSphere: 'Esfera OD',
      odCylinder: 'Cilindro OD',
      odAxis: 'Eje OD',
      oiSphere: 'Esfera OI',
      odAdd: 'Adición OD',
    };
    const badRx = await uploaded('prescriptions', 'recetas.csv', rxFile('RX-2,NO-EXISTE,01/02/2024,,-1.30,,,,'));
    expect((await preview(badRx, rxMapping)).status).toBe(303);
    const rxErrors = await page(`/imports/${badRx}/errors.csv`);
    expect((await runOf(badRx)).errorRows, rxErrors).toBe(1);
    expect(rxErrors).toContain('3,Paciente,NO-EXISTE,No existe un paciente con esta clave (id anterior o cédula).');
    expect(rxErrors).toMatch(/3,Esfera OD,-1\.30,/);
    const goodRx = await uploaded('prescriptions', 'recetas.csv', rxFile('RX-2,402-0000000-4,01/02/2024,,+0.75,,,,'));
    expect((await preview(goodRx, rxMapping)).status).toBe(303);
    expect((await runImport(goodRx)).inserted).toBe(2);
    const [lucia] = await s.db.select().from(contacts).where(eq(contacts.importKey, 'P-1'));
    const rx = await s.db
      .select()
      .from(prescriptions)
      .where(eq(prescriptions.patientId, lucia!.id))
      .orderBy(prescriptions.importKey);
    expect(
      rx.map((row) => [
        row.importKey,
        row.examinedOn,
        row.optometristName,
        row.odSphere,
        row.odCylinder,
        row.odAxis,
        row.odAdd,
        row.oiSphere,
      ]),
    ).toEqual([
      ['RX-1', '2024-03-15', 'Dra. Peña', '-1.25', '-0.50', 180, '2.00', '-1.00'],
      ['RX-2', '2024-02-01', 'Sistema anterior', '0.75', null, null, null, null],
    ]);

    // Open invoices: balance in receivables, NCF kept, history only (not in the 607).
    const invoiceMapping = {
      ncf: 'NCF',
      customerKey: 'Cliente',
      issuedOn: 'Fecha',
      total: 'Total',
      itbis: 'ITBIS',
      balance: 'Saldo',
    };
    const invoicesId = await uploaded(
      'invoices',
      'facturas.csv',
      [
        'NCF;Cliente;Fecha;Total;ITBIS;Saldo',
        'B0100000901;P-2;10/01/2024;11800.00;1800.00;5000.00',
        'B0200000902;P-3;12/01/2024;2360,00;360,00;2360,00',
        'B0200000903;P-3;12/01/2024;100.00;0;150.00',
      ].join('\n'),
    );
    expect((await preview(invoicesId, invoiceMapping)).status).toBe(303);
    expect(await page(`/imports/${invoicesId}/errors.csv`)).toContain(
      '4,Saldo,150.00,El saldo no puede ser mayor que el total.',
    );
    const okInvoices = await uploaded(
      'invoices',
      'facturas.csv',
      [
        'NCF;Cliente;Fecha;Total;ITBIS;Saldo',
        'B0100000901;P-2;10/01/2024;11800.00;1800.00;5000.00',
        'B0200000902;P-3;12/01/2024;2360,00;360,00;2360,00',
      ].join('\n'),
    );
    expect((await preview(okInvoices, invoiceMapping)).status).toBe(303);
    expect((await runImport(okInvoices)).inserted).toBe(2);
    const imported = await s.db
      .select()
      .from(invoices)
      .where(inArray(invoices.ncf, ['B0100000901', 'B0200000902']))
      .orderBy(invoices.ncf);
    expect(
      imported.map((row) => [
        row.ncf,
        row.status,
        row.total,
        row.itbisTotal,
        row.paidTotal,
        row.buyerIdNumber,
        row.importedAt !== null,
      ]),
    ).toEqual([
      ['B0100000901', 'partially_paid', '11800.00', '1800.00', '6800.00', '131246796', true],
      ['B0200000902', 'issued', '2360.00', '360.00', '0.00', null, true],
    ]);
    const lines = await s.db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, imported[0]!.id));
    expect(lines.map((line) => [line.amount, line.taxRate])).toEqual([['10000.00', '18.00']]);
    const [c2] = await s.db.select().from(contacts).where(eq(contacts.importKey, 'P-2'));
    /** The customer's open balance over every branch. */
    const openBalance = async (customerId: string) =>
      (
        await s.db
          .select()
          .from(receivableBalances)
          .where(
            and(
              eq(receivableBalances.customerId, customerId),
              eq(receivableBalances.branchKey, '00000000-0000-0000-0000-000000000000'),
            ),
          )
      ).map((row) => row.openDop);
    expect(await openBalance(c2!.id)).toEqual(['5000.00']);
    const sales = await s.db.execute(salesPageSql('202401', null, 100));
    expect(sales.rows).toEqual([]);
    // An imported invoice is paid like any other: a receipt within the balance, then the rest; a
    // payment over the balance is refused; the customer's open balance follows.
    const pay = (amount: string) =>
      api(s.host, `/invoices/${imported[0]!.id}/payments`, s.bearer, {
        method: 'POST',
        body: JSON.stringify({ method: '1', amount }),
      });
    expect((await pay('5000.01')).status).toBe(422);
    expect((await pay('2000.00')).status).toBe(201);
    expect((await pay('3000.00')).status).toBe(201);
    const [settled] = await s.db.select().from(invoices).where(eq(invoices.id, imported[0]!.id));
    expect([settled!.status, settled!.paidTotal]).toEqual(['paid', '11800.00']);
    expect((await openBalance(c2!.id))[0] ?? '0.00').toBe('0.00');
    // Re-run: the NCFs exist, nothing added.
    const rerun = await uploaded(
      'invoices',
      'facturas.csv',
      ['NCF;Cliente;Fecha;Total;ITBIS;Saldo', 'B0100000901;P-2;10/01/2024;11800.00;1800.00;5000.00'].join('\n'),
    );
    expect((await preview(rerun, invoiceMapping)).status).toBe(303);
    expect([(await runImport(rerun)).inserted, (await runOf(rerun)).skipped]).toEqual([0, 1]);
    expect(
      await s.db
        .select()
        .from(invoices)
        .where(and(eq(invoices.ncf, 'B0100000901'))),
    ).toHaveLength(1);
  });

  it('bad files are a 422, another shop gets 404 for the run and its report, a seller 403', async () => {
    expect((await upload(s, 'contacts', 'foto.pdf', '%PDF-1.4')).status).toBe(422);
    expect((await upload(s, 'contacts', 'vacio.csv', 'Nombre\n')).status).toBe(422);
    expect((await upload(s, 'contacts', 'malo.xlsx', 'PK\u0003\u0004 no es un zip')).status).toBe(422);
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(0x41);
    const tooBig = await upload(s, 'contacts', 'grande.csv', big);
    expect(tooBig.status).toBe(422);
    expect(await tooBig.text()).toContain('pasa de 10 MB');

    const id = await uploaded('contacts', 'c.csv', 'Nombre,Cédula\nPedro,00113918204\n');
    expect((await preview(id, { name: 'Nombre', idNumber: 'Cédula' })).status).toBe(303);
    const other = await shop('owner');
    const headers = { headers: { Cookie: other.cookie } };
    expect((await get(other.host, `/imports/${id}`, headers)).status).toBe(404);
    expect((await get(other.host, `/imports/${id}/errors.csv`, headers)).status).toBe(404);
    expect((await get(other.host, `/imports/${id}/progress`, headers)).status).toBe(404);
    expect((await postForm(other.host, `/imports/${id}/run`, {}, { Cookie: other.cookie })).status).toBe(404);
    const seller = await colleague(s, 'ventas');
    expect((await get(s.host, '/imports', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    expect((await upload({ host: s.host, cookie: seller.cookie }, 'contacts', 'c.csv', 'Nombre\nX\n')).status).toBe(
      403,
    );
  });
});
