import { parseArgs } from 'node:util';
import { ConfigError, didYouMean } from '@restsync/core';
import { parseDuration } from './duration';
import { type EngineCommand, parseEngineCommand } from './engine-args';

/** What the command line asks for. */
export type Command =
  | {
      kind: 'help';
      /** False when no command was given: the help goes to stderr and the exit code is 2. */
      requested: boolean;
    }
  | { kind: 'version' }
  | {
      kind: 'run' | 'validate';
      /** The config file as typed (relative paths resolve against the caller's directory). */
      configPath: string;
      /** `--destination <url>`, overriding the file. */
      destination?: string;
      /** `--dataset <name>`, overriding the file. */
      dataset?: string;
      /** `--json`: one JSON object on stdout, everything else on stderr. */
      json: boolean;
      /** `--json-events`: one redacted event per line on stdout while the run goes on, then the `--json` object. */
      jsonEvents?: boolean;
      /** `--wait <duration>`: how long to wait for another run of the pipeline to finish, in ms. */
      waitMs?: number;
      /** `--lease-ttl <duration>`: how long the run's lease lasts unless renewed, in ms. */
      leaseTtlMs?: number;
      /** `--concurrency <n>`: request sequences run at once for parallelized resources. */
      maxConcurrency?: number;
      /** `--full-refresh`: ignore stored incremental cursors and checkpoints for this run. */
      fullRefresh?: boolean;
      /** `--engine redis://…`: run the units of work on workers (see `restsync worker`). */
      engine?: string;
      /** `--resource a,b`: only these resources (and the parents of any child among them). */
      resources?: string[];
      /** `--dry-run`: fetch a few pages per resource, print samples and the inferred schema, write nothing. */
      dryRun?: boolean;
      /** `--limit-pages <n>`: pages per resource for `--dry-run` (implies it). @default 1 */
      limitPages?: number;
      /** `--verbose`: one redacted line per request (method, URL, status, duration, attempt). */
      verbose?: boolean;
      /** `--quiet`: no progress and no summary; errors only. */
      quiet?: boolean;
      /** `--otel`: export traces and metrics over OTLP, configured by the `OTEL_EXPORTER_OTLP_*` variables. */
      otel?: boolean;
    }
  | {
      /** `check <config>`: one request per resource and a connection to the destination. */
      kind: 'check';
      configPath: string;
      destination?: string;
      dataset?: string;
      json: boolean;
      resources?: string[];
      verbose?: boolean;
    }
  | {
      /** `runs <config>`: the past loads recorded in `_restsync_loads`, newest first. */
      kind: 'runs';
      configPath: string;
      destination?: string;
      dataset?: string;
      json: boolean;
      /** `--limit <n>`: how many loads to list. @default 20 */
      limit?: number;
    }
  | {
      /** `init [directory]`: a starter `sync.yaml`, `.env.example` and a `.gitignore` entry. */
      kind: 'init';
      /** Where to write, relative to the caller's directory. @default "." */
      directory?: string;
      /** `--force`: overwrite an existing `sync.yaml` and `.env.example`. */
      force: boolean;
    }
  | { kind: 'schema' }
  | { kind: 'completion'; shell: CompletionShell }
  | EngineCommand
  | (StateCommandOptions & { kind: 'state-show' })
  | (StateCommandOptions & { kind: 'state-reset' });

/** The shells `restsync completion` writes a script for. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** `state show` prints the stored state; `state reset` clears one resource's. */
interface StateCommandOptions {
  configPath: string;
  destination?: string;
  dataset?: string;
  json: boolean;
  /** `--resource <name>`: only this resource (required for `state reset`). */
  resource?: string;
  /** `--yes`: reset without asking. */
  yes: boolean;
}

/** The command line is wrong (an unknown option, a missing argument). Exit code 2, like any config error. */
export class CommandLineError extends ConfigError {
  constructor(message: string) {
    super([{ path: 'command line', message }]);
    this.name = 'CommandLineError';
  }
}

/** Every command, for did-you-mean hints and shell completion. */
export const commands = [
  'run',
  'validate',
  'check',
  'runs',
  'state',
  'worker',
  'schedule',
  'init',
  'schema',
  'completion',
  'help',
] as const;
const options = {
  destination: { type: 'string' },
  dataset: { type: 'string' },
  json: { type: 'boolean' },
  'json-events': { type: 'boolean' },
  wait: { type: 'string' },
  'lease-ttl': { type: 'string' },
  concurrency: { type: 'string' },
  'full-refresh': { type: 'boolean' },
  engine: { type: 'string' },
  every: { type: 'string' },
  cron: { type: 'string' },
  resource: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'limit-pages': { type: 'string' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  otel: { type: 'boolean' },
  limit: { type: 'string' },
  force: { type: 'boolean' },
  yes: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
/** Every long option (`--json`, ...), for did-you-mean hints and shell completion. */
export const optionNames = Object.keys(options).map((name) => `--${name}`);

/** Whether `--json` (or `--json-events`) is on the command line, even when the rest of it cannot be parsed. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end === -1 ? argv : argv.slice(0, end);
  return options.includes('--json') || options.includes('--json-events');
}

const valueExamples: Record<string, string> = {
  '--dataset': 'my_dataset',
  '--wait': '5m',
  '--lease-ttl': '30s',
  '--resource': 'issues,comments',
  '--limit-pages': '2',
  '--limit': '10',
  '--concurrency': '4',
};

/** Turns node's parseArgs messages into short ones with a did-you-mean hint. */
function describeParseFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const suggestion = didYouMean(option.split('=')[0] ?? option, optionNames);
    return `unknown option "${option.split('=')[0]}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    return /argument missing|ambiguous/.test(message)
      ? `option "${option}" needs a value, e.g. ${option} ${valueExamples[option] ?? 'postgres://user@host/db'}`
      : `option "${option}" takes no value`;
  }
  return message.split('\n')[0] ?? message;
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
}

/** A whole number >= 1 given to `option` (`--concurrency`, `--limit-pages`, `--limit`). */
function parseCount(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(/^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value >= 1)) {
    throw new CommandLineError(
      `option "${option}" needs a whole number >= 1, e.g. ${option} ${valueExamples[option] ?? '1'}, got "${text}"`,
    );
  }
  return value;
}

/** `--concurrency <n>`: a whole number >= 1. */
function parseConcurrency(text: string | undefined): { maxConcurrency?: number } {
  const value = parseCount('--concurrency', text);
  return value === undefined ? {} : { maxConcurrency: value };
}

/** `--resource a,b`: resource names, trimmed, without duplicates. */
function parseResourceList(text: string | undefined): { resources?: string[] } {
  if (text === undefined) return {};
  const names = [...new Set(text.split(',').map((name) => name.trim()))];
  if (names.some((name) => name === '')) {
    throw new CommandLineError(
      `option "--resource" needs resource names separated by commas, e.g. --resource issues,comments, got "${text}"`,
    );
  }
  return { resources: names };
}

/** The options `run` shares with `validate`: `--dry-run`, `--limit-pages`, `--verbose`, `--quiet`, `--otel`. */
function parseRunOptions(values: ReturnType<typeof parse>['values']) {
  const limitPages = parseCount('--limit-pages', values['limit-pages']);
  if (values.quiet && values.verbose) {
    throw new CommandLineError('options "--quiet" and "--verbose" cannot be used together');
  }
  return {
    ...parseResourceList(values.resource),
    ...(values['dry-run'] || limitPages !== undefined ? { dryRun: true } : {}),
    ...(limitPages === undefined ? {} : { limitPages }),
    ...(values.verbose ? { verbose: true } : {}),
    ...(values.quiet ? { quiet: true } : {}),
    ...(values.otel ? { otel: true } : {}),
  };
}

/** Parses the command line. Wrong usage throws a `CommandLineError` (exit code 2). */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CommandLineError(describeParseFailure(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', requested: true };
  if (values.version) return { kind: 'version' };
  const [name, configPath, ...rest] = positionals;
  if (name === undefined) return { kind: 'help', requested: false };
  if (name === 'help') return { kind: 'help', requested: true };
  if (name === 'state') return parseStateCommand(values, configPath, rest);
  if (name === 'worker' || name === 'schedule') return parseEngineCommand(name, values, positionals.slice(1));
  if (name === 'schema' || name === 'init' || name === 'completion') {
    return parseStandaloneCommand(name, values, positionals.slice(1));
  }
  if (name !== 'run' && name !== 'validate' && name !== 'check' && name !== 'runs') {
    const suggestion = didYouMean(name, commands);
    throw new CommandLineError(
      `unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ` (expected ${commands.join(', ')})`}`,
    );
  }
  if (configPath === undefined || configPath === '') {
    throw new CommandLineError(`"restsync ${name}" needs a config file, e.g. restsync ${name} sync.json`);
  }
  if (rest.length > 0) throw new CommandLineError(`unexpected argument "${rest[0]}"`);
  for (const option of ['destination', 'dataset'] as const) {
    if (values[option] !== undefined && values[option].trim() === '') {
      throw new CommandLineError(`option "--${option}" needs a non-empty value`);
    }
  }
  const durations = { wait: 'waitMs', 'lease-ttl': 'leaseTtlMs' } as const;
  const parsedDurations: { waitMs?: number; leaseTtlMs?: number } = {};
  for (const [option, key] of Object.entries(durations) as Array<
    [keyof typeof durations, 'waitMs' | 'leaseTtlMs']
  >) {
    const text = values[option];
    if (text === undefined) continue;
    const milliseconds = parseDuration(text);
    if (milliseconds === undefined) {
      throw new CommandLineError(
        `option "--${option}" needs a duration such as 30s, 2m or 500ms, got "${text}"`,
      );
    }
    parsedDurations[key] = milliseconds;
  }
  const shared = {
    configPath,
    json: values.json ?? false,
    ...(values.destination === undefined ? {} : { destination: values.destination }),
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
  };
  if (name === 'check') {
    return {
      kind: name,
      ...shared,
      ...parseResourceList(values.resource),
      ...(values.verbose ? { verbose: true } : {}),
    };
  }
  if (name === 'runs') {
    const limit = parseCount('--limit', values.limit);
    return { kind: name, ...shared, ...(limit === undefined ? {} : { limit }) };
  }
  return {
    kind: name,
    configPath,
    json: (values.json || values['json-events']) ?? false,
    ...(values['json-events'] ? { jsonEvents: true } : {}),
    ...parsedDurations,
    ...parseConcurrency(values.concurrency),
    ...(values.destination === undefined ? {} : { destination: values.destination }),
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
    ...(values['full-refresh'] ? { fullRefresh: true } : {}),
    ...(values.engine === undefined ? {} : { engine: values.engine }),
    ...parseRunOptions(values),
  };
}

/** `schema`, `init [directory] [--force]` and `completion <shell>`: no config file. */
function parseStandaloneCommand(
  name: 'schema' | 'init' | 'completion',
  values: ReturnType<typeof parse>['values'],
  rest: string[],
): Command {
  if (name === 'completion') {
    const [shell, ...extra] = rest;
    if (!(completionShells as readonly string[]).includes(shell ?? '')) {
      const suggestion = shell === undefined ? undefined : didYouMean(shell, completionShells);
      throw new CommandLineError(
        `"restsync completion" needs a shell: ${completionShells.join(', ')}, e.g. restsync completion bash${shell === undefined ? '' : ` (got "${shell}"${suggestion ? `; did you mean "${suggestion}"?` : ''})`}`,
      );
    }
    if (extra.length > 0) throw new CommandLineError(`unexpected argument "${extra[0]}"`);
    return { kind: 'completion', shell: shell as CompletionShell };
  }
  if (name === 'init') {
    const [directory, ...extra] = rest;
    if (extra.length > 0) throw new CommandLineError(`unexpected argument "${extra[0]}"`);
    return { kind: 'init', force: values.force ?? false, ...(directory === undefined ? {} : { directory }) };
  }
  if (rest.length > 0) throw new CommandLineError(`unexpected argument "${rest[0]}"`);
  return { kind: 'schema' };
}

/** `state show <config> [--resource r]` and `state reset <config> --resource r [--yes]`. */
function parseStateCommand(
  values: ReturnType<typeof parse>['values'],
  action: string | undefined,
  rest: string[],
): Command {
  if (action !== 'show' && action !== 'reset') {
    throw new CommandLineError(
      `"restsync state" needs show or reset, e.g. restsync state show sync.json${action === undefined ? '' : ` (got "${action}")`}`,
    );
  }
  const [configPath, ...extra] = rest;
  if (configPath === undefined || configPath === '') {
    throw new CommandLineError(
      `"restsync state ${action}" needs a config file, e.g. restsync state ${action} sync.json`,
    );
  }
  if (extra.length > 0) throw new CommandLineError(`unexpected argument "${extra[0]}"`);
  if (action === 'reset' && (values.resource === undefined || values.resource.trim() === '')) {
    throw new CommandLineError(
      '"restsync state reset" needs --resource <name>: the resource whose state to clear',
    );
  }
  return {
    kind: action === 'show' ? ('state-show' as const) : ('state-reset' as const),
    configPath,
    json: values.json ?? false,
    yes: values.yes ?? false,
    ...(values.resource === undefined ? {} : { resource: values.resource }),
    ...(values.destination === undefined ? {} : { destination: values.destination }),
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
  };
}
