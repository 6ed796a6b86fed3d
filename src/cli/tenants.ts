import { AppError } from '../errors';
import { inviteTenantOwner, type OwnerInvite } from '../services/platform/owners';
import { destroyTenant, provisionTenant, resumeTenant, suspendTenant } from '../services/platform/tenants';
import { listDomainsOf } from '../tenancy/central-queries';
import { listTenants } from '../tenancy/lifecycle';
import { placementKinds } from '../config';
import { deletionSteps, getTenantRow, provisioningSteps } from '../tenancy/provisioning';
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
    print(
      `[${steps.indexOf(step) + 1}/${steps.length}] ${step}: ${text[step] ?? 'done'} (${formatDuration(now - last)})`,
    );
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
    domain: {
      type: 'string',
      multiple: true,
      placeholder: 'domain',
      description: 'Subdomain label or custom host name (default: the id); repeatable',
    },
    client: { type: 'string', placeholder: 'uuid', description: 'Owning client id' },
    placement: {
      type: 'string',
      placeholder: 'kind',
      description: `Where the database lives: ${placementKinds.join(', ')} (default: DEFAULT_PLACEMENT)`,
    },
    'no-seed': { type: 'boolean', description: 'Skip the seeders' },
    'owner-email': {
      type: 'string',
      placeholder: 'email',
      description: 'Create the first owner and print a one-time set-password link',
    },
    'owner-name': {
      type: 'string',
      placeholder: 'name',
      description: "The owner's name, as the shop greets them (with --owner-email)",
    },
    port: portOption,
  },
  notes: [
    'Re-running it on a tenant left `provisioning` or `failed` resumes from the last completed step.',
    'The owner link is valid for 72 hours and works once; no password is ever printed or stored in plain text.',
    'Without --owner-email nobody can sign in yet: `optiflow tenants:invite-owner <id> <email> --name <name>` invites the owner later.',
  ],
  prepare({ args: [id], values }) {
    const placement = values.placement;
    if (placement !== undefined && !(placementKinds as readonly string[]).includes(placement)) {
      throw new UsageError(`--placement must be one of ${placementKinds.join(', ')}, got "${placement}"`);
    }
    const port = integerOption(values.port, 'port', { min: 1, max: 65535 });
    const ownerEmail = values['owner-email'];
    const ownerName = ownerNameOption(values['owner-name'], '--owner-name');
    if (ownerEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(ownerEmail))
      throw new UsageError(`--owner-email "${ownerEmail}" is not an email address`);
    if (ownerEmail !== undefined && ownerName === undefined)
      throw new UsageError('--owner-name is required with --owner-email (it is how the shop greets its owner)');
    if (ownerEmail === undefined && ownerName !== undefined) throw new UsageError('--owner-name needs --owner-email');
    return async ({ ctx, platform, devPort }) => {
      const existing = await getTenantRow(platform, id!);
      if (existing && (existing.status === 'provisioning' || existing.status === 'failed')) {
        print(
          `Resuming tenant "${id}" (status ${existing.status}, last completed step ${existing.provisioningStep ?? 'none'})`,
        );
      }
      const seed = !values['no-seed'];
      const input = {
        id: id!,
        name: values.name,
        domains: values.domain ?? [],
        clientId: values.client,
        placement,
        seed,
      };
      const text = seed ? provisioningText : { ...provisioningText, seed: 'seeders skipped (--no-seed)' };
      const row = await provisionTenant(ctx, input, { afterStep: stepPrinter(provisioningSteps, text) }).catch(
        resumeHint(`tenants:create ${id}`),
      );
      print(`Tenant "${row.id}" is active at:`);
      const hostnames = await listDomainsOf(platform.central, row.id);
      for (const hostname of hostnames) print(`  ${tenantUrl(platform.config, hostname, port ?? devPort)}`);
      if (ownerEmail !== undefined) {
        printOwnerLink(
          await inviteTenantOwner(ctx, row.id, { email: ownerEmail, name: ownerName }),
          row.id,
          tenantUrl(platform.config, hostnames[0] ?? row.id, port ?? devPort),
        );
      } else {
        print(
          `Nobody can sign in yet: invite the owner with \`npx optiflow tenants:invite-owner ${row.id} <email> --name "<name>"\``,
        );
      }
    };
  },
});

function ownerNameOption(value: string | undefined, flagName: string): string | undefined {
  if (value === undefined) return undefined;
  const name = value.trim();
  if (name === '' || name.length > 200) throw new UsageError(`${flagName} must have from 1 to 200 characters`);
  return name;
}

/** The one-time link of an invited owner, or the refusal as a one-line usage error (exit 2). */
function printOwnerLink(invite: OwnerInvite, tenantId: string, shopUrl: string): void {
  if (!invite.ok) throw new UsageError(ownerRefusalText(invite, tenantId));
  const again = invite.reinvited ? ' (invited again: earlier links no longer work)' : '';
  print(
    `Owner ${invite.name} <${invite.email}>${again}: set the password at (valid until ${invite.expiresAt.toISOString()}, single use)`,
  );
  print(`  ${shopUrl}/set-password/${invite.token}`);
}

function ownerRefusalText(invite: Extract<OwnerInvite, { ok: false }>, tenantId: string): string {
  switch (invite.reason) {
    case 'active_owner':
      return `tenant "${tenantId}" already has an active owner (${invite.email}), who invites colleagues from the shop's Users screen`;
    case 'already_active':
      return `${invite.email} is already an active owner of "${tenantId}" and signs in with their password`;
    case 'other_role':
      return `${invite.email} is already a user of "${tenantId}" with role ${invite.role}`;
    case 'disabled':
      return `${invite.email} is a disabled user of "${tenantId}"`;
    case 'name_required':
      return `--name is required for a new owner (it is how the shop greets them)`;
  }
}

export const inviteOwnerCommand = defineCommand({
  name: 'tenants:invite-owner',
  summary:
    "Invite a shop's first owner (or again, if the link expired or was lost) and print a one-time set-password link",
  args: ['id', 'email'],
  options: {
    name: {
      type: 'string',
      placeholder: 'name',
      description: "The owner's name, as the shop greets them (required for a new owner)",
    },
    port: portOption,
  },
  notes: [
    'The link is valid for 72 hours and works once. Inviting an owner who has not set a password yet gives a new link.',
    "A shop with an active owner is refused: that owner invites colleagues from the shop's Users screen.",
  ],
  prepare({ args: [id, email], values }) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email!)) throw new UsageError(`"${email}" is not an email address`);
    const name = ownerNameOption(values.name, '--name');
    const port = integerOption(values.port, 'port', { min: 1, max: 65535 });
    return async ({ ctx, platform, devPort }) => {
      const invite = await inviteTenantOwner(ctx, id!, { email: email!, name }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found')
          throw new UsageError(`tenant "${id}" does not exist`);
        throw error;
      });
      const hostnames = await listDomainsOf(platform.central, id!);
      printOwnerLink(invite, id!, tenantUrl(platform.config, hostnames[0] ?? id!, port ?? devPort));
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
    return async ({ ctx }) => {
      await suspendTenant(ctx, id!, values.message ?? null);
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
    return async ({ ctx }) => {
      await resumeTenant(ctx, id!);
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
      throw new UsageError(
        `deleting tenant "${id}" is irreversible (database, files and cache are destroyed); rerun with --force`,
      );
    }
    return async ({ ctx }) => {
      await destroyTenant(ctx, id!, { afterStep: stepPrinter(deletionSteps, deletionText) }).catch(
        resumeHint(`tenants:delete ${id} --force`),
      );
      print(`Tenant "${id}" deleted.`);
    };
  },
});
