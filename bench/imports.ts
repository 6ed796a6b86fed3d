/**
 * Row 23: imports from a shop's old system, rows per second for each entity, through the service the
 * screen's job and the CLI run (importFileNow: read the CSV, check every row with the batched lookups,
 * then one transaction of 500-row INSERT ... ON CONFLICT DO NOTHING chunks), in-process as the CLI
 * runs it, on a fresh tenant of the bench stack (the file goes to the bench's R2 as the CLI's does).
 * Alone: OPTIFLOW_BENCH_ONLY=imports npm run bench.
 */
import type { DevStack } from '../dev/stack';
import type { Bindings } from '../src/env';
import { importFileNow } from '../src/services/shop/imports';
import { findTenantById } from '../src/tenancy/central-queries';
import { openTenantContext } from '../src/tenancy/context';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { blankRow, type Row } from './row';

const plan = { contacts: 10_000, products: 10_000, prescriptions: 10_000, invoices: 5_000 };

/** A valid cédula for n (10 digits and the Luhn check digit). */
function cedula(n: number): string {
  const body = `4${String(n).padStart(9, '0')}`;
  for (let check = 0; check <= 9; check++) {
    const digits = body + check;
    let sum = 0;
    for (let i = 0; i < 11; i++) {
      let value = Number(digits[10 - i]);
      if (i % 2 === 1) value = value * 2 > 9 ? value * 2 - 9 : value * 2;
      sum += value;
    }
    if (sum % 10 === 0) return digits;
  }
  throw new Error('no check digit');
}

function files(): { contacts: string; products: string; prescriptions: string; invoices: string } {
  const contacts = ['Código;Nombre;Cédula;Celular;Correo'];
  for (let i = 1; i <= plan.contacts; i++)
    contacts.push(`C-${i};Cliente ${i} Pérez;${cedula(i)};809${String(5_000_000 + i).slice(-7)};c${i}@example.test`);
  const products = ['SKU;Nombre;Categoría;Marca;Precio;Costo;ITBIS;Existencia PRINCIPAL'];
  for (let i = 1; i <= plan.products; i++)
    products.push(`P-${i};Montura ${i};Monturas;Marca ${i % 40};${1000 + (i % 500)}.50;600;18;${i % 7}`);
  const prescriptions = ['Id receta;Paciente;Fecha;Optómetra;Esfera OD;Cilindro OD;Eje OD;Esfera OI;Adición OD'];
  for (let i = 1; i <= plan.prescriptions; i++)
    prescriptions.push(`RX-${i};C-${i};15/03/2024;Dra. Peña;-${(i % 16) * 0.25};-0.50;${1 + (i % 180)};-1.00;+2.00`);
  const invoices = ['NCF;Cliente;Fecha;Total;ITBIS;Saldo'];
  for (let i = 1; i <= plan.invoices; i++)
    invoices.push(`B02${String(i).padStart(8, '0')};C-${i};10/01/2024;1180.00;180.00;${i % 2 ? '1180.00' : '500.00'}`);
  return {
    contacts: contacts.join('\r\n'),
    products: products.join('\r\n'),
    prescriptions: prescriptions.join('\r\n'),
    invoices: invoices.join('\r\n'),
  };
}

export async function importRows(
  platform: Platform,
  stack: DevStack,
  _port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  const tenantId = `bench-imp-${Date.now().toString(36)}`;
  progress('row 23: a fresh shop for the imports...');
  await createTenant(platform, { id: tenantId, name: 'Óptica Importada', domains: [tenantId] });
  const record = await findTenantById(platform.central, tenantId);
  // The stack's settings and the bench's own KV and R2 (the CLI's platform proxy); no job is queued.
  const env = {
    ...stack.env,
    KV: platform.kv,
    FILES: platform.files,
    JOBS: { send: async () => undefined },
  } as unknown as Bindings;
  const ctx = { ...(await openTenantContext(env, record!)), env, userId: null };
  const content = files();
  const rows: Row[] = [];
  for (const entity of ['contacts', 'products', 'prescriptions', 'invoices'] as const) {
    const count = plan[entity];
    progress(`row 23: importing ${count.toLocaleString('en')} ${entity}...`);
    const started = performance.now();
    const result = await importFileNow(ctx, {
      entity,
      fileName: `${entity}.csv`,
      bytes: new TextEncoder().encode(content[entity]),
      overrides: {},
      dryRun: false,
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.preview.errorRows > 0 || result.run?.status !== 'done' || result.run.inserted !== count)
      throw new Error(
        `import of ${entity}: ${result.preview.errorRows} bad rows (${JSON.stringify(result.preview.issues.slice(0, 3))}), run ${result.run?.status} ${result.run?.error ?? ''}, ${result.run?.inserted} inserted`,
      );
    const again = performance.now();
    const rerun = await importFileNow(ctx, {
      entity,
      fileName: `${entity}.csv`,
      bytes: new TextEncoder().encode(content[entity]),
      overrides: {},
      dryRun: true,
    });
    const checkSeconds = (performance.now() - again) / 1000;
    rows.push({
      ...blankRow,
      id: entity === 'contacts' ? '23' : '',
      scenario: `import ${entity} (check + one transaction, 500-row chunks)`,
      load: `${count.toLocaleString('en')} rows${entity === 'products' ? ' with stock' : ''}`,
      time: `${seconds.toFixed(1)} s`,
      throughput: `${Math.round(count / seconds).toLocaleString('en')} rows/s`,
      tail: `re-check (all exist): ${checkSeconds.toFixed(1)} s, ${rerun.preview.skipped.toLocaleString('en')} skipped`,
    });
  }
  return rows;
}
