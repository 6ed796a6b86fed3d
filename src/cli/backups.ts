import { backUpTenant, resolveBackupKey, restoreTenant } from '../services/platform/backups';
import { listTenants } from '../tenancy/lifecycle';
import { validateTenantId } from '../tenancy/provisioning';
import { selectTenants } from './bulk';
import { defineCommand, splitList, UsageError, type Command } from './command';
import { formatBytes, print } from './output';

const backupCommand = defineCommand({
  name: 'tenants:backup',
  summary: 'Write a logical backup (schema version + data, gzipped) of tenants to R2 under backups/<tenant>/',
  args: [],
  options: {
    tenants: {
      type: 'string',
      multiple: true,
      placeholder: 'a,b',
      description: 'Only these tenants (default: every active tenant)',
    },
  },
  prepare({ values }) {
    const requested = splitList(values.tenants);
    return async ({ ctx, platform }) => {
      // Unknown ids: exit 2 before any backup is written.
      const ids = requested
        ? await selectTenants(platform, requested)
        : (await listTenants(platform)).filter((tenant) => tenant.status === 'active').map((tenant) => tenant.id);
      if (ids.length === 0) return print('No active tenants.');
      let failed = 0;
      for (const id of ids) {
        try {
          const result = await backUpTenant(ctx, id);
          print(
            `${id}: ${result.key} (${formatBytes(result.size)}, ${result.rows} rows, schema ${result.schemaVersion})`,
          );
        } catch (error) {
          failed++;
          print(`${id}: failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return failed > 0 ? 1 : 0;
    };
  },
});

const restoreCommand = defineCommand({
  name: 'tenants:restore',
  summary: 'Restore a tenant backup into a new tenant (--as) or over the same tenant (--force)',
  args: ['tenant', 'backup'],
  options: {
    as: {
      type: 'string',
      placeholder: 'new-tenant',
      description: 'Restore into this new tenant (a copy); the original is not touched',
    },
    force: {
      type: 'boolean',
      description: 'Restore over the same tenant, replacing all its data (a safety backup is taken first)',
    },
  },
  notes: [
    "<backup> is a key (backups/<tenant>/<stamp>.json.gz) or a timestamp of the tenant's backups (20261128T070000Z).",
    'The whole file is verified first: a corrupted or truncated backup is refused and nothing changes.',
    'A backup taken at an older schema version is migrated forward to the latest one.',
  ],
  prepare({ args: [tenant, backup], values }) {
    if (values.as === undefined && !values.force) {
      throw new UsageError(
        `restoring over "${tenant}" replaces all its data; pass --force to confirm, or --as <new-tenant> for a copy`,
      );
    }
    if (values.as !== undefined && values.as === tenant)
      throw new UsageError('--as must name a new tenant; use --force to restore over the same one');
    return async ({ ctx, platform }) => {
      validateTenantId(platform, tenant!);
      const key = resolveBackupKey(tenant!, backup!);
      if (!key.startsWith(`backups/${tenant}/`))
        throw new UsageError(`backup ${key} does not belong to tenant "${tenant}"`);
      const into = values.as ?? tenant!;
      const result = await restoreTenant(ctx, {
        backupKey: key,
        into,
        progress: (step, message) => print(`${step}: ${message ?? 'done'}`),
      });
      if (result.safetyBackupKey) print(`Safety backup of the replaced data: ${result.safetyBackupKey}`);
      print(
        `Restored ${key} into "${result.tenantId}" (${result.rows} rows, schema ${result.fromSchemaVersion} -> ${result.schemaVersion})`,
      );
    };
  },
});

/** tenants:backup, tenants:restore. */
export const backupCommands: readonly Command[] = [backupCommand, restoreCommand];
