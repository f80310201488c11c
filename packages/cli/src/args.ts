import { parseArgs } from 'node:util';
import { ConfigError, didYouMean } from '@restsync/core';
import { parseDuration } from './duration';

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
      /** `--wait <duration>`: how long to wait for another run of the pipeline to finish, in ms. */
      waitMs?: number;
      /** `--lease-ttl <duration>`: how long the run's lease lasts unless renewed, in ms. */
      leaseTtlMs?: number;
    };

/** The command line is wrong (an unknown option, a missing argument). Exit code 2, like any config error. */
export class CommandLineError extends ConfigError {
  constructor(message: string) {
    super([{ path: 'command line', message }]);
    this.name = 'CommandLineError';
  }
}

const commands = ['run', 'validate', 'help'] as const;
const options = {
  destination: { type: 'string' },
  dataset: { type: 'string' },
  json: { type: 'boolean' },
  wait: { type: 'string' },
  'lease-ttl': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;
const optionNames = Object.keys(options).map((name) => `--${name}`);

/** Whether `--json` is on the command line, even when the rest of it cannot be parsed. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

const valueExamples: Record<string, string> = {
  '--dataset': 'my_dataset',
  '--wait': '5m',
  '--lease-ttl': '30s',
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
  if (name !== 'run' && name !== 'validate') {
    const suggestion = didYouMean(name, commands);
    throw new CommandLineError(
      `unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ' (expected run or validate)'}`,
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
  return {
    kind: name,
    configPath,
    json: values.json ?? false,
    ...parsedDurations,
    ...(values.destination === undefined ? {} : { destination: values.destination }),
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
  };
}
