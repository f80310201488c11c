import { createIssueList, isCount } from './errors';
import { type ReferenceRecord, referenceRecord, referenceRecordJson } from './records';

/** Changes `mutate` makes between two runs. */
export interface DatasetChanges {
  /** Append this many new records (the next ids). @default 0 */
  add?: number;
  /** Change this many existing records, spread evenly over the ids. @default 0 */
  update?: number;
}

/** What `mutate` did: the ids it added and the ids it changed, ascending. */
export interface DatasetChangeResult {
  added: number[];
  updated: number[];
}

/** Which records a request sees, in which order. */
interface DatasetQuery {
  /** Only records with `updated_at` at or after (or after, see `inclusive`) this instant, in ms. */
  sinceMs?: number;
  /** Only records with `updated_at` before this instant, in ms. */
  untilMs?: number;
  /** Whether `sinceMs` itself is included. */
  inclusive: boolean;
  /** `id` order, or by `updated_at` (then id) ascending or descending. */
  order: 'id' | 'asc' | 'desc';
}

/** The ids of a request's records, in order; `idAt(0)` is the first. */
export interface DatasetView {
  readonly length: number;
  idAt(index: number): number;
  /** Position of an id in the view, or -1. */
  indexOf(id: number): number;
}

/**
 * The records of one collection. Each record is a pure function of `(id, generation)`; the dataset
 * keeps only the record count and the generation of each changed record, so N can be large.
 */
export interface Dataset {
  readonly count: number;
  readonly generation: number;
  generationOf(id: number): number;
  record(id: number): ReferenceRecord;
  recordJson(id: number): string;
  /** Every record from the next request on is of this generation; earlier `mutate` changes are forgotten, added records stay. */
  setGeneration(generation: number): void;
  mutate(changes: DatasetChanges): DatasetChangeResult;
  view(query: DatasetQuery): DatasetView;
}

/** 2024-01-01T00:00:00Z in ms; must match `records.ts`. */
const baseMs = Date.UTC(2024, 0, 1);
const generationStepMs = 100 * 86_400_000;

function updatedAtMs(id: number, generation: number): number {
  return baseMs + generation * generationStepMs + id * 1000;
}

/** Spreads `count` ids evenly over 1..total. */
function spreadIds(count: number, total: number): number[] {
  const ids = new Set<number>();
  for (let index = 0; index < count; index++) {
    ids.add(Math.min(total, Math.floor(((index + 0.5) * total) / count) + 1));
  }
  return [...ids].sort((left, right) => left - right);
}

export function createDataset(records: number, startGeneration: number): Dataset {
  let count = records;
  let generation = startGeneration;
  /** Generation of each record changed by `mutate` (and of each added record). */
  const changed = new Map<number, number>();
  let latestGeneration = startGeneration;

  const generationOf = (id: number) => changed.get(id) ?? generation;

  return {
    get count() {
      return count;
    },
    get generation() {
      return generation;
    },
    generationOf,
    record: (id) => referenceRecord(id, generationOf(id)),
    recordJson: (id) => referenceRecordJson(id, generationOf(id)),
    setGeneration(next) {
      const list = createIssueList();
      list.check(
        isCount(next, 0),
        'setGeneration(generation)',
        `must be a non-negative integer, got ${next}`,
      );
      list.throwIfAny();
      generation = next;
      latestGeneration = Math.max(latestGeneration, next);
      changed.clear();
    },
    mutate(changes) {
      const add = changes.add ?? 0;
      const update = changes.update ?? 0;
      const list = createIssueList();
      list.check(isCount(add, 0), 'mutate(changes).add', `must be a non-negative integer, got ${add}`);
      list.check(
        isCount(update, 0) && update <= count,
        'mutate(changes).update',
        `must be an integer from 0 to the record count ${count}, got ${update}`,
      );
      list.throwIfAny();
      // A later generation makes every changed or added record's updated_at later than any before.
      latestGeneration += 1;
      const updated = spreadIds(update, count);
      for (const id of updated) changed.set(id, latestGeneration);
      const added: number[] = [];
      for (let index = 0; index < add; index++) {
        count += 1;
        changed.set(count, latestGeneration);
        added.push(count);
      }
      return { added, updated };
    },
    view(query) {
      if (query.order === 'id' && query.sinceMs === undefined && query.untilMs === undefined) {
        const total = count;
        return {
          length: total,
          idAt: (index) => index + 1,
          indexOf: (id) => (Number.isSafeInteger(id) && id >= 1 && id <= total ? id - 1 : -1),
        };
      }
      const ids: number[] = [];
      for (let id = 1; id <= count; id++) {
        const updated = updatedAtMs(id, generationOf(id));
        if (query.sinceMs !== undefined) {
          if (query.inclusive ? updated < query.sinceMs : updated <= query.sinceMs) continue;
        }
        if (query.untilMs !== undefined && updated >= query.untilMs) continue;
        ids.push(id);
      }
      if (query.order !== 'id') {
        const key = (id: number) => updatedAtMs(id, generationOf(id));
        const direction = query.order === 'asc' ? 1 : -1;
        ids.sort((left, right) => direction * (key(left) - key(right) || left - right));
      }
      const positions = new Map(ids.map((id, index) => [id, index]));
      return {
        length: ids.length,
        idAt: (index) => ids[index] ?? 0,
        indexOf: (id) => positions.get(id) ?? -1,
      };
    },
  };
}
