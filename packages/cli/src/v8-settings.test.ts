import { describe, expect, it } from 'vitest';
import {
  type FetchedPage,
  LongRunTierUp,
  longRunBudgetFlag,
  pagesStillExpected,
  userNodeFlags,
  v8SettingsFor,
} from './v8-settings';

describe('v8SettingsFor', () => {
  it('should apply every setting when the user set none of its flags', () => {
    expect(v8SettingsFor(userNodeFlags(['--enable-source-maps'], undefined))).toEqual({
      flags: ['--liftoff-only', '--heap-growing-percent=100', '--interrupt-budget=270336'],
      capSemiSpace: true,
    });
  });

  it("should leave a setting to the user's own flag, from node's arguments or NODE_OPTIONS", () => {
    expect(
      v8SettingsFor(
        userNodeFlags(
          ['--no-liftoff', '--interrupt-budget=100000'],
          '--max-old-space-size=512 --heap_growing_percent=80',
        ),
      ),
    ).toEqual({ flags: [], capSemiSpace: true });
    expect(v8SettingsFor(userNodeFlags([], '--wasm-tiering-budget=100 --max-semi-space-size=32'))).toEqual({
      flags: ['--heap-growing-percent=100', '--interrupt-budget=270336'],
      capSemiSpace: false,
    });
  });
});

describe('pagesStillExpected', () => {
  it('should count the pages after this one from a total in pages or in records at this page size', () => {
    expect(pagesStillExpected({ index: 0, records: 100, total: { pages: 50 } })).toBe(49);
    expect(pagesStillExpected({ index: 0, records: 100, total: { records: 500_000 } })).toBe(4_999);
    expect(pagesStillExpected({ index: 9, records: 100, total: { records: 1_050 } })).toBe(1);
    expect(pagesStillExpected({ index: 20, records: 100, total: { records: 1_000 } })).toBe(0);
  });

  it('should know none without a total, or from an empty page of records', () => {
    expect(pagesStillExpected({ index: 3, records: 100 })).toBeUndefined();
    expect(pagesStillExpected({ index: 0, records: 0, total: { records: 10_000 } })).toBeUndefined();
  });
});

describe('LongRunTierUp', () => {
  /** Feeds `count` pages of 100 records of one sequence of `total` records; returns the flags set, with the page each came at. */
  function run(count: number, total?: number): { flags: string[]; at: number[] } {
    const flags: string[] = [];
    const at: number[] = [];
    let index = 0;
    const tierUp = new LongRunTierUp((flag) => {
      flags.push(flag);
      at.push(index);
    });
    for (; index < count; index++) {
      const page: FetchedPage = {
        index,
        records: 100,
        ...(total === undefined ? {} : { total: { records: total } }),
      };
      tierUp.notePage(page);
    }
    return { flags, at };
  }

  it('should keep the delay through a run of 1 000 pages that says so from its first page', () => {
    expect(run(999, 100_000).flags).toEqual([]);
  });

  it('should end the delay at the first page of a run that expects 1 000 more, once', () => {
    expect(run(5_000, 500_000)).toEqual({ flags: [longRunBudgetFlag], at: [0] });
    expect(run(1_001, 100_100)).toEqual({ flags: [longRunBudgetFlag], at: [0] });
  });

  it('should end it at the 1 000th page when no total tells the length before', () => {
    expect(run(3_000)).toEqual({ flags: [longRunBudgetFlag], at: [999] });
    expect(run(999).flags).toEqual([]);
  });

  it('should lower the budget below the delayed one', () => {
    const budget = (flag: string) => Number(flag.split('=')[1]);
    const delayed = v8SettingsFor([]).flags.find((flag) => flag.startsWith('--interrupt-budget=')) as string;
    expect(budget(longRunBudgetFlag)).toBeLessThan(budget(delayed));
  });
});
