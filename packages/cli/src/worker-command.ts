import { loadRestApiSource, pipeline, type Redactor, type RunResult, unitDefinition } from '@restsync/core';
import { bundledAdapters } from './bundled-adapters';
import type { CliIo } from './cli';
import type { EngineCommand } from './engine-args';
import { destinationCache, loadEngineModule } from './engine-run';
import { type ExitCode, exitCodes } from './exit-codes';
import { buildSource } from './source';

/** What a schedule's tick carries: the run's config as data, with secrets as references only. */
export interface ScheduledRunData {
  /** The config file, as shown to the user. */
  configPath: string;
  source: Record<string, unknown>;
  pipeline: string;
  dataset: string;
  /** The destination's description (no password). */
  destination: string;
}

function isScheduledRun(data: Record<string, unknown>): data is Record<string, unknown> & ScheduledRunData {
  return (
    typeof data.pipeline === 'string' && typeof data.dataset === 'string' && typeof data.source === 'object'
  );
}

function summaryLine(result: RunResult): string {
  const rows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
  return `${rows} rows in ${result.batches} batches, ${result.pages} pages`;
}

/**
 * `restsync worker --engine redis://… [--concurrency n] [--destination url]`: runs units of work and
 * scheduled runs until SIGTERM or Ctrl-C, then drains (finishes its running units) and exits 0.
 */
export async function workerCommand(
  command: Extract<EngineCommand, { kind: 'worker' }>,
  io: CliIo,
  redactor: Redactor,
): Promise<ExitCode> {
  const { startBullmqWorker, bullmqEngine, connectionSecrets, describeConnection, sharedRateLimit } =
    await loadEngineModule();
  // The API's requests_per_second holds across every worker: a token bucket in Redis.
  const rateLimits = sharedRateLimit({ connection: command.engine });
  for (const value of connectionSecrets(command.engine)) redactor.add(value);
  const redact = (text: string) => redactor.redactUrl(redactor.redact(text));
  const log = (text: string) => io.stderr.write(`restsync worker: ${redact(text)}\n`);
  const destinationFor = destinationCache({
    cwd: io.cwd,
    redactor,
    ...(command.destination === undefined ? {} : { flag: command.destination }),
  });
  const worker = await startBullmqWorker({
    connection: command.engine,
    concurrency: command.concurrency ?? 1,
    ...(command.leaseTtlMs === undefined ? {} : { lockDurationMs: command.leaseTtlMs }),
    async prepare(job) {
      log(`unit ${job.unit.id} of pipeline "${job.pipeline}" started`);
      const client = (job.definition.client ?? {}) as Record<string, unknown>;
      const source = await loadRestApiSource(unitDefinition(job.definition, job.unit), {
        cwd: io.cwd,
        env: io.env,
        registry: bundledAdapters,
        fetch: rateLimits.fetchFor(client.rate_limit ?? client.rateLimit),
      });
      return { source, destination: await destinationFor(job.destination) };
    },
    onCompleted(result, job) {
      const rows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
      log(
        `unit ${job.unit.id} of pipeline "${job.pipeline}" done: ${rows} rows in ${result.batches} batches`,
      );
    },
    onFailure(message, job) {
      log(`unit ${job.unit.id} of pipeline "${job.pipeline}" failed: ${message}`);
    },
    async runScheduled(data, signal) {
      if (!isScheduledRun(data)) throw new Error('not a restsync scheduled run');
      const source = await buildSource(data.source, { cwd: io.cwd, env: io.env });
      const engine = bullmqEngine({ connection: command.engine });
      log(`scheduled run of pipeline "${data.pipeline}" (${data.configPath}) starting`);
      try {
        const result = await pipeline({
          name: data.pipeline,
          dataset: data.dataset,
          destination: await destinationFor(data.destination),
        }).run(source, { engine, signal });
        log(`scheduled run of pipeline "${data.pipeline}" succeeded: ${summaryLine(result)}`);
      } catch (error) {
        const message = redact(
          source.redactor.redact(error instanceof Error ? error.message : String(error)),
        );
        log(`scheduled run of pipeline "${data.pipeline}" did not run to the end: ${message}`);
        const failure = new Error(message);
        failure.stack = message;
        throw failure;
      } finally {
        await engine.close();
      }
    },
  });
  log(
    `ready on ${describeConnection(command.engine)} (concurrency ${command.concurrency ?? 1}); SIGTERM or Ctrl-C drains and stops`,
  );
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  log('draining: finishing the running units');
  await worker.close();
  await rateLimits.close();
  log('stopped');
  return exitCodes.success;
}
