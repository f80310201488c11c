import type { IncrementalCursor, IncrementalState } from '../contracts/destination';
import type { TableSchema } from '../contracts/schema';
import type { RestsyncEvent } from '../events';

/**
 * One unit of work of a distributed run, planned by core (`planWorkUnits`) with no engine code.
 * Its `id` is stable across runs of the same config: the unit's progress and lease are stored in the
 * destination under it, so a unit delivered twice, or picked up again after its worker died,
 * continues from what was committed and never loads a row twice.
 */
export interface WorkUnit {
  /**
   * Stable id: `<resource>` for a whole resource (with its child resources),
   * `<resource>@<from>-<to>` for the pages `from` (inclusive) to `to` (exclusive, `end` for the
   * last range) of one resource, with the child sequences of the parents on those pages, or
   * `<resource>@swap` for the swap of a split `replace` resource.
   */
  id: string;
  /**
   * `resource`: a top-level resource and every child resource under it; `pages`: a page range of
   * one top-level resource and every child resource of the parents on those pages; `swap`: swaps
   * the shared staging of the `replace` resources among `resources` in, once every unit in `after`
   * completed (it fetches nothing).
   */
  kind: 'resource' | 'pages' | 'swap';
  /** The top-level resource the unit loads. */
  resource: string;
  /** Every resource whose rows the unit loads (the top-level one first, then its children). */
  resources: string[];
  /**
   * For `pages`: the paginator config the unit's resource runs with, its start and bound moved to the
   * range (`offset`/`maximum_offset`, `page`/`maximum_page`). Plain JSON; no secret.
   */
  paginator?: Record<string, unknown>;
  /** For `pages`: the page range, first page 0. */
  pages?: { from: number; to: number };
  /**
   * The unit's rows are committed in one transaction when it ends. Set for a page range of a parent
   * (a group of parents with their child sequences): a child sequence has no checkpoint, so an
   * attempt at the unit either finds it committed whole or starts it again from nothing.
   */
  commitOnce?: boolean;
  /**
   * The unit's `replace` rows go to a staging table every unit of the resource fills (none empties
   * it); the unit ends without swapping, and the run swaps this load's staged rows in once, when the
   * last unit completed. Readers see the old rows until then.
   */
  sharedStaging?: boolean;
  /**
   * Units that must complete first: the engine runs this unit once all of them completed, and hands
   * it their results (`UnitEnvironment.after`). BullMQ: a flow, this unit the parent job.
   */
  after?: string[];
}

/**
 * What a queue carries for one unit: plain JSON with no secret in it. The source config keeps its
 * secrets as references (`{ "secret": "api_key" }`); each worker resolves them from its own
 * environment. The destination is its description (password redacted): a worker connects with its
 * own destination setting when the description has no usable URL.
 */
export interface UnitJob {
  specificationVersion: 'v1';
  /** The run (load id) the unit belongs to; rows carry it in `_restsync_load_id`. */
  loadId: string;
  pipeline: string;
  dataset: string;
  /** The destination's description (never a password). */
  destination: string;
  /** The source config as data (`type` strings, secret references), the whole config. */
  definition: Record<string, unknown>;
  unit: WorkUnit;
  /** Rows per batch (one transaction each). */
  batchSize: number;
  /** The unit lease's time to live: a worker that stops renewing it loses the unit after this long. */
  leaseTtlMs: number;
  /** Stored incremental cursors of the unit's resources (none with a full refresh). */
  incremental: Record<string, IncrementalState>;
  /** Ignore the stored checkpoints of the unit (a full refresh). */
  fullRefresh: boolean;
}

/** What a worker reports for a unit it finished. Plain JSON. */
export interface UnitResult {
  unitId: string;
  /**
   * Rows and pages per resource, committed by every attempt at this unit in this run, with the
   * destination's inserted / updated counts when it reports them.
   */
  resources: Record<string, { rows: number; pages: number; inserted?: number; updated?: number }>;
  /** Rows committed per table. */
  tables: Record<string, number>;
  batches: number;
  retries: number;
  /** Incremental cursors reached, per resource and sequence key, for the resource's state. */
  cursors: Record<string, Record<string, IncrementalCursor>>;
  /** Every table the unit's rows went to, so the run can store the combined schema. */
  schemaTables: TableSchema[];
}

/** One run handed to an engine: the units to run, in plan order. */
export interface EngineRun {
  /** One job per unit; `jobs[i].unit` is the i-th unit of the plan. */
  jobs: UnitJob[];
  /** Receives the workers' progress events (pages, retries, batches), already redacted by them. */
  onEvent: (event: RestsyncEvent) => void;
  /** Cancels the run: units not started are withdrawn, running ones stop after their batch. */
  signal?: AbortSignal;
}

/**
 * Runs the units of work of a run on workers. `pipeline.run(source, { engine })` holds the
 * pipeline's lease, plans the units, calls `runUnits` once, and records the run from the results,
 * so the result is the same `RunResult` as a local run.
 *
 * An engine may deliver a unit twice, and a worker presumed dead may commit late: exactly-once comes
 * from the unit's lease in the destination (a compare-and-set on its version in every batch's
 * transaction) and its state stored with its rows, never from the engine.
 */
export interface Engine {
  readonly kind: 'engine';
  /** The contract version this engine implements. */
  readonly specificationVersion: 'v1';
  /** e.g. `bullmq`. */
  readonly type: string;
  /** Where the engine runs, with any password redacted (for output). */
  readonly description: string;
  /**
   * Called once per run by the process holding the pipeline lease. Enqueues every job (a job whose
   * unit names units `after` runs once they all completed, with their results), resolves with
   * each unit's result in `jobs` order when all succeeded, rejects with the first error of a unit that
   * failed for good (its retries used up). When `signal` aborts, rejects once the running units stopped.
   */
  runUnits(run: EngineRun): Promise<UnitResult[]>;
  /** Closes the engine's connections. */
  close(): Promise<void>;
}

/** The pipeline name a unit's lease and state are kept under: `<pipeline>#<unit id>`. */
export function unitPipelineName(pipeline: string, unitId: string): string {
  return `${pipeline}#${unitId}`;
}
