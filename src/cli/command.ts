import type { Bindings } from '../env';
import type { PlatformContext } from '../services/platform/context';
import type { Platform } from '../tenancy/platform';

/** Bad command-line input: reported as `error: ...` with exit code 2, before anything is touched. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Checked before the command runs (string options only). */
  required?: boolean;
  description: string;
  /** Shown in help after the flag, e.g. `--name <name>`. */
  placeholder?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean | undefined
  : S['multiple'] extends true
    ? string[] | undefined
    : S['required'] extends true
      ? string
      : string | undefined;

export type OptionValues<O extends OptionSpecs> = { [K in keyof O]: OptionValue<O[K]> };

/** What a command gets once the platform is open. */
export interface CommandContext {
  platform: Platform;
  env: Bindings;
  /** Values that only matter to output (tenant URLs). */
  devPort: number;
  /** What the platform services run with: the operator at the command line acts. */
  ctx: PlatformContext;
}

/** Runs the command; the returned number, if any, is the exit code. */
// biome-ignore lint/suspicious/noConfusingVoidType: an action that exits 0 is an async function without a return.
export type Action = (context: CommandContext) => Promise<number | void>;

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Positional arguments, all required, in order. */
  args: readonly string[];
  options: O;
  /** Lines appended to `--help`. */
  notes?: readonly string[];
  /**
   * Checks the command line and returns the work to do. Runs before the platform is opened, so
   * bad input fails fast (UsageError) and changes nothing.
   */
  prepare(input: { args: string[]; values: OptionValues<O> }): Action;
}

/** Keeps the option types of one command attached to its `prepare`. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command {
  return command as unknown as Command;
}

export const globalOptions = {
  remote: {
    type: 'boolean',
    description: "Use the deployed account's KV and R2 (secrets then come from the environment)",
  },
  env: { type: 'string', placeholder: 'name', description: 'Wrangler environment (e.g. production)' },
  'persist-to': {
    type: 'string',
    placeholder: 'dir',
    description: 'Where local KV/R2 state lives, as for `wrangler dev` (default .wrangler/state)',
  },
  config: { type: 'string', placeholder: 'path', description: 'Wrangler configuration file (default wrangler.toml)' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
} satisfies OptionSpecs;

export const portOption = {
  type: 'string',
  placeholder: 'port',
  description: 'Port of the local dev server in printed URLs (default: the wrangler dev port, 8787)',
} as const satisfies OptionSpec;

export type GlobalValues = OptionValues<typeof globalOptions>;

export function usageLine(command: Command): string {
  const args = command.args.map((arg) => `<${arg}>`);
  const options = Object.entries(command.options).map(([name, spec]) =>
    spec.required ? flag(name, spec) : `[${flag(name, spec)}]${spec.multiple ? '...' : ''}`,
  );
  return ['optiflow', command.name, ...args, ...options].join(' ');
}

export function commandHelp(command: Command): string {
  const lines = [command.summary, '', `Usage: ${usageLine(command)}`];
  const options = Object.entries(command.options);
  if (options.length > 0) lines.push('', 'Options:', ...optionLines(options));
  lines.push('', 'Global options:', ...optionLines(Object.entries(globalOptions)));
  if (command.notes?.length) lines.push('', ...command.notes);
  return lines.join('\n');
}

export function overviewHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'optiflow: OptiFlow admin CLI',
    '',
    'Usage: optiflow <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Global options:',
    ...optionLines(Object.entries(globalOptions)),
    '',
    'Run `optiflow <command> --help` for the arguments and options of a command.',
  ].join('\n');
}

function flag(name: string, spec: OptionSpec): string {
  return spec.type === 'string' ? `--${name} <${spec.placeholder ?? 'value'}>` : `--${name}`;
}

function optionLines(options: Array<[string, OptionSpec]>): string[] {
  const flags = options.map(([name, spec]) => (spec.short ? `-${spec.short}, ` : '') + flag(name, spec));
  const width = Math.max(...flags.map((text) => text.length));
  return options.map(([, spec], index) => `  ${flags[index]!.padEnd(width)}  ${spec.description}`);
}

/** `--tenants=a,b --tenants c` -> ['a', 'b', 'c'], or undefined when the flag is absent. */
export function splitList(values: string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const items = values
    .flatMap((value) => value.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError('--tenants needs at least one tenant id');
  return [...new Set(items)];
}

/** An integer flag within a range, or undefined when the flag is absent. */
export function integerOption(
  value: string | undefined,
  flagName: string,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < range.min || Number(value) > range.max) {
    throw new UsageError(`--${flagName} must be an integer from ${range.min} to ${range.max}, got "${value}"`);
  }
  return Number(value);
}

/** The service context of one command run: the operator acts, with a request id of its own. */
export function operatorContext(platform: Platform, env: Bindings): PlatformContext {
  return { platform, env, requestId: crypto.randomUUID(), actor: { kind: 'operator', via: 'cli' } };
}
