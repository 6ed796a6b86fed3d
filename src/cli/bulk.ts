import { runPool } from '../tenancy/pool';
import cliProgress from 'cli-progress';
import { AppError } from '../errors';
import { findTenantById } from '../tenancy/central-queries';
import { openTenantContext } from '../tenancy/context';
import { listTenants, migrateTenant, reseedTenant } from '../tenancy/lifecycle';
import type { Platform } from '../tenancy/platform';
import {
  defineCommand,
  integerOption,
  splitList,
  UsageError,
  type Action,
  type CommandContext,
  type OptionValues,
} from './command';
import { plural, print } from './output';
import { taskList, tenantTasks } from './tasks';

const defaultConcurrency = 4;

const bulkOptions = {
  tenants: {
    type: 'string',
    multiple: true,
    placeholder: 'a,b',
    description: 'Only these tenants (default: every active or suspended tenant)',
  },
  concurrency: {
    type: 'string',
    placeholder: 'n',
    description: `Tenants processed at once (default ${defaultConcurrency})`,
  },
  'skip-failing': { type: 'boolean', description: 'Carry on after a tenant fails (default: start no further tenant)' },
} as const;

interface BulkSelection {
  tenants: string[] | undefined;
  concurrency: number;
  skipFailing: boolean;
}

function parseSelection(values: OptionValues<typeof bulkOptions>): BulkSelection {
  return {
    tenants: splitList(values.tenants),
    concurrency: integerOption(values.concurrency, 'concurrency', { min: 1, max: 64 }) ?? defaultConcurrency,
    skipFailing: values['skip-failing'] === true,
  };
}

/** The requested tenants (all must exist), or every tenant with a live database (active or suspended). Runs before any tenant is touched. */
export async function selectTenants(platform: Platform, requested: string[] | undefined): Promise<string[]> {
  const tenants = await listTenants(platform);
  if (requested === undefined)
    return tenants
      .filter((tenant) => tenant.status === 'active' || tenant.status === 'suspended')
      .map((tenant) => tenant.id);
  const known = new Set(tenants.map((tenant) => tenant.id));
  const unknown = requested.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new AppError('not_found', `Unknown tenant${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  return requested;
}

interface Progress {
  done(line: string): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal; result lines always go to stdout. */
function createProgress(total: number, label: string): Progress {
  if (!process.stderr.isTTY || total === 0) return { done: print, stop() {} };
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(total, 0);
  return {
    done(line) {
      // On a shared terminal the line must go above the bar, or the next redraw overwrites it.
      if (process.stdout.isTTY) bars.log(`${line}\n`);
      else print(line);
      bar.increment();
    },
    stop() {
      bars.update(); // flushes lines logged since the last redraw; stop() alone drops them
      bars.stop();
    },
  };
}

/**
 * The shape of every per-tenant command: pick the tenants, run `work` for each in a bounded pool,
 * print one line per tenant and a summary. Exit code 1 when any tenant failed.
 */
function forEachTenant(
  selection: BulkSelection,
  label: string,
  work: (context: CommandContext, tenantId: string) => Promise<string>,
): Action {
  return async (context) => {
    const ids = await selectTenants(context.platform, selection.tenants);
    if (ids.length === 0) return print('No active or suspended tenants.');
    process.stderr.write(`${label} ${plural(ids.length, 'tenant')} (concurrency ${selection.concurrency})\n`);
    const progress = createProgress(ids.length, label);
    let succeeded = 0;
    let failed = 0;
    try {
      await runPool(
        ids,
        selection.concurrency,
        async (id) => {
          try {
            const result = await work(context, id);
            succeeded++;
            progress.done(`${id}: ${result}`);
          } catch (error) {
            failed++;
            progress.done(`${id}: failed: ${oneLine(error)}`);
          }
        },
        () => failed > 0 && !selection.skipFailing,
      );
    } finally {
      progress.stop();
    }
    const skipped = ids.length - succeeded - failed;
    const summary = [`${succeeded} succeeded`, `${failed} failed`];
    if (skipped > 0) summary.push(`${skipped} skipped after the first failure (use --skip-failing to carry on)`);
    print(`${plural(ids.length, 'tenant')}: ${summary.join(', ')}`);
    return failed > 0 ? 1 : 0;
  };
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
}

export const migrateCommand = defineCommand({
  name: 'tenants:migrate',
  summary: 'Bring tenant databases to the latest tenant schema',
  args: [],
  options: bulkOptions,
  prepare({ values }) {
    return forEachTenant(parseSelection(values), 'Migrating', async ({ platform }, id) => {
      const result = await migrateTenant(platform, id);
      const replaced = result.functions.length > 0 ? `; functions: ${result.functions.join(', ')}` : '';
      if (result.applied.length === 0) return `up to date (version ${result.version})${replaced}`;
      return `migrated ${result.version - result.applied.length} -> ${result.version} (${result.applied.join(', ')})${replaced}`;
    });
  },
});

export const seedCommand = defineCommand({
  name: 'tenants:seed',
  summary: 'Run the seeders on tenant databases again (they are idempotent)',
  args: [],
  options: bulkOptions,
  prepare({ values }) {
    return forEachTenant(parseSelection(values), 'Seeding', async ({ platform }, id) => {
      await reseedTenant(platform, id);
      return 'seeded';
    });
  },
});

export const runCommand = defineCommand({
  name: 'tenants:run',
  summary: 'Run a maintenance task in each tenant context',
  args: ['task'],
  options: bulkOptions,
  notes: ['Tasks:', taskList()],
  prepare({ args: [name], values }) {
    const task = tenantTasks[name!];
    if (!task) throw new UsageError(`unknown task "${name}"; available tasks: ${Object.keys(tenantTasks).join(', ')}`);
    return forEachTenant(parseSelection(values), `Running ${name} on`, async ({ platform, env }, id) => {
      const record = await findTenantById(platform.central, id);
      if (!record) throw new AppError('not_found', `Tenant "${id}" does not exist`);
      return task.run(await openTenantContext(env, record));
    });
  },
});
