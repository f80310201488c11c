import { createIssueList, isCount, isDelay } from './errors';
import { type FaultKind, faultKinds, type ReferenceApiFaults } from './faults';

export interface ReferenceApiOptions {
  /** Number of records N (ids 1..N). Records are generated per request, so N can be large. @default 1000 */
  records?: number;
  /** When set, every resource request must carry it in the query (`apiKeyParam`); otherwise 401. */
  apiKey?: string;
  /** Query parameter that carries the API key. @default 'api_key' */
  apiKeyParam?: string;
  /** Largest page served; a larger `limit` is clamped to it. @default 1000 */
  maxLimit?: number;
  /** Page size when the request has no `limit`. @default 100 */
  defaultLimit?: number;
  /** Add `total: N` to every page (`{ data, total }`); false serves `{ data }` only. @default true */
  includeTotal?: boolean;
  /** Probabilistic faults with a deterministic, seeded schedule. @default no faults */
  faults?: ReferenceApiFaults;
  /** Faults by request number (1-based, counting resource requests only), e.g. `{ 1: '503', 2: 'reset' }`. Wins over `faults`. */
  script?: Record<number, FaultKind>;
  /** Delay before every resource response, in milliseconds. @default 0 */
  latencyMs?: number;
  /** How long a `slow` fault waits before responding normally, in milliseconds. @default 2000 */
  slowMs?: number;
  /** `Retry-After` of every 429 fault, in seconds (`faults.retryAfterSeconds` wins when set). @default 1 */
  retryAfterSeconds?: number;
  /** Generation the server starts at (see `setGeneration`). @default 1 */
  generation?: number;
  /** Port on 127.0.0.1 to listen on. @default 0 (a random free port) */
  port?: number;
}

export interface ResolvedReferenceApiOptions {
  records: number;
  apiKey: string | undefined;
  apiKeyParam: string;
  maxLimit: number;
  defaultLimit: number;
  includeTotal: boolean;
  faults: ReferenceApiFaults | undefined;
  script: Record<number, FaultKind>;
  latencyMs: number;
  slowMs: number;
  retryAfterSeconds: number;
  generation: number;
}

/** Reports invalid `faults` and `script` options into `check`, with paths under `prefix`. */
export function checkFaultOptions(
  check: (valid: boolean, path: string, message: string) => void,
  faults: ReferenceApiFaults | undefined,
  script: Record<number, FaultKind> | undefined,
  prefix = '',
): void {
  if (faults) {
    check(
      faults.rate >= 0 && faults.rate <= 1,
      `${prefix}faults.rate`,
      'must be a probability between 0 and 1',
    );
    check(
      faults.kinds === undefined || faults.kinds.length > 0,
      `${prefix}faults.kinds`,
      'must list at least one kind',
    );
    for (const [index, kind] of (faults.kinds ?? []).entries()) {
      check(faultKinds.includes(kind), `${prefix}faults.kinds[${index}]`, `unknown fault kind "${kind}"`);
    }
    check(
      faults.maxConsecutive === undefined || faults.maxConsecutive >= 0,
      `${prefix}faults.maxConsecutive`,
      'must be a non-negative number',
    );
  }
  for (const [key, kind] of Object.entries(script ?? {})) {
    check(isCount(Number(key), 1), `${prefix}script.${key}`, 'request numbers start at 1');
    check(faultKinds.includes(kind), `${prefix}script.${key}`, `unknown fault kind "${kind}"`);
  }
}

/** Applies defaults and reports every invalid option at once. */
export function resolveReferenceApiOptions(options: ReferenceApiOptions = {}): ResolvedReferenceApiOptions {
  const resolved: ResolvedReferenceApiOptions = {
    records: options.records ?? 1000,
    apiKey: options.apiKey,
    apiKeyParam: options.apiKeyParam ?? 'api_key',
    maxLimit: options.maxLimit ?? 1000,
    defaultLimit: options.defaultLimit ?? 100,
    includeTotal: options.includeTotal ?? true,
    faults: options.faults,
    script: options.script ?? {},
    latencyMs: options.latencyMs ?? 0,
    slowMs: options.slowMs ?? 2000,
    retryAfterSeconds: options.faults?.retryAfterSeconds ?? options.retryAfterSeconds ?? 1,
    generation: options.generation ?? 1,
  };
  const { check, throwIfAny } = createIssueList();
  check(isCount(resolved.records, 0), 'records', 'must be a non-negative integer');
  check(isCount(resolved.maxLimit, 1), 'maxLimit', 'must be a positive integer');
  check(isCount(resolved.defaultLimit, 1), 'defaultLimit', 'must be a positive integer');
  check(resolved.apiKeyParam.length > 0, 'apiKeyParam', 'must not be empty');
  check(isDelay(resolved.latencyMs), 'latencyMs', 'must be a non-negative number of milliseconds');
  check(isDelay(resolved.slowMs), 'slowMs', 'must be a non-negative number of milliseconds');
  check(isCount(resolved.retryAfterSeconds, 0), 'retryAfterSeconds', 'must be a non-negative integer');
  check(isCount(resolved.generation, 0), 'generation', 'must be a non-negative integer');
  checkFaultOptions(check, resolved.faults, resolved.script);
  throwIfAny();
  return resolved;
}
