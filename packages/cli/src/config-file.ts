import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@restsync/core';
import { parse as parseYaml } from 'yaml';

/** The content of a `restsync run` config file. */
export interface SyncFile {
  pipeline?: { name?: string; dataset?: string };
  /** A URL string, `{ url, database? }`, or a Destination object (code configs). */
  destination?: unknown;
  /** A rest_api source config in dlt form or camelCase form. */
  source: Record<string, unknown>;
}

const extensions = ['.json', '.yaml', '.yml', '.js', '.mjs', '.ts', '.mts'];

/** Reads a .json, .yaml/.yml, .js/.mjs or .ts config file. Problems are ConfigErrors (exit 2). */
export async function readSyncFile(path: string): Promise<SyncFile> {
  const absolute = resolve(path);
  const extension = extname(absolute).toLowerCase();
  if (!extensions.includes(extension)) {
    throw new ConfigError([
      { path, message: `unsupported config file type "${extension}" (use ${extensions.join(', ')})` },
    ]);
  }
  const content = await loadContent(absolute, extension, path);
  return checkShape(content, path);
}

async function loadContent(absolute: string, extension: string, path: string): Promise<unknown> {
  if (extension === '.json' || extension === '.yaml' || extension === '.yml') {
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      throw new ConfigError([
        { path, message: `cannot read the config file (${(error as NodeJS.ErrnoException).code})` },
      ]);
    }
    try {
      return extension === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (error) {
      throw new ConfigError([
        {
          path,
          message: `not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
        },
      ]);
    }
  }
  try {
    const module =
      extension === '.ts' || extension === '.mts'
        ? await import('tsx/esm/api').then((tsx) =>
            tsx.tsImport(pathToFileURL(absolute).href, import.meta.url),
          )
        : await import(pathToFileURL(absolute).href);
    return (module as { default?: unknown }).default ?? module;
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      String(error).includes(absolute)
    ) {
      throw new ConfigError([{ path, message: 'config file not found' }]);
    }
    throw error;
  }
}

function checkShape(content: unknown, path: string): SyncFile {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    throw new ConfigError([{ path, message: 'expected an object with a "source" key' }]);
  }
  const file = content as Record<string, unknown>;
  const issues = [];
  for (const key of Object.keys(file)) {
    if (!['pipeline', 'destination', 'source'].includes(key)) {
      issues.push({ path: key, message: 'unknown key (expected pipeline, destination or source)' });
    }
  }
  if (typeof file.source !== 'object' || file.source === null) {
    issues.push({ path: 'source', message: 'required: the rest_api source config' });
  }
  if (file.pipeline !== undefined && (typeof file.pipeline !== 'object' || file.pipeline === null)) {
    issues.push({ path: 'pipeline', message: 'expected { name, dataset }' });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return file as unknown as SyncFile;
}
