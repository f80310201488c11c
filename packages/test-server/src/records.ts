import { isoTimestampFromSeconds } from './iso-timestamp';

/** One record of the reference API. Every field is a pure function of `(id, generation)`. */
export interface ReferenceRecord {
  /** 1..N; never changes between generations. */
  id: number;
  /** `name-<id>-g<generation>`. */
  name: string;
  /** A double that is never a whole number (so type inference sees a double). */
  value: number;
  /** ISO 8601 timestamp; later for a higher generation (for any N below 8.6 million). */
  updated_at: string;
  nested: {
    /** An integer. */
    a: number;
    /** A short string. */
    b: string;
  };
}

/** 2024-01-01T00:00:00Z in seconds. */
const baseSeconds = Date.UTC(2024, 0, 1) / 1000;
/** Each generation moves every timestamp 100 days later; ids add one second each. */
const generationStepSeconds = 100 * 86_400;

function recordValue(id: number, generation: number): number {
  return ((id * 7919) % 10_007) + generation * 0.5 + 0.25;
}

function recordUpdatedAt(id: number, generation: number): string {
  return isoTimestampFromSeconds(baseSeconds + generation * generationStepSeconds + id);
}

function nestedA(id: number, generation: number): number {
  return ((id * 31) % 1000) + generation * 1000;
}

/** The record with this id in this generation. */
export function referenceRecord(id: number, generation = 1): ReferenceRecord {
  return {
    id,
    name: `name-${id}-g${generation}`,
    value: recordValue(id, generation),
    updated_at: recordUpdatedAt(id, generation),
    nested: { a: nestedA(id, generation), b: `group-${id % 10}-g${generation}` },
  };
}

/**
 * The JSON text of `referenceRecord(id, generation)`, built directly as a string (no object, no
 * `JSON.stringify`): the server builds pages with it. Equal to `JSON.stringify(referenceRecord(...))`.
 */
export function referenceRecordJson(id: number, generation = 1): string {
  return (
    `{"id":${id},"name":"name-${id}-g${generation}","value":${recordValue(id, generation)},` +
    `"updated_at":"${recordUpdatedAt(id, generation)}",` +
    `"nested":{"a":${nestedA(id, generation)},"b":"group-${id % 10}-g${generation}"}}`
  );
}

/** Every record the reference API serves for `records` = n, in id order, generated on demand. */
export function* referenceRecords(n: number, generation = 1): Generator<ReferenceRecord> {
  for (let id = 1; id <= n; id++) yield referenceRecord(id, generation);
}
