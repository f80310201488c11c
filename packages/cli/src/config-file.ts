import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  type ConfigIssue,
  type Destination,
  type DltRestApiSourceConfig,
  type RestApiSourceConfig,
  RestsyncError,
  type Source,
  unknownKeyMessage,
} from '@restsync/core';

/** Where the data goes: a URL, `{ url, database? }`, or (in a code config) a destination built in code. */
export type DestinationInput =
  | string
  | {
      /** `postgres://…`, `postgresql://…`, `pglite:<directory>` or `mongodb://…`. */
      url: string;
      /** MongoDB only: write every dataset into this one database (collections prefixed `<dataset>_`). */
      database?: string;
    }
  | Destination;

/** What a `restsync run` config file holds (its content, or its default export). */
export interface SyncConfig {
  pipeline?: {
    /** Pipeline name; state is kept per pipeline. @default the config file's name without extension */
    name?: string;
    /** Postgres schema / MongoDB database to load into. @default `<name>_dataset` */
    dataset?: string;
  };
  /** @default an embedded PGlite database in `./.restsync/pglite` */
  destination?: DestinationInput;
  /** The rest_api source: dlt's form (snake_case, `type` strings) or camelCase (code configs may use factories). */
  source: RestApiSourceConfig | DltRestApiSourceConfig | Source | Record<string, unknown>;
}

/** A config file as read: its content plus where it was found. */
export interface SyncFile extends SyncConfig {
  /** Absolute path of the file. */
  path: string;
}

/** Types a `.ts`/`.js` config file: `export default defineConfig({ source: { … } })`. */
export function defineConfig(config: SyncConfig): SyncConfig {
  return config;
}

export interface ReadSyncFileOptions {
  /** Directory a relative path resolves against. @default process.cwd() */
  cwd?: string;
}

const dataExtensions = ['.json', '.yaml', '.yml'];
const moduleExtensions = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const topLevelKeys = ['pipeline', 'destination', 'source'];
const pipelineKeys = ['name', 'dataset'];

/**
 * Reads a `.json`, `.yaml`/`.yml`, `.js`/`.mjs`/`.cjs` or `.ts`/`.mts`/`.cts` config file and checks
 * its top-level shape. Every problem is a `ConfigError` whose paths start at the file's top level.
 */
export async function readSyncFile(path: string, options: ReadSyncFileOptions = {}): Promise<SyncFile> {
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const extension = extname(absolute).toLowerCase();
  if (!dataExtensions.includes(extension) && !moduleExtensions.includes(extension)) {
    throw new ConfigError([
      {
        path,
        message: `unsupported config file type "${extension || '(none)'}" (use ${[...dataExtensions, ...moduleExtensions].join(', ')})`,
      },
    ]);
  }
  const found = await stat(absolute).catch(() => undefined);
  if (!found?.isFile()) {
    throw new ConfigError([{ path, message: `config file not found (looked for ${absolute})` }]);
  }
  const content = dataExtensions.includes(extension)
    ? await parseData(await readFile(absolute, 'utf8'), extension, path)
    : await importModule(absolute, extension, path);
  return { ...checkShape(content, path), path: absolute };
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** The parser's complaint without the excerpt of the file it quotes (the file may hold a literal secret). */
function parseProblem(error: unknown, text: string, isJson: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!isJson) return message.split('\n')[0]?.replace(/:$/, '') ?? message;
  const position = /at position (\d+)/.exec(message)?.[1];
  const summary = message
    .replace(/,\s*(\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(/\s*in JSON at position \d+.*$/s, '')
    .replaceAll('\n', '\\n');
  return position === undefined ? summary : `${summary} at ${lineAndColumn(text, Number(position))}`;
}

/** JSON or YAML; the YAML parser is loaded only for a YAML file, so a JSON config starts faster. */
async function parseData(text: string, extension: string, path: string): Promise<unknown> {
  const isJson = extension === '.json';
  const parseYaml = isJson ? undefined : (await import('yaml')).parse;
  try {
    return parseYaml === undefined ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([
      { path, message: `not valid ${isJson ? 'JSON' : 'YAML'}: ${parseProblem(error, text, isJson)}` },
    ]);
  }
}

/**
 * The default export (or the namespace when there is none). A TypeScript or CommonJS file loaded
 * as CommonJS arrives as `{ default: module.exports }` whose own `default` is the config: unwrap it.
 */
function defaultExport(module: Record<string, unknown>): unknown {
  let value: unknown = 'default' in module ? module.default : module;
  for (let depth = 0; depth < 2; depth += 1) {
    if (!isPlainObject(value) || !('default' in value) || 'source' in value) break;
    value = value.default;
  }
  return value;
}

async function importModule(absolute: string, extension: string, path: string): Promise<unknown> {
  const url = pathToFileURL(absolute).href;
  try {
    const module: Record<string, unknown> = ['.ts', '.mts', '.cts'].includes(extension)
      ? await import('tsx/esm/api').then((tsx) => tsx.tsImport(url, import.meta.url))
      : await import(url);
    return defaultExport(module);
  } catch (error) {
    if (RestsyncError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError([{ path, message: `could not be loaded: ${message}` }], { cause: error });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkShape(content: unknown, path: string): SyncConfig {
  if (!isPlainObject(content)) {
    throw new ConfigError([
      {
        path,
        message:
          'expected an object { pipeline?, destination?, source } (for code configs: the default export)',
      },
    ]);
  }
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(content)) {
    if (!topLevelKeys.includes(key) && key !== '$schema') {
      issues.push({ path: key, message: unknownKeyMessage(key, topLevelKeys) });
    }
  }
  if (content.source === undefined) {
    issues.push({ path: 'source', message: 'required: the rest_api source config { client, resources }' });
  } else if (!isPlainObject(content.source)) {
    issues.push({ path: 'source', message: 'expected an object { client, resources }' });
  }
  const { pipeline } = content;
  if (pipeline !== undefined) {
    if (!isPlainObject(pipeline)) {
      issues.push({ path: 'pipeline', message: 'expected an object { name?, dataset? }' });
    } else {
      for (const [key, value] of Object.entries(pipeline)) {
        if (!pipelineKeys.includes(key)) {
          issues.push({ path: `pipeline.${key}`, message: unknownKeyMessage(key, pipelineKeys) });
        } else if (typeof value !== 'string' || value.trim() === '') {
          issues.push({ path: `pipeline.${key}`, message: 'expected a non-empty string' });
        }
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return content as unknown as SyncConfig;
}
