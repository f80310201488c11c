import { basename, extname } from 'node:path';
import { ConfigError, type ConfigIssue, type Destination, type Redactor, type Source } from '@restsync/core';
import { readSyncFile, type SyncFile } from './config-file';
import {
  createDestination,
  type DestinationTarget,
  destinationPath,
  resolveDestination,
} from './destination';
import { inlineSecretWarnings } from './inline-secrets';
import { configWithPageLimit, configWithResources, selectedResourceNames } from './resource-selection';
import { buildSource } from './source';

/** Everything a run needs, checked: the file, the source (secrets resolved), the destination, the names. */
export interface PreparedRun {
  file: SyncFile;
  source: Source;
  destination: Destination;
  target: DestinationTarget;
  pipelineName: string;
  dataset: string;
}

export interface PrepareRunOptions {
  /** The config file as typed. */
  configPath: string;
  /** `--destination`. */
  destination?: string;
  /** `--dataset`. */
  dataset?: string;
  /** The caller's working directory. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Receives the destination's password so no output shows it. */
  redactor: Redactor;
  /** Receives each warning line (a secret written inline in the file), once per run. */
  warn?: (text: string) => void;
  /** `--resource a,b`: load only these resources and the parents of any child among them. */
  resources?: readonly string[];
  /** `--dry-run` / `--limit-pages`: stop every request sequence after this many pages. */
  limitPages?: number;
}

/** The source with `--resource` and `--limit-pages` applied (a code config's own `Source` takes neither). */
async function narrowSource(source: Source, config: unknown, options: PrepareRunOptions): Promise<Source> {
  if (options.resources === undefined && options.limitPages === undefined) return source;
  if (config === source) {
    throw new ConfigError([
      {
        path: 'source',
        message: '--resource, --dry-run and --limit-pages need a rest_api config, not a built Source',
      },
    ]);
  }
  const names = source.resources.map((resource) => resource.name);
  let narrowed = config as Record<string, unknown>;
  if (options.resources !== undefined) {
    narrowed = configWithResources(
      narrowed,
      names,
      selectedResourceNames(source.resources, options.resources),
    );
  }
  if (options.limitPages !== undefined) narrowed = configWithPageLimit(narrowed, options.limitPages);
  return buildSource(narrowed, { cwd: options.cwd, env: options.env });
}

function issuesOf(error: unknown): ConfigIssue[] {
  if (ConfigError.isInstance(error)) return error.issues;
  throw error;
}

/**
 * Reads and checks a config file without fetching anything: its shape, the destination, the
 * source (adapters and secrets resolved), and what the destination must support. Every problem
 * is reported at once in one `ConfigError`.
 */
export async function prepareRun(options: PrepareRunOptions): Promise<PreparedRun> {
  const file = await readSyncFile(options.configPath, { cwd: options.cwd });
  for (const warning of inlineSecretWarnings(file, options.configPath)) options.warn?.(warning);
  const issues: ConfigIssue[] = [];
  let target: DestinationTarget | undefined;
  let destination: Destination | undefined;
  try {
    target = resolveDestination({
      flag: options.destination,
      file: file.destination,
      cwd: options.cwd,
      env: options.env,
    });
    for (const value of target.secrets) options.redactor.add(value);
    destination = await createDestination(target, destinationPath(target), options.cwd);
  } catch (error) {
    issues.push(...issuesOf(error));
  }
  let source: Source | undefined;
  try {
    source = await buildSource(file.source, { cwd: options.cwd, env: options.env });
    source = await narrowSource(source, file.source, options);
  } catch (error) {
    issues.push(...issuesOf(error));
  }
  if (source && destination && !destination.capabilities.merge) {
    for (const resource of source.resources) {
      if (resource.writeDisposition === 'merge') {
        issues.push({
          path: 'destination',
          message: `resource "${resource.name}" uses write disposition "merge", which destination "${destination.type}" does not support`,
        });
      }
    }
  }
  if (issues.length > 0 || !source || !destination || !target) throw new ConfigError(issues);
  const pipelineName = file.pipeline?.name ?? basename(file.path, extname(file.path));
  const dataset = options.dataset ?? file.pipeline?.dataset ?? `${pipelineName}_dataset`;
  return { file, source, destination, target, pipelineName, dataset };
}
