import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  type ConfigIssue,
  type Destination,
  destinationSchemes,
  officialAdapters,
  resolveDestinationUrl,
  unknownKeyMessage,
  urlScheme,
} from '@restsync/core';
import { type AdapterDefinition, isAdapterDefinition } from '@restsync/core/adapter-utils';
import { bundledAdapters } from './bundled-adapters';
import { defaultDestinationUrl, pgliteDirectory, urlSecrets } from './destination-line';

export { defaultDestinationUrl };

/** Where the destination came from, in the order the CLI looks: the first one set wins. */
export type DestinationOrigin =
  | '--destination'
  | 'config'
  | 'RESTSYNC_DESTINATION'
  | 'DATABASE_URL'
  | 'default';

/** A destination as the CLI understood it, before anything connects. */
export type DestinationTarget = DestinationTargetKind & {
  /** Which setting named it (`default`: none did, so PGlite on disk under `.restsync/`). */
  origin?: DestinationOrigin;
};

/** The destination kinds the CLI tells apart. */
type DestinationTargetKind =
  | {
      type: 'postgres';
      /** The URL as given (with its password: never print it). */
      url: string;
      /** Values to redact from every output: the password, raw and decoded. */
      secrets: string[];
    }
  | {
      type: 'pglite';
      /** `pglite:<absolute directory>` or `pglite:memory`. */
      url: string;
      secrets: string[];
    }
  | {
      type: 'mongodb';
      url: string;
      /** Write every dataset into this one database. */
      database?: string;
      secrets: string[];
    }
  | {
      /** Any other bundled destination, found by its URL scheme. */
      type: 'adapter';
      /** The destination's `type`, e.g. `duckdb`. */
      adapterType: string;
      url: string;
      secrets: string[];
    }
  | {
      type: 'code';
      /** A destination a code config built itself. */
      destination: Destination;
      secrets: string[];
    };

export interface ResolveDestinationOptions {
  /** `--destination <url>`; wins over the file. */
  flag?: string;
  /** The file's `destination` value. */
  file?: unknown;
  /** The caller's working directory: relative `pglite:` paths and the default live here. */
  cwd: string;
  /** Read for `RESTSYNC_DESTINATION`, then `DATABASE_URL`, when neither the flag nor the file names a destination. @default {} */
  env?: Record<string, string | undefined>;
}

const objectKeys = ['url', 'database'];
const schemes = destinationSchemes(bundledAdapters)
  .map((scheme) => (scheme === 'pglite' ? 'pglite:<directory>' : `${scheme}://…`))
  .join(', ');

function isDestination(value: unknown): value is Destination {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'destination';
}

/** The `type` of an official destination package (`@restsync/destination-mongodb` → `mongodb`). */
function officialDestinationType(packageName: string): string | undefined {
  return officialAdapters.find(
    (adapter) => adapter.kind === 'destination' && adapter.packageName === packageName,
  )?.type;
}

function parseUrl(url: string, path: string, database: string | undefined, cwd: string): DestinationTarget {
  const issues: ConfigIssue[] = [];
  let target: DestinationTarget | undefined;
  const resolution = resolveDestinationUrl(url, bundledAdapters);
  const adapterType =
    resolution.status === 'registered'
      ? resolution.build.type
      : resolution.status === 'package'
        ? officialDestinationType(resolution.packageName)
        : undefined;
  if (resolution.status === 'unknown') {
    issues.push({ path, message: resolution.message });
  } else if (adapterType === 'postgres' && urlScheme(url) === 'pglite') {
    const directory = pgliteDirectory(url, cwd);
    if (directory === undefined) {
      issues.push({ path, message: 'pglite: needs a directory, e.g. pglite:./data (or pglite:memory)' });
    } else {
      target = { type: 'pglite', url: `pglite:${directory}`, secrets: [] };
    }
  } else if (adapterType === 'postgres') {
    target = { type: 'postgres', url, secrets: urlSecrets(url) };
    if (!URL.canParse(url)) {
      issues.push({ path, message: 'not a valid URL; expected postgres://user:password@host:5432/database' });
    }
  } else if (adapterType === 'mongodb') {
    target = {
      type: 'mongodb',
      url,
      ...(database === undefined ? {} : { database }),
      secrets: urlSecrets(url),
    };
  } else if (adapterType !== undefined) {
    target = { type: 'adapter', adapterType, url, secrets: urlSecrets(url) };
  } else {
    issues.push({ path, message: `the CLI does not bundle the destination for "${urlScheme(url)}:" URLs` });
  }
  if (database !== undefined && target !== undefined && target.type !== 'mongodb') {
    issues.push({
      path: path.replace(/url$/, 'database'),
      message:
        'only applies to mongodb:// destinations; for Postgres the dataset is the schema (pipeline.dataset)',
    });
  }
  if (issues.length > 0 || target === undefined) throw new ConfigError(issues);
  return target;
}

/**
 * Works out the destination, first one set wins: `--destination`, the file's `destination` (a URL
 * string, `{ url, database? }`, or a destination built in code), `RESTSYNC_DESTINATION`,
 * `DATABASE_URL`, else the embedded PGlite database on disk under `<cwd>/.restsync/`. The target
 * says which one (`origin`). Problems are a `ConfigError` naming the setting that was wrong.
 */
export function resolveDestination(options: ResolveDestinationOptions): DestinationTarget {
  const { flag, file, cwd } = options;
  const env = options.env ?? {};
  if (flag !== undefined)
    return { ...parseUrl(flag, '--destination', undefined, cwd), origin: '--destination' };
  if (file === undefined || file === null) {
    for (const name of ['RESTSYNC_DESTINATION', 'DATABASE_URL'] as const) {
      const value = env[name]?.trim();
      if (value) return { ...parseUrl(value, name, undefined, cwd), origin: name };
    }
    return { ...parseUrl(defaultDestinationUrl(cwd), 'destination', undefined, cwd), origin: 'default' };
  }
  return { ...resolveFileDestination(file, cwd), origin: 'config' };
}

function resolveFileDestination(file: unknown, cwd: string): DestinationTarget {
  if (isDestination(file)) return { type: 'code', destination: file, secrets: [] };
  if (typeof file === 'string') return parseUrl(file, 'destination', undefined, cwd);
  if (typeof file !== 'object' || Array.isArray(file)) {
    throw new ConfigError([{ path: 'destination', message: `expected a URL string or { url, database? }` }]);
  }
  const spec = file as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(spec)) {
    if (!objectKeys.includes(key))
      issues.push({ path: `destination.${key}`, message: unknownKeyMessage(key, objectKeys) });
  }
  if (typeof spec.url !== 'string' || spec.url.trim() === '') {
    issues.push({ path: 'destination.url', message: `required: a URL (${schemes})` });
  }
  if (spec.database !== undefined && (typeof spec.database !== 'string' || spec.database.trim() === '')) {
    issues.push({ path: 'destination.database', message: 'expected a non-empty string' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return parseUrl(spec.url as string, 'destination.url', spec.database as string | undefined, cwd);
}

/** The setting a problem with the destination is reported under: `destination`, `--destination` or the variable's name. */
export function destinationPath(target: DestinationTarget): string {
  const origin = target.origin ?? 'config';
  return origin === 'config' || origin === 'default' ? 'destination' : origin;
}

/** Moves a factory's issue paths (`url`, `chunkSize`) under the CLI's path for the destination. */
function rethrowUnder(error: unknown, path: string): never {
  if (ConfigError.isInstance(error)) {
    const issues = error.issues.map((issue) => ({
      path: issue.path === 'url' || issue.path === '' ? path : `${path}.${issue.path}`,
      message: issue.message,
    }));
    throw new ConfigError(issues, { cause: error });
  }
  throw error;
}

/** The destination packages the CLI loads only when a URL needs one, so an install carries only what it uses. */
const destinationLoaders: Record<string, () => Promise<Record<string, unknown>>> = {
  '@restsync/destination-postgres': () => import('@restsync/destination-postgres'),
  '@restsync/destination-mongodb': () => import('@restsync/destination-mongodb'),
};

function isModuleNotFound(error: unknown, packageName: string): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(packageName)
  );
}

/** Loads a destination package: next to the CLI first, then from the project in `cwd` (a global CLI, a local package). */
async function importDestinationPackage(
  packageName: string,
  cwd: string,
): Promise<Record<string, unknown> | undefined> {
  const load = destinationLoaders[packageName];
  try {
    if (load !== undefined) return await load();
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
  }
  let file: string;
  try {
    file = createRequire(join(cwd, 'package.json')).resolve(packageName);
  } catch {
    return undefined;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** The adapter for a URL: registered with the CLI, or its official package loaded on demand. */
async function destinationAdapter(
  url: string,
  path: string,
  cwd: string,
): Promise<AdapterDefinition<'destination'>> {
  const resolution = resolveDestinationUrl(url, bundledAdapters);
  if (resolution.status === 'registered') return resolution.build;
  if (resolution.status === 'unknown') throw new ConfigError([{ path, message: resolution.message }]);
  const { packageName } = resolution;
  let module: Record<string, unknown> | undefined;
  try {
    module = await importDestinationPackage(packageName, cwd);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([{ path, message: `${packageName} could not be loaded: ${reason}` }], {
      cause: error,
    });
  }
  if (module === undefined) {
    throw new ConfigError([
      {
        path,
        message: `"${urlScheme(url)}:" destinations need ${packageName}, which is not installed. Install it next to the CLI: npm install ${packageName}`,
      },
    ]);
  }
  const adapter = Object.values(module).find((value) => isAdapterDefinition(value, 'destination'));
  if (!isAdapterDefinition(adapter, 'destination')) {
    throw new ConfigError([{ path, message: `${packageName} exports no destination adapter` }]);
  }
  return adapter;
}

/**
 * Builds the destination, loading its package on demand (nothing connects until the pipeline
 * opens it). A missing package is a `ConfigError` with the command that installs it.
 */
export async function createDestination(
  target: DestinationTarget,
  path = destinationPath(target),
  cwd = process.cwd(),
): Promise<Destination> {
  if (target.type === 'code') return target.destination;
  const adapter = await destinationAdapter(target.url, path, cwd);
  try {
    return adapter.create({
      url: target.url,
      ...(target.type === 'mongodb' && target.database !== undefined ? { database: target.database } : {}),
    });
  } catch (error) {
    rethrowUnder(error, path);
  }
}
