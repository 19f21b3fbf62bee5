/**
 * The `touchlog` command: argument parsing, dispatch, output and exit codes.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatPath, isTouchlogError, ValidationError } from '../errors/index.js';
import { changesCommand } from './commands/changes.js';
import { demoCommand } from './commands/demo.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { reconcileCommand } from './commands/reconcile.js';
import { restoreCommand } from './commands/restore.js';
import { scoreCommand } from './commands/score.js';
import { timelineCommand } from './commands/timeline.js';
import { verifyCommand } from './commands/verify.js';
import { worklistCommand } from './commands/worklist.js';
import { forecastCommand } from './commands/forecast.js';
import { backtestCommand } from './commands/backtest.js';
import { clvCommand } from './commands/clv.js';
import { stringOption, type CliIo, type Command, type CommandContext } from './context.js';
import { EXIT, exitCodeOf, UsageError } from './errors.js';
import { openStore, type OpenStore, type StoreOptions } from './store.js';

/** Every subcommand, in the order `touchlog help` lists them. */
export const COMMANDS: readonly Command[] = [
  importCommand,
  timelineCommand,
  scoreCommand,
  worklistCommand,
  forecastCommand,
  backtestCommand,
  clvCommand,
  verifyCommand,
  exportCommand,
  restoreCommand,
  changesCommand,
  reconcileCommand,
  demoCommand,
];

const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  pg: { type: 'string' },
  tenant: { type: 'string' },
  actor: { type: 'string' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const GLOBAL_HELP = `Global options:
  --db <path>       SQLite database file (default: touchlog.db, or $TOUCHLOG_DB)
  --pg <url>        use PostgreSQL instead (postgres://user:password@host:5432/db, or $TOUCHLOG_PG)
  --tenant <id>     the tenant to work on (default: default)
  --actor <name>    who is acting, recorded in the audit trail (default: cli:<user name>)
  --json            machine-readable output on stdout (errors as JSON on stderr)
  --progress        show progress bars even when stderr is not a terminal
  --no-progress     never show progress bars
  -h, --help        help; "touchlog help <command>" for a command
  -v, --version     the version`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.args.names}`.length));
  return [
    'Usage: touchlog <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${`${c.name} ${c.args.names}`.padEnd(width)}  ${c.summary}`),
    '',
    GLOBAL_HELP,
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 not found, 5 audit does not verify,',
    '6 import with rejected records, 7 reconcile found differences, 130 interrupted. See docs/cli.md.',
  ].join('\n');
}

function version(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'touchlog' && pkg.version) return pkg.version;
    } catch {
      // try the next location (the built file and the source sit at different depths)
    }
  }
  return 'unknown';
}

function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`.slice(0, 256);
  } catch {
    return 'cli';
  }
}

/** Turns `util.parseArgs` errors into usage errors that read well. */
function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>, command: string | undefined) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown option ${option}${command ? ` for "${command}"` : ''}`, command);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = /'([^']+)'/.exec(message)?.[1];
      throw new UsageError(option ? `option ${option.split(/[ ,]/)[0]} needs a value` : message.split('\n')[0]!, command);
    }
    throw new UsageError(message.split('\n')[0]!, command);
  }
}

function describeError(error: unknown, debug: boolean): { code: string; message: string; issues?: unknown } {
  if (error instanceof UsageError) return { code: 'USAGE', message: error.message };
  if (error instanceof ValidationError) {
    return { code: error.code, message: error.message, issues: error.issues };
  }
  if (isTouchlogError(error)) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message: debug && error instanceof Error && error.stack ? error.stack : `unexpected error: ${message}` };
}

/**
 * Runs the `touchlog` command with `argv` (without `node` and the script), writing to `io`.
 * Resolves to the exit code; never throws for bad input.
 */
export async function runCli(argv: readonly string[], io: CliIo, options: { signal?: AbortSignal } = {}): Promise<number> {
  let json = argv.includes('--json');
  const debug = io.env['TOUCHLOG_DEBUG'] === '1';
  const write = (stream: CliIo['stdout'], text: string) => stream.write(`${text}\n`);
  let store: OpenStore | undefined;
  let commandName: string | undefined;
  try {
    // First pass: the global options and the command name (the first positional).
    const first = parseArgs({ args: [...argv], options: GLOBAL_OPTIONS, allowPositionals: true, strict: false, tokens: true });
    commandName = first.positionals[0];
    const commandAt = first.tokens.find((token) => token.kind === 'positional')?.index ?? -1;
    if (first.values.version === true && commandName === undefined) {
      write(io.stdout, version());
      return EXIT.ok;
    }
    if (commandName === undefined) {
      if (first.values.help === true) {
        write(io.stdout, usage());
        return EXIT.ok;
      }
      write(io.stderr, usage());
      return EXIT.usage;
    }
    if (commandName === 'help') {
      const topic = first.positionals[1];
      const command = COMMANDS.find((c) => c.name === topic);
      if (topic !== undefined && !command) throw new UsageError(`unknown command "${topic}"`);
      write(io.stdout, command ? `${command.help}\n\n${GLOBAL_HELP}` : usage());
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === commandName);
    if (!command) throw new UsageError(`unknown command "${commandName}"`);

    // Second pass, strict: the global options and the command's own, everywhere on the line.
    const rest = [...argv];
    rest.splice(commandAt, 1);
    const { values, positionals } = parse(rest, { ...GLOBAL_OPTIONS, ...command.options }, command.name);
    json = values['json'] === true;
    if (values['help'] === true) {
      write(io.stdout, `${command.help}\n\n${GLOBAL_HELP}`);
      return EXIT.ok;
    }
    if (positionals.length < command.args.min) throw new UsageError(`"${command.name}" needs ${command.args.names}`, command.name);
    if (positionals.length > command.args.max) {
      throw new UsageError(`"${command.name}" takes ${command.args.max === 0 ? 'no arguments' : command.args.names}, but got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`, command.name);
    }
    if (values['progress'] === true && values['no-progress'] === true) throw new UsageError('--progress and --no-progress contradict each other');
    // An environment variable set to nothing (`TOUCHLOG_PG= touchlog ...`) is not set.
    const fromEnv = (name: string) => (io.env[name] === '' ? undefined : io.env[name]);
    const db = stringOption(values, 'db') ?? fromEnv('TOUCHLOG_DB') ?? 'touchlog.db';
    const pg = stringOption(values, 'pg') ?? fromEnv('TOUCHLOG_PG');
    if (stringOption(values, 'db') !== undefined && stringOption(values, 'pg') !== undefined) throw new UsageError('give either --db or --pg, not both');
    const storeOptions: StoreOptions = {
      db,
      pg: stringOption(values, 'db') !== undefined ? undefined : pg,
      tenant: stringOption(values, 'tenant') ?? 'default',
      actor: stringOption(values, 'actor') ?? defaultActor(),
    };
    const progress = values['no-progress'] === true ? false : values['progress'] === true ? true : !json && io.stderr.isTTY === true;
    const context: CommandContext = {
      io,
      positionals,
      values,
      json,
      progress,
      store: storeOptions,
      signal: options.signal ?? new AbortController().signal,
      out: (line = '') => write(io.stdout, line),
      err: (line = '') => write(io.stderr, line),
      openStore: async (mustExist) => {
        if (store) return store;
        store = await openStore(storeOptions, mustExist);
        return store;
      },
    };
    return await command.run(context);
  } catch (error) {
    const code = exitCodeOf(error);
    const described = describeError(error, debug);
    if (json) {
      write(io.stderr, JSON.stringify({ error: described }));
    } else {
      let text = `touchlog: ${described.message}`;
      if (error instanceof ValidationError && error.issues.length > 5) {
        // The message shows five problems; list them all for a person fixing a file.
        text = `touchlog: ${error.message.split('\n')[0]}\n${error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join('\n')}`;
      }
      write(io.stderr, text);
      if (error instanceof UsageError) {
        const about = error.command ?? COMMANDS.find((c) => c.name === commandName)?.name;
        write(io.stderr, about ? `Run "touchlog help ${about}" for its options.` : 'Run "touchlog help" for the commands.');
      }
    }
    return code;
  } finally {
    if (store) await store.close().catch(() => {});
  }
}
