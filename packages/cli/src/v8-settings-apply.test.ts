import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The flags the CLI sets go to this list, not to the test process's V8.
const setFlags = vi.hoisted(() => [] as string[]);
vi.mock('node:v8', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:v8')>()),
  setFlagsFromString: (flag: string) => setFlags.push(flag),
}));

/** A fresh copy of the module (its tier-up is process state), applied with the user's flags. */
async function applied(execArgv: string[]) {
  vi.resetModules();
  const settings = await import('./v8-settings');
  // A semi-space flag of the user's own keeps the module from watching GCs in the test process.
  settings.applyV8Settings([...execArgv, '--max-semi-space-size=16'], undefined);
  return settings;
}

/** Feeds `count` pages of 100 records of a sequence that expects `total` records. */
function feed(
  notePage: (page: { index: number; records: number; total?: { records?: number } }) => void,
  count: number,
  total: number,
) {
  for (let index = 0; index < count; index++) notePage({ index, records: 100, total: { records: total } });
}

describe('applyV8Settings with notePage', () => {
  beforeEach(() => {
    setFlags.length = 0;
  });
  afterEach(() => {
    vi.resetModules();
  });

  it('should delay the tier-up, then lower the budget once at the first page of a long run', async () => {
    const { notePage, longRunBudgetFlag } = await applied([]);
    expect(setFlags).toContain('--interrupt-budget=270336');
    const before = setFlags.length;
    feed(notePage, 3, 500_000);
    expect(setFlags.slice(before)).toEqual([longRunBudgetFlag]);
  });

  it('should keep the delay through a run of 1 000 pages', async () => {
    const { notePage } = await applied([]);
    const before = setFlags.length;
    feed(notePage, 999, 100_000);
    expect(setFlags.slice(before)).toEqual([]);
  });

  it('should change no budget when the user set one', async () => {
    const { notePage } = await applied(['--interrupt-budget=100000']);
    expect(setFlags.some((flag) => flag.startsWith('--interrupt-budget='))).toBe(false);
    feed(notePage, 2_000, 500_000);
    expect(setFlags.some((flag) => flag.startsWith('--interrupt-budget='))).toBe(false);
  });
});
