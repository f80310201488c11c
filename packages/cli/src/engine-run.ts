import { ConfigError, type Destination, type Redactor } from '@restsync/core';
import type { BullmqEngine } from '@restsync/engine-bullmq';
import { createDestination, resolveDestination } from './destination';
import { inlineSecretWarnings } from './inline-secrets';
import type { PreparedRun } from './prepare-run';

/** The command that installs what `worker`, `schedule` and `run --engine` need. */
const engineInstallCommand = 'npm install @restsync/engine-bullmq';

/**
 * `@restsync/engine-bullmq`, an optional peer of the CLI (BullMQ and ioredis weigh about 15 MB),
 * loaded only by the commands that use an engine. A missing package is a `ConfigError` with the
 * command that installs it.
 */
export async function loadEngineModule(): Promise<typeof import('@restsync/engine-bullmq')> {
  try {
    return await import('@restsync/engine-bullmq');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      error instanceof Error &&
      error.message.includes('@restsync/engine-bullmq');
    const message = missing
      ? `the distributed engine needs @restsync/engine-bullmq, which is not installed. Install it next to the CLI: ${engineInstallCommand}`
      : `@restsync/engine-bullmq could not be loaded (${engineInstallCommand}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    throw new ConfigError([{ path: '--engine', message }], { cause: error });
  }
}

/** Opens the engine of `--engine <url>`; its password is redacted from every output. */
export async function openEngine(url: string, redactor: Redactor): Promise<BullmqEngine> {
  const { bullmqEngine, connectionSecrets } = await loadEngineModule();
  for (const value of connectionSecrets(url)) redactor.add(value);
  return bullmqEngine({ connection: url });
}

/**
 * Checks that a run can go to workers: no secret written inline in the config (it would enter the
 * queue), and a source config that is plain data.
 */
export function assertDistributable(prepared: PreparedRun, shownPath: string): void {
  const inline = inlineSecretWarnings(prepared.file, shownPath);
  if (inline.length > 0) {
    throw new ConfigError(
      inline.map((warning) => ({
        path: 'source',
        message: `${warning.replace(/^restsync: warning: /, '').trim()} A distributed run never puts a secret into the queue.`,
      })),
    );
  }
}

/**
 * Builds a worker's destinations: `--destination` when the worker has one, else the URL a run named
 * (its description: a password is never in it, so such a run needs the worker's `--destination`).
 * One destination per URL, reused by every unit.
 */
export function destinationCache(options: { flag?: string; cwd: string; redactor: Redactor }) {
  const destinations = new Map<string, Destination>();
  return async (described: string): Promise<Destination> => {
    const url = options.flag ?? described;
    const cached = destinations.get(url);
    if (cached) return cached;
    if (options.flag === undefined && described.includes('***')) {
      throw new ConfigError([
        {
          path: '--destination',
          message: `the run's destination ${described} has a password, which never goes into the queue: start the worker with --destination <url>`,
        },
      ]);
    }
    const target = resolveDestination({ flag: url, cwd: options.cwd });
    for (const value of target.secrets) options.redactor.add(value);
    const destination = await createDestination(target, '--destination');
    destinations.set(url, destination);
    return destination;
  };
}
