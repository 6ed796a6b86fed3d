import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importEntities, isImportEntity, type ImportPreview } from '../domain/imports';
import { AppError } from '../errors';
import { importFileNow } from '../services/shop/imports';
import { findTenantById } from '../tenancy/central-queries';
import { openTenantContext } from '../tenancy/context';
import { defineCommand, UsageError } from './command';
import { print } from './output';

/** `--map name=Nombre` -> { name: 'Nombre' }; the column may contain `=`. */
function parseMapOptions(values: readonly string[] | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1)
      throw new UsageError(`--map takes field=Column (e.g. --map idNumber="Cédula"), got "${value}"`);
    mapping[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return mapping;
}

function summary(entity: string, preview: ImportPreview): string {
  return `${entity}: ${preview.total} rows, ${preview.ready} to import, ${preview.skipped} already exist (skipped), ${preview.errorRows} with errors`;
}

export const importCommand = defineCommand({
  name: 'tenants:import',
  summary: "Import contacts, products, prescriptions or open invoices from a shop's old system (CSV or .xlsx)",
  args: ['tenant', 'entity', 'file'],
  options: {
    map: {
      type: 'string',
      multiple: true,
      placeholder: 'field=Column',
      description: "A target field and the file's column for it (repeatable); the rest is guessed or remembered",
    },
    'dry-run': { type: 'boolean', description: 'Check every row and print the preview; write nothing' },
  },
  notes: [
    `Entities: ${importEntities.join(', ')}. The same checks as the shop's import screen; a file with any bad row writes nothing.`,
    'Rows whose key exists (old id or cédula/RNC, SKU, prescription old id, NCF) are skipped, so a re-run adds nothing.',
    'The write runs in this process, in one transaction, and the command waits for it (no queue consumer needed).',
  ],
  prepare({ args: [tenantId, entity, file], values }) {
    if (!isImportEntity(entity))
      throw new UsageError(`unknown entity "${entity}"; one of ${importEntities.join(', ')}`);
    const overrides = parseMapOptions(values.map);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file!);
    } catch (error) {
      throw new UsageError(`cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    return async ({ platform, env }) => {
      const record = await findTenantById(platform.central, tenantId!);
      if (!record) throw new AppError('not_found', `Tenant "${tenantId}" does not exist`);
      if (record.status !== 'active')
        throw new AppError('conflict', `Tenant "${tenantId}" is ${record.status}, not active`);
      const context = await openTenantContext(env, record);
      const result = await importFileNow(
        { ...context, env, userId: null },
        {
          entity,
          fileName: path.basename(file!),
          bytes: new Uint8Array(bytes),
          overrides,
          dryRun: Boolean(values['dry-run']),
        },
      ).catch((error: unknown) => {
        // A mapping or file problem names its field: say which.
        if (error instanceof AppError && error.code === 'validation' && error.fields) {
          const [field, message] = Object.entries(error.fields)[0]!;
          throw new AppError('validation', `${field}: ${message}`);
        }
        throw error;
      });
      print(summary(entity, result.preview));
      print(
        `mapping: ${Object.entries(result.mapping)
          .map(([field, column]) => `${field}=${column}`)
          .join(', ')}`,
      );
      if (result.preview.errorRows > 0) {
        for (const issue of result.preview.issues)
          print(`  row ${issue.row}, ${issue.column}: ${issue.message}${issue.value ? ` (${issue.value})` : ''}`);
        const first = result.preview.issues[0]!;
        throw new AppError(
          'validation',
          `${result.preview.errorRows} rows with errors, nothing imported (first: row ${first.row}, ${first.column}: ${first.message})`,
        );
      }
      if (!result.run) {
        print('dry run: nothing written');
        return 0;
      }
      if (result.run.status !== 'done')
        throw new Error(`import ${result.run.id} ${result.run.status}: ${result.run.error ?? 'unknown error'}`);
      print(`imported ${result.run.inserted} rows, ${result.run.skipped} already existed (run ${result.run.id})`);
      return 0;
    };
  },
});
