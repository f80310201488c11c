/** A failure the test server can inject instead of (or before) a normal response. */
export type FaultKind =
  | '401'
  | '429'
  | '500'
  | '502'
  | '503'
  | '504'
  | 'reset'
  | 'truncated'
  | 'malformed'
  | 'slow'
  | 'null-data'
  | 'empty-data';

/** Every fault kind, in a stable order. */
export const faultKinds: readonly FaultKind[] = [
  '401',
  '429',
  '500',
  '502',
  '503',
  '504',
  'reset',
  'truncated',
  'malformed',
  'slow',
  'null-data',
  'empty-data',
];

/**
 * The kinds a correct client recovers from by retrying, used by rate-based faults unless
 * `kinds` is given. `401`, `malformed` (a 200 with broken JSON), `slow` and the data faults are left out.
 */
export const retryableFaultKinds: readonly FaultKind[] = [
  '429',
  '500',
  '502',
  '503',
  '504',
  'reset',
  'truncated',
];

/** Probabilistic faults, decided per request number by a seeded hash (the same seed gives the same schedule). */
export interface ReferenceApiFaults {
  /** Probability in [0, 1] that a request is faulted. */
  rate: number;
  /** The kinds to draw from, uniformly. @default retryableFaultKinds (429, 5xx, reset, truncated) */
  kinds?: FaultKind[];
  /** Seed of the schedule. @default 1 */
  seed?: number;
  /** `Retry-After` of a 429, in seconds (overrides the top-level `retryAfterSeconds`). @default 1 */
  retryAfterSeconds?: number;
  /**
   * At most this many faulted requests in a row (by request number, counting scripted faults);
   * the next one is served. Keeps a client with that many retries able to finish.
   * @default Infinity
   */
  maxConsecutive?: number;
}

export interface FaultPlannerOptions {
  faults?: ReferenceApiFaults;
  script?: Record<number, FaultKind>;
}

/**
 * Decides the fault of each request. `plan` must be called once per request number, in increasing
 * order (the server numbers requests as they arrive), because `maxConsecutive` looks back.
 */
export interface FaultPlanner {
  plan(requestNumber: number): FaultKind | undefined;
}

/** A uniform number in [0, 1) that depends only on (seed, requestNumber, salt). */
function hashUnit(seed: number, requestNumber: number, salt: number): number {
  let hash = (seed ^ Math.imul(requestNumber, 0x9e3779b9) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x21f0aaad);
  hash = Math.imul(hash ^ (hash >>> 15), 0x735a2d97);
  hash ^= hash >>> 15;
  return (hash >>> 0) / 4_294_967_296;
}

export function createFaultPlanner(options: FaultPlannerOptions): FaultPlanner {
  const script = options.script ?? {};
  const faults = options.faults;
  const rate = faults?.rate ?? 0;
  const kinds = faults?.kinds ?? retryableFaultKinds;
  const seed = faults?.seed ?? 1;
  const maxConsecutive = faults?.maxConsecutive ?? Number.POSITIVE_INFINITY;
  let consecutive = 0;

  const drawn = (requestNumber: number): FaultKind | undefined => {
    if (rate <= 0 || consecutive >= maxConsecutive) return undefined;
    if (hashUnit(seed, requestNumber, 0) >= rate) return undefined;
    return kinds[Math.floor(hashUnit(seed, requestNumber, 1) * kinds.length)];
  };

  return {
    plan(requestNumber) {
      const fault = script[requestNumber] ?? drawn(requestNumber);
      consecutive = fault === undefined ? 0 : consecutive + 1;
      return fault;
    },
  };
}
