import { CommandLineError } from './args';
import { parseDuration } from './duration';

/** `worker`, `schedule <config>`, `schedule list` and `schedule remove <id>`: the distributed commands. */
export type EngineCommand =
  | {
      /** `worker --engine redis://… [--concurrency n]`: runs units of work until SIGTERM, then drains. */
      kind: 'worker';
      engine: string;
      /** Units run at once. @default 1 */
      concurrency?: number;
      /** `--destination <url>`: where this worker writes, instead of the destination each run names. */
      destination?: string;
      /** `--lease-ttl <duration>`: how long a silent worker keeps a unit before another takes it over. */
      leaseTtlMs?: number;
      json: boolean;
    }
  | {
      /** `schedule <config> --every 15m | --cron "…" --engine redis://…`: a run on every tick. */
      kind: 'schedule-add';
      configPath: string;
      engine: string;
      everyMs?: number;
      cron?: string;
      destination?: string;
      dataset?: string;
      json: boolean;
    }
  | { kind: 'schedule-list'; engine: string; json: boolean }
  | { kind: 'schedule-remove'; engine: string; id: string; json: boolean };

/** The option values `parseArgs` returns that the distributed commands read. */
interface EngineOptionValues {
  engine?: string | undefined;
  concurrency?: string | undefined;
  destination?: string | undefined;
  dataset?: string | undefined;
  'lease-ttl'?: string | undefined;
  every?: string | undefined;
  cron?: string | undefined;
  json?: boolean | undefined;
}

function requireEngine(values: EngineOptionValues, usage: string): string {
  const engine = values.engine?.trim();
  if (!engine) throw new CommandLineError(`"${usage}" needs --engine, e.g. --engine redis://127.0.0.1:6379`);
  if (!/^rediss?:\/\//.test(engine)) {
    throw new CommandLineError(
      `option "--engine" needs a Redis URL such as redis://127.0.0.1:6379, got "${engine}"`,
    );
  }
  return engine;
}

function parseWholeNumber(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(/^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value >= 1)) {
    throw new CommandLineError(
      `option "${option}" needs a whole number >= 1, e.g. ${option} 4, got "${text}"`,
    );
  }
  return value;
}

function parseDurationOption(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const milliseconds = parseDuration(text);
  if (milliseconds === undefined || milliseconds <= 0) {
    throw new CommandLineError(`option "${option}" needs a duration such as 30s, 15m or 1h, got "${text}"`);
  }
  return milliseconds;
}

/** Parses `worker` and `schedule …`; `rest` is the positionals after the command name. */
export function parseEngineCommand(
  name: 'worker' | 'schedule',
  values: EngineOptionValues,
  rest: string[],
): EngineCommand {
  const json = values.json ?? false;
  if (name === 'worker') {
    if (rest.length > 0) throw new CommandLineError(`unexpected argument "${rest[0]}"`);
    const concurrency = parseWholeNumber('--concurrency', values.concurrency);
    const leaseTtlMs = parseDurationOption('--lease-ttl', values['lease-ttl']);
    return {
      kind: 'worker',
      engine: requireEngine(values, 'restsync worker'),
      json,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(leaseTtlMs === undefined ? {} : { leaseTtlMs }),
      ...(values.destination === undefined ? {} : { destination: values.destination }),
    };
  }
  const [first, second, ...extra] = rest;
  if (first === undefined) {
    throw new CommandLineError(
      '"restsync schedule" needs a config file, list or remove, e.g. restsync schedule sync.json --every 15m --engine redis://127.0.0.1:6379',
    );
  }
  if (first === 'list') {
    if (second !== undefined) throw new CommandLineError(`unexpected argument "${second}"`);
    return { kind: 'schedule-list', engine: requireEngine(values, 'restsync schedule list'), json };
  }
  if (first === 'remove') {
    if (second === undefined)
      throw new CommandLineError(
        '"restsync schedule remove" needs a schedule id (see restsync schedule list)',
      );
    if (extra.length > 0) throw new CommandLineError(`unexpected argument "${extra[0]}"`);
    return {
      kind: 'schedule-remove',
      engine: requireEngine(values, 'restsync schedule remove'),
      id: second,
      json,
    };
  }
  if (second !== undefined) throw new CommandLineError(`unexpected argument "${second}"`);
  const everyMs = parseDurationOption('--every', values.every);
  const cron = values.cron?.trim();
  if ((everyMs === undefined) === (cron === undefined || cron === '')) {
    throw new CommandLineError(
      '"restsync schedule" needs exactly one of --every <duration> or --cron "<pattern>"',
    );
  }
  return {
    kind: 'schedule-add',
    configPath: first,
    engine: requireEngine(values, 'restsync schedule'),
    json,
    ...(everyMs === undefined ? {} : { everyMs }),
    ...(cron ? { cron } : {}),
    ...(values.destination === undefined ? {} : { destination: values.destination }),
    ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
  };
}
