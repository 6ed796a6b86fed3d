import { AppError } from '../errors';
import { issueOwnerLink } from '../auth/owner';
import { listDomainsOf } from '../tenancy/central-queries';
import { listTenants, resumeTenant, suspendTenant } from '../tenancy/lifecycle';
import { placementKinds } from '../tenancy/placement/types';
import { createTenant, deleteTenant, deletionSteps, getTenantRow, provisioningSteps } from '../tenancy/provisioning';
import { defineCommand, integerOption, portOption, UsageError } from './command';
import { formatDate, formatDuration, formatTable, print, printJson, tenantUrl } from './output';

const provisioningText: Record<(typeof provisioningSteps)[number], string> = {
  record: 'tenant record and domains saved',
  database: 'database and role ready',
  migrate: 'schema migrated',
  seed: 'seeders run',
  active: 'tenant active',
};

const deletionText: Record<(typeof deletionSteps)[number], string> = {
  deleting: 'marked deleting, host cache purged',
  files: 'files removed',
  cache: 'cache cleared',
  database: 'database and role dropped',
  record: 'central record and domains removed',
};

/** Prints `[2/5] database: database and role ready (120 ms)` as each step of a pipeline completes. */
function stepPrinter(steps: readonly string[], text: Record<string, string>) {
  let last = Date.now();
  return (step: string) => {
    const now = Date.now();
    print(`[${steps.indexOf(step) + 1}/${steps.length}] ${step}: ${text[step] ?? 'done'} (${formatDuration(now - last)})`);
    last = now;
  };
}

/** A failed step (not bad input) leaves the tenant resumable: the error says how to pick up where it stopped. */
function resumeHint(rerun: string) {
  return (error: unknown): never => {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (fix the cause, then rerun \`optiflow ${rerun}\` to resume)`, { cause: error });
  };
}

export const createCommand = defineCommand({
  name: 'tenants:create',
  summary: 'Create a tenant (or finish one left provisioning/failed): record, database, migrations, seed',
  args: ['id'],
  options: {
    name: { type: 'string', required: true, placeholder: 'name', description: 'Shop name' },
    domain: { type: 'string', multiple: true, placeholder: 'domain', description: 'Subdomain label or custom host name (default: the id); repeatable' },
    client: { type: 'string', placeholder: 'uuid', description: 'Owning client id' },
    placement: { type: 'string', placeholder: 'kind', description: `Where the database lives: ${placementKinds.join(', ')} (default: DEFAULT_PLACEMENT)` },
    'no-seed': { type: 'boolean', description: 'Skip the seeders' },
    'owner-email': { type: 'string', placeholder: 'email', description: 'Create the first owner and print a one-time set-password link' },
    port: portOption,
  },
  notes: [
    'Re-running it on a tenant left `provisioning` or `failed` resumes from the last completed step.',
    'The owner link is valid for 72 hours and works once; no password is ever printed or stored in plain text.',
  ],
  prepare({ args: [id], values }) {
    const placement = values.placement;
    if (placement !== undefined && !(placementKinds as readonly string[]).includes(placement)) {
      throw new UsageError(`--placement must be one of ${placementKinds.join(', ')}, got "${placement}"`);
    }
    const port = integerOption(values.port, 'port', { min: 1, max: 65535 });
    const ownerEmail = values['owner-email'];
    if (ownerEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(ownerEmail)) throw new UsageError(`--owner-email "${ownerEmail}" is not an email address`);
    return async ({ platform, devPort }) => {
      const existing = await getTenantRow(platform, id!);
      if (existing && (existing.status === 'provisioning' || existing.status === 'failed')) {
        print(`Resuming tenant "${id}" (status ${existing.status}, last completed step ${existing.provisioningStep ?? 'none'})`);
      }
      const seed = !values['no-seed'];
      const input = { id: id!, name: values.name, domains: values.domain ?? [], clientId: values.client, placement, seed };
      const text = seed ? provisioningText : { ...provisioningText, seed: 'seeders skipped (--no-seed)' };
      const row = await createTenant(platform, input, { afterStep: stepPrinter(provisioningSteps, text) }).catch(
        resumeHint(`tenants:create ${id}`),
      );
      print(`Tenant "${row.id}" is active at:`);
      const hostnames = await listDomainsOf(platform.central, row.id);
      for (const hostname of hostnames) print(`  ${tenantUrl(platform.config, hostname, port ?? devPort)}`);
      if (ownerEmail !== undefined) {
        const link = await issueOwnerLink(platform, row.id, ownerEmail);
        print(`Owner ${ownerEmail}: set the password at (valid until ${link.expiresAt.toISOString()}, single use)`);
        print(`  ${tenantUrl(platform.config, hostnames[0] ?? row.id, port ?? devPort)}/set-password/${link.token}`);
      }
    };
  },
});

export const listCommand = defineCommand({
  name: 'tenants:list',
  summary: 'List tenants with status, schema version and domains',
  args: [],
  options: {
    json: { type: 'boolean', description: 'Machine-readable JSON output' },
  },
  prepare({ values }) {
    return async ({ platform }) => {
      const tenants = await listTenants(platform);
      if (values.json) return printJson(tenants);
      if (tenants.length === 0) return print('No tenants.');
      const rows = tenants.map((tenant) => [
        tenant.id,
        tenant.name,
        tenant.status,
        `${tenant.schemaVersion}/${tenant.latestSchemaVersion}${tenant.schemaVersion < tenant.latestSchemaVersion ? ' (behind)' : ''}`,
        formatDate(tenant.createdAt),
        tenant.domains.join(', '),
      ]);
      print(formatTable(['ID', 'NAME', 'STATUS', 'SCHEMA', 'CREATED', 'DOMAINS'], rows));
    };
  },
});

export const suspendCommand = defineCommand({
  name: 'tenants:suspend',
  summary: 'Suspend a tenant: its shop answers 503 with the message',
  args: ['id'],
  options: {
    message: { type: 'string', placeholder: 'text', description: 'Notice shown to the shop (Spanish)' },
  },
  prepare({ args: [id], values }) {
    return async ({ platform }) => {
      await suspendTenant(platform, id!, values.message ?? null);
      print(`Tenant "${id}" suspended.`);
    };
  },
});

export const resumeCommand = defineCommand({
  name: 'tenants:resume',
  summary: 'Resume a suspended tenant',
  args: ['id'],
  options: {},
  prepare({ args: [id] }) {
    return async ({ platform }) => {
      await resumeTenant(platform, id!);
      print(`Tenant "${id}" resumed.`);
    };
  },
});

export const deleteCommand = defineCommand({
  name: 'tenants:delete',
  summary: 'Delete a tenant with its database, files and cache (irreversible, needs --force)',
  args: ['id'],
  options: {
    force: { type: 'boolean', description: 'Confirm the deletion' },
  },
  notes: ['Re-running it after an interruption finishes the deletion.'],
  prepare({ args: [id], values }) {
    if (!values.force) {
      throw new UsageError(`deleting tenant "${id}" is irreversible (database, files and cache are destroyed); rerun with --force`);
    }
    return async ({ platform }) => {
      await deleteTenant(platform, id!, { afterStep: stepPrinter(deletionSteps, deletionText) }).catch(resumeHint(`tenants:delete ${id} --force`));
      print(`Tenant "${id}" deleted.`);
    };
  },
});
