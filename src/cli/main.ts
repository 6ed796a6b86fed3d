import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { AppError } from '../errors';
import { migrateCommand, runCommand, seedCommand } from './bulk';
import { adminCommands } from './admins';
import { backupCommands } from './backups';
import { centralMigrateCommand } from './central';
import {
  commandHelp,
  globalOptions,
  operatorContext,
  overviewHelp,
  usageLine,
  UsageError,
  type Command,
  type GlobalValues,
  type OptionSpecs,
  type OptionValues,
} from './command';
import { syncDgiiCommand } from './dgii';
import { addDomainCommand, removeDomainCommand } from './domains';
import { importCommand } from './imports';
import { openEnvironment } from './environment';
import { print } from './output';
import {
  createCommand,
  deleteCommand,
  inviteOwnerCommand,
  listCommand,
  resumeCommand,
  suspendCommand,
} from './tenants';

export const commands: readonly Command[] = [
  centralMigrateCommand,
  createCommand,
  inviteOwnerCommand,
  listCommand,
  migrateCommand,
  seedCommand,
  runCommand,
  importCommand,
  suspendCommand,
  resumeCommand,
  deleteCommand,
  addDomainCommand,
  removeDomainCommand,
  syncDgiiCommand,
  ...adminCommands,
  ...backupCommands,
];

/** Runs the CLI and returns its exit code: 0 success, 1 failure, 2 bad input (usage, validation, conflict, not found). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const { name, rest } = splitCommandName(argv);
    if (name === undefined) return showHelp(undefined);
    if (name === 'help') return showHelp(splitCommandName(rest).name);
    const command = findCommand(name);
    const { values, positionals } = parseArgs({
      args: rest,
      options: parseArgsOptions({ ...globalOptions, ...command.options }),
      allowPositionals: true,
      strict: true,
    });
    if (values.help) return showHelp(command.name);
    checkPositionals(command, positionals);
    checkRequiredOptions(command, values);
    // parseArgs was given the command's own specs, so the values have the shapes they declare.
    const action = command.prepare({ args: positionals, values: values as OptionValues<OptionSpecs> });

    const environment = await openEnvironment(values as GlobalValues);
    const interrupt = () => {
      process.stderr.write('\ninterrupted\n');
      void environment.dispose().finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupt);
    try {
      const ctx = operatorContext(environment.platform, environment.env);
      return (await action({ ...environment, ctx })) ?? 0;
    } finally {
      process.off('SIGINT', interrupt);
      await environment.dispose();
    }
  } catch (error) {
    return reportError(error);
  }
}

/** The command is the first argument that is neither a global flag nor a global flag's value. */
function splitCommandName(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const option = globalOptions[arg.slice(2) as keyof typeof globalOptions] as { type: string } | undefined;
      if (option?.type === 'string') index++;
      continue;
    }
    return { name: arg, rest: [...argv.slice(0, index), ...argv.slice(index + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

function findCommand(name: string): Command {
  const command = commands.find((candidate) => candidate.name === name);
  if (command) return command;
  const group = name.split(':')[0];
  const similar = commands
    .filter((candidate) => candidate.name.startsWith(`${group}:`))
    .map((candidate) => candidate.name);
  const hint = similar.length > 0 ? `did you mean ${similar.join(', ')}?` : 'run `optiflow --help` for the list';
  throw new UsageError(`unknown command "${name}"; ${hint}`);
}

function showHelp(name: string | undefined): number {
  print(name === undefined ? overviewHelp(commands) : commandHelp(findCommand(name)));
  return 0;
}

function checkPositionals(command: Command, positionals: string[]): void {
  const missing = command.args[positionals.length];
  if (missing !== undefined) throw new UsageError(`missing argument <${missing}>; usage: ${usageLine(command)}`);
  const extra = positionals[command.args.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"; usage: ${usageLine(command)}`);
}

function checkRequiredOptions(command: Command, values: Record<string, unknown>): void {
  const missing = Object.entries(command.options).find(([name, spec]) => spec.required && !values[name]);
  if (missing) throw new UsageError(`--${missing[0]} is required; usage: ${usageLine(command)}`);
}

function parseArgsOptions(options: OptionSpecs): ParseArgsOptionsConfig {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, multiple, short }]) => [
      name,
      { type, ...(multiple && { multiple }), ...(short && { short }) },
    ]),
  );
}

function reportError(error: unknown): number {
  const expected = expectedErrorMessage(error);
  if (expected !== null) {
    process.stderr.write(`error: ${expected}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (process.env.OPTIFLOW_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

/** The message of an error that is the user's fault, or null for anything else. */
function expectedErrorMessage(error: unknown): string | null {
  if (error instanceof UsageError) return error.message;
  if (error instanceof AppError && error.code !== 'internal') return error.publicMessage ?? error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    // Node's messages carry a long hint after the first sentence.
    return `${(error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '')}; run with --help for usage`;
  }
  return null;
}
