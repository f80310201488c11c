import type { Engine, EngineRun, RestsyncEvent, UnitJob, UnitResult } from '@restsync/core';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import {
  type BullmqSharedOptions,
  connectionOptions,
  describeConnection,
  keyPrefix,
  runQueueName,
  unitQueueName,
} from './connection';

export interface BullmqEngineOptions extends BullmqSharedOptions {
  /**
   * Attempts per unit before the run fails: a unit whose worker failed (an API error, a lost
   * database) is retried with exponential backoff; a worker that died is replaced by BullMQ's
   * stalled-job recovery without using an attempt. @default 5
   */
  attempts?: number;
}

/** When a schedule starts a run: every `everyMs` milliseconds, or on a cron pattern. */
export type ScheduleRepeat = { everyMs: number } | { cron: string };

/** A stored schedule. */
export interface ScheduleInfo {
  id: string;
  everyMs?: number;
  cron?: string;
  /** When the next run is due (ISO timestamp), when known. */
  next?: string;
}

/** The engine with BullMQ's job schedulers: a tick enqueues one run job that a worker runs. */
export interface BullmqEngine extends Engine {
  /**
   * Creates or updates the schedule `id`: every tick adds one run job with `data` to the run queue.
   * `data` must hold no secret (a worker resolves them); a worker runs the job, and the pipeline's
   * lease keeps a tick from starting a second run while one is active.
   */
  schedule(id: string, repeat: ScheduleRepeat, data: Record<string, unknown>): Promise<void>;
  /** Every schedule, by id. */
  listSchedules(): Promise<ScheduleInfo[]>;
  /** Removes a schedule; resolves false when there was none with this id. */
  removeSchedule(id: string): Promise<boolean>;
}

/** What a worker reports with `job.updateProgress`: events since its last report. */
interface ProgressReport {
  events: RestsyncEvent[];
}

/**
 * The BullMQ engine: units of work go to the `units` queue of the Redis at `connection`, and any
 * number of workers (`startBullmqWorker`, or `restsync worker --engine redis://…`) run them. The
 * process calling `pipeline.run(source, { engine })` holds the pipeline's lease and waits for the
 * units, forwarding the workers' progress events.
 *
 * @example pipeline({ name: 'crm', destination }).run(source, { engine: bullmqEngine({ connection: 'redis://127.0.0.1:6379' }) })
 */
export function bullmqEngine(options: BullmqEngineOptions): BullmqEngine {
  const prefix = keyPrefix(options);
  const connection = connectionOptions(options.connection);
  const attempts = options.attempts ?? 5;
  let units: Queue | undefined;
  let runs: Queue | undefined;
  let flowProducer: FlowProducer | undefined;
  const flows = () => {
    flowProducer ??= new FlowProducer({ connection, prefix });
    return flowProducer;
  };
  const unitQueue = () => {
    units ??= new Queue(unitQueueName, { connection, prefix });
    return units;
  };
  const runQueue = () => {
    runs ??= new Queue(runQueueName, { connection, prefix });
    return runs;
  };

  async function runUnits(run: EngineRun): Promise<UnitResult[]> {
    const queue = unitQueue();
    const queueEvents = new QueueEvents(unitQueueName, { connection, prefix });
    try {
      await queueEvents.waitUntilReady();
      const ids = new Set(run.jobs.map((job) => unitJobId(job.loadId, job.unit.id)));
      queueEvents.on('progress', ({ jobId, data }) => {
        if (!ids.has(jobId)) return;
        for (const event of (data as Partial<ProgressReport>).events ?? []) run.onEvent(event);
      });
      const jobOf = (job: UnitJob) => ({
        name: job.unit.id,
        queueName: unitQueueName,
        data: job,
        opts: {
          jobId: unitJobId(job.loadId, job.unit.id),
          attempts,
          backoff: { type: 'exponential' as const, delay: 1_000 },
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
      // A unit run `after` others is a flow's parent job: BullMQ starts it when its children completed.
      const inFlow = new Set(run.jobs.flatMap((job) => job.unit.after ?? []));
      const added = new Map<string, Job>();
      const single = run.jobs.filter((job) => !inFlow.has(job.unit.id) && !job.unit.after?.length);
      for (const [index, job] of (await queue.addBulk(single.map(jobOf))).entries()) {
        const unit = single[index];
        if (unit) added.set(unit.unit.id, job);
      }
      for (const parent of run.jobs.filter((job) => job.unit.after?.length)) {
        const children = run.jobs.filter((job) => parent.unit.after?.includes(job.unit.id));
        const node = await flows().add({
          ...jobOf(parent),
          children: children.map((child) => {
            const described = jobOf(child);
            return { ...described, opts: { ...described.opts, failParentOnFailure: true } };
          }),
        });
        added.set(parent.unit.id, node.job);
        for (const child of node.children ?? []) added.set(child.job.name, child.job);
      }
      const jobs = run.jobs.map((job) => {
        const found = added.get(job.unit.id);
        if (!found) throw new Error(`unit ${job.unit.id} was not enqueued`);
        return found;
      });
      return await waitForAll(jobs, queueEvents, run.signal);
    } finally {
      await queueEvents.close();
    }
  }

  return {
    kind: 'engine',
    specificationVersion: 'v1',
    type: 'bullmq',
    description: describeConnection(options.connection),
    runUnits,
    async schedule(id, repeat, data) {
      await runQueue().upsertJobScheduler(
        id,
        'everyMs' in repeat ? { every: repeat.everyMs } : { pattern: repeat.cron },
        {
          name: id,
          data,
          opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
        },
      );
    },
    async listSchedules() {
      const schedulers = await runQueue().getJobSchedulers();
      return schedulers.map((scheduler) => ({
        id: scheduler.key,
        ...(scheduler.every ? { everyMs: Number(scheduler.every) } : {}),
        ...(scheduler.pattern ? { cron: scheduler.pattern } : {}),
        ...(scheduler.next ? { next: new Date(scheduler.next).toISOString() } : {}),
      }));
    },
    async removeSchedule(id) {
      return runQueue().removeJobScheduler(id);
    },
    async close() {
      await Promise.all([units?.close(), runs?.close(), flowProducer?.close()]);
    },
  };
}

/** One job id per unit and run: BullMQ never holds the same unit of a run twice. */
function unitJobId(loadId: string, unitId: string): string {
  return `${loadId}:${unitId}`.replaceAll(':', '_');
}

/**
 * Resolves with every job's result in order once all completed; rejects with the first failure.
 * When `signal` aborts, withdraws the jobs not started yet and rejects.
 */
async function waitForAll(jobs: Job[], queueEvents: QueueEvents, signal: AbortSignal | undefined) {
  const finished = Promise.all(jobs.map((job) => job.waitUntilFinished(queueEvents) as Promise<UnitResult>));
  if (!signal) return finished;
  return new Promise<UnitResult[]>((resolve, reject) => {
    const onAbort = () => {
      void Promise.all(jobs.map((job) => job.remove().catch(() => undefined))).then(() =>
        reject(signal.reason instanceof Error ? signal.reason : new Error('run cancelled')),
      );
    };
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    finished.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
