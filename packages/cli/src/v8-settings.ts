import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * V8 settings the CLI runs with, each unless the user set the same flag (in `NODE_OPTIONS` or on
 * node's command line). Measured on a 100k-row sync into Postgres (`pnpm bench`): the peak RSS
 * falls from about 160 MB to about 120 MB, with no more CPU; the later tier-up saves 5–10 % of
 * the client's CPU, and ends when the run turns out long (`LongRunTierUp`).
 */
const settings = [
  {
    // WebAssembly (undici's HTTP parser, PGlite) stays on V8's baseline compiler: the optimizing
    // compile of the parser alone allocates about 35 MB in a background thread, and costs more CPU
    // than it saves on a run's worth of responses.
    flag: '--liftoff-only',
    userFlags: /^--(no-)?(liftoff|wasm[-_]tier|wasm[-_]dynamic[-_]tiering)/,
  },
  {
    // A full GC when the old generation reaches 2 × its live size, not up to 4 ×: rows buffered
    // for a batch are promoted, then die, and V8 would otherwise keep that garbage around. At
    // 1.5 × a 500k-row sync ran 14 full GCs (half its GC time); at 2 × half as many, for 3–5 MB
    // more peak RSS at 100k rows.
    flag: '--heap-growing-percent=100',
    userFlags: /^--heap[-_]growing[-_]percent/,
  },
  {
    // A function is optimized after 4 × V8's default budget of work (67 584 bytecode bytes): a
    // sync's per-row functions still reach TurboFan within its first pages, while the per-page
    // and per-batch machinery (async functions that inline much) is no longer compiled on a
    // background thread at 10–30 ms each. On a 100k-row sync: 146 → 74 functions optimized.
    flag: '--interrupt-budget=270336',
    userFlags: /^--interrupt[-_]budget=/,
  },
];

/**
 * A run counts as long once it has fetched this many pages, or as soon as a page's sequence still
 * expects this many more (see `isLongRun`).
 */
const longRunPages = 1000;
/**
 * The tier-up budget of a long run, below V8's default (67 584): on a 500 000-row sync it used
 * about 5 % less CPU than the default (and about 10 % less than the delayed tier-up).
 */
export const longRunBudgetFlag = '--interrupt-budget=30000';

/** What the tier-up reads of a `page` event. */
export interface FetchedPage {
  index: number;
  records: number;
  total?: { records?: number; pages?: number } | undefined;
}

/**
 * How many more pages the page's sequence expects after it, from the total its paginator knows (in
 * pages, or in records at this page's size); undefined when it knows none.
 */
export function pagesStillExpected(page: FetchedPage): number | undefined {
  const total = page.total;
  if (total?.pages !== undefined) return Math.max(0, total.pages - page.index - 1);
  if (total?.records === undefined || page.records === 0) return undefined;
  return Math.max(0, Math.ceil(total.records / page.records) - page.index - 1);
}

/** Whether a run that has fetched `fetched` pages, the last one `page`, counts as long. */
function isLongRun(fetched: number, page: FetchedPage): boolean {
  return fetched >= longRunPages || (pagesStillExpected(page) ?? 0) >= longRunPages;
}

/**
 * Ends the CLI's later tier-up when the run turns out long. The delay pays on a short run, whose
 * per-page machinery (HTTP, pagination, batching) runs a few hundred times and would be compiled
 * for little use. On a long one that machinery runs thousands of times more, and unoptimized it
 * costs more than compiling it: a 500 000-row sync (5 000 pages) spent about 10 % more CPU under
 * the delay. So at the first page of a long run, functions get a smaller budget (each keeps the
 * one it has until it next ticks).
 */
export class LongRunTierUp {
  #fetched = 0;
  #ended = false;

  constructor(private readonly setFlags: (flags: string) => void) {}

  /** Counts a fetched page; the first one that makes the run long ends the delay, once. */
  notePage(page: FetchedPage): void {
    if (this.#ended) return;
    this.#fetched += 1;
    if (!isLongRun(this.#fetched, page)) return;
    this.#ended = true;
    this.setFlags(longRunBudgetFlag);
  }
}

/** The process's tier-up, when `applyV8Settings` delayed it (not when the user set the budget). */
let tierUp: LongRunTierUp | undefined;

/** Counts a page the run fetched (see `LongRunTierUp`); does nothing unless the CLI delayed the tier-up. */
export function notePage(page: FetchedPage): void {
  tierUp?.notePage(page);
}

/** The young generation stops growing at 8 MB semi-spaces (V8 grows them to 16 MB when a batch's rows survive scavenges). */
const semiSpaceCapBytes = 2 * 8 * 1024 * 1024;
const userSemiSpace = /^--(max|min)[-_]semi[-_]space[-_]size|^--semi[-_]space[-_]growth[-_]factor/;

/** The flags of node's command line and of `NODE_OPTIONS`, one per entry. */
export function userNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].filter((option) => option.startsWith('--'));
}

/** The settings to apply: every one whose flag the user did not set. */
export function v8SettingsFor(userFlags: readonly string[]): { flags: string[]; capSemiSpace: boolean } {
  return {
    flags: settings
      .filter((setting) => !userFlags.some((flag) => setting.userFlags.test(flag)))
      .map((setting) => setting.flag),
    capSemiSpace: !userFlags.some((flag) => userSemiSpace.test(flag)),
  };
}

/**
 * Applies the settings to this process, first thing in the CLI. V8 reads each of these flags when
 * it uses it (compiling WebAssembly, sizing the heap after a GC, giving a function its tier-up
 * budget), so setting them at run time works: the CLI's own modules load after this.
 */
export function applyV8Settings(execArgv: readonly string[], nodeOptions: string | undefined): void {
  const { flags, capSemiSpace } = v8SettingsFor(userNodeFlags(execArgv, nodeOptions));
  for (const flag of flags) setFlagsFromString(flag);
  if (flags.some((flag) => flag.startsWith('--interrupt-budget=')))
    tierUp = new LongRunTierUp(setFlagsFromString);
  if (!capSemiSpace) return;
  // Capped once the semi-spaces reach 8 MB: from the start, 1 MB semi-spaces would cost CPU.
  const observer = new PerformanceObserver(() => {
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (newSpace === undefined || newSpace.space_size < semiSpaceCapBytes * 0.99) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
