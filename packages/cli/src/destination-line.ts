import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSpinner } from 'nanospinner';
import type { DestinationOrigin, DestinationTarget } from './destination';
import type { ProgressStream } from './progress';

/*
 * What the CLI says about the destination before anything connects. This file imports neither
 * core nor an adapter, so `bin.ts` can say it while the rest of the CLI is still loading.
 */

/** Where data goes when neither the file nor the command line names a destination. */
export function defaultDestinationUrl(cwd: string): string {
  return `pglite:${join(cwd, '.restsync', 'pglite')}`;
}

/** The password of a `scheme://user:password@host` URL and any `password=` parameter, raw and decoded. */
export function urlSecrets(url: string): string[] {
  const values = new Set<string>();
  const add = (value: string | undefined | null) => {
    if (!value) return;
    values.add(value);
    try {
      values.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw value is registered already.
    }
  };
  add(/^[a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:([^@/?#]*)@/i.exec(url)?.[1]);
  for (const match of url.matchAll(/[?&][^=&#]*password=([^&#]*)/gi)) add(match[1]);
  return [...values];
}

/** The directory of a `pglite:` URL (`memory`, or absolute against `cwd`); undefined when it names none. */
export function pgliteDirectory(url: string, cwd: string): string | undefined {
  const location = url.slice('pglite:'.length).replace(/^\/\/(?=.)/, '');
  if (location.trim() === '') return undefined;
  return location === 'memory' || isAbsolute(location) ? location : resolve(cwd, location);
}

const originText: Record<DestinationOrigin, string> = {
  '--destination': 'from --destination',
  config: 'from the config file',
  RESTSYNC_DESTINATION: 'from RESTSYNC_DESTINATION',
  DATABASE_URL: 'from DATABASE_URL',
  default: 'the default: no --destination, config destination, RESTSYNC_DESTINATION or DATABASE_URL',
};

/**
 * What the CLI says before it opens the destination, password masked:
 * `opening PGlite at /app/.restsync/pglite (the default: …)` or `connecting to postgres://app:***@db/app (from DATABASE_URL)`.
 */
export function describeDestinationTarget(target: DestinationTarget): string {
  const origin = target.origin === undefined ? '' : ` (${originText[target.origin]})`;
  if (target.type === 'code') return `opening ${target.destination.description}${origin}`;
  if (target.type === 'pglite') {
    const location = target.url.slice('pglite:'.length);
    return location === 'memory'
      ? `opening PGlite in memory (nothing is kept after this run)${origin}`
      : `opening PGlite at ${location}${origin}`;
  }
  let url = target.url;
  for (const secret of [...target.secrets].sort((first, second) => second.length - first.length)) {
    url = url.replaceAll(secret, '***');
  }
  return `connecting to ${url}${origin}`;
}

/** The line about the destination: a spinner on a sized terminal, else one plain line, written at once. */
export interface DestinationAnnouncement {
  /** The text shown, without the `restsync: ` prefix. */
  readonly text: string;
  /**
   * Ends the spinner: `opened` marks it done, `failed` marks it failed, `withdrawn` (the run stopped
   * before it opened the destination, e.g. on a config error) clears it. A plain line stays as written.
   */
  done(outcome?: 'opened' | 'failed' | 'withdrawn'): void;
  /** Writes `text` (whole lines) above a running spinner, or just writes it. */
  print(text: string): void;
}

/** Shows `text` on `stream`: a spinner until `done()` on a sized terminal, else one plain `restsync: …` line. */
export function announceDestination(text: string, stream: ProgressStream): DestinationAnnouncement {
  // A terminal of unknown width (a pseudo-terminal nobody sized) gets the plain line: a spinner measures its lines by it.
  if (stream.isTTY !== true || !((stream.columns ?? 0) > 0)) {
    stream.write(`restsync: ${text}\n`);
    return { text, done() {}, print: (lines) => stream.write(lines) };
  }
  // nanospinner: one small dependency (picocolors), draws on the stream it is given and clears its line.
  const spinner = createSpinner(text, { stream: stream as NodeJS.WriteStream }).start();
  return {
    text,
    done(outcome = 'opened') {
      if (!spinner.isSpinning()) return;
      if (outcome === 'opened') spinner.success({ text });
      else if (outcome === 'failed') spinner.error({ text });
      else spinner.stop();
    },
    print(lines) {
      if (!spinner.isSpinning()) {
        stream.write(lines);
        return;
      }
      spinner.clear();
      stream.write(lines);
      spinner.render();
    },
  };
}

/**
 * The options a plain `restsync run <config>` may carry for its destination line to be written
 * before the CLI's modules load. Any other option (`--quiet`, `--dry-run`, `--wait`, `--engine`, …)
 * makes `earlyDestinationLine` answer undefined, and the line comes from the run as before.
 */
const plainRunOptions = {
  destination: { type: 'string' },
  dataset: { type: 'string' },
  json: { type: 'boolean' },
  'json-events': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'full-refresh': { type: 'boolean' },
  otel: { type: 'boolean' },
} as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A URL the CLI's bundled Postgres destination takes, as the full check resolves it; else undefined. */
function postgresTarget(url: string, origin: DestinationOrigin, cwd: string): DestinationTarget | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'pglite') {
    const directory = pgliteDirectory(url, cwd);
    return directory === undefined
      ? undefined
      : { type: 'pglite', url: `pglite:${directory}`, secrets: [], origin };
  }
  if ((scheme === 'postgres' || scheme === 'postgresql') && URL.canParse(url)) {
    return { type: 'postgres', url, secrets: urlSecrets(url), origin };
  }
  return undefined;
}

/** The config file's text parsed, for a JSON or YAML file; undefined for a code config or a file that does not parse. */
async function readDataFile(path: string): Promise<Record<string, unknown> | undefined> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.json' && extension !== '.yaml' && extension !== '.yml') return undefined;
  try {
    const text = await readFile(path, 'utf8');
    const content: unknown = extension === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
    return isPlainObject(content) ? content : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The destination line of a plain `restsync run <config>` into Postgres or PGlite, worked out from
 * the command line, the config file's text and the environment alone (the same order as
 * `resolveDestination`), so it can be written before core, zod and the adapters load. Undefined
 * whenever anything is unusual (another command or option, a code config, another destination, a
 * value the full check would reject): the run then writes the line itself, as before. The full
 * check of the config still runs before any request and names every problem.
 */
export async function earlyDestinationLine(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<string | undefined> {
  const target = await earlyDestinationTarget(argv, options);
  return target && describeDestinationTarget(target);
}

/** The destination `earlyDestinationLine` describes: a Postgres server or PGlite, or undefined. */
export async function earlyDestinationTarget(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined> },
): Promise<DestinationTarget | undefined> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof plainRunOptions; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: plainRunOptions, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  const { values, positionals } = parsed;
  const [command, configPath, ...rest] = positionals;
  if (command !== 'run' || configPath === undefined || configPath === '' || rest.length > 0) return undefined;
  if (values.dataset !== undefined && values.dataset.trim() === '') return undefined;
  const { cwd, env } = options;
  if (values.destination !== undefined) {
    if (values.destination.trim() === '') return undefined;
    return postgresTarget(values.destination, '--destination', cwd);
  }
  const file = await readDataFile(resolve(cwd, configPath));
  if (file === undefined) return undefined;
  let target: DestinationTarget | undefined;
  const destination = file.destination;
  if (typeof destination === 'string') {
    target = postgresTarget(destination, 'config', cwd);
  } else if (isPlainObject(destination)) {
    const keys = Object.keys(destination);
    if (keys.length !== 1 || typeof destination.url !== 'string') return undefined;
    target = postgresTarget(destination.url, 'config', cwd);
  } else if (destination === undefined || destination === null) {
    const named = (['RESTSYNC_DESTINATION', 'DATABASE_URL'] as const).find((name) => env[name]?.trim());
    target =
      named === undefined
        ? postgresTarget(defaultDestinationUrl(cwd), 'default', cwd)
        : postgresTarget(env[named]?.trim() as string, named, cwd);
  }
  return target;
}
