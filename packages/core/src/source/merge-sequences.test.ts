import { describe, expect, it } from 'vitest';
import { createSequenceSlots, mergeSequences, type SequenceTask } from './merge-sequences';

async function* items(name: string, count: number, log: string[]): AsyncGenerator<string> {
  for (let index = 0; index < count; index += 1) {
    log.push(`start ${name}${index}`);
    await Promise.resolve();
    yield `${name}${index}`;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of iterable) result.push(item);
  return result;
}

describe('mergeSequences', () => {
  it('should yield the tasks in order, one after another, when none is parallel', async () => {
    const log: string[] = [];
    const tasks: SequenceTask<string>[] = ['a', 'b'].map((name) => ({
      start: () => items(name, 2, log),
      parallel: false,
    }));
    expect(await collect(mergeSequences(tasks, createSequenceSlots(4), () => undefined))).toEqual([
      'a0',
      'a1',
      'b0',
      'b1',
    ]);
    expect(log.indexOf('start b0')).toBeGreaterThan(log.indexOf('start a1'));
  });

  it('should keep each parallel sequence in order and return the slots it took', async () => {
    const slots = createSequenceSlots(3);
    const log: string[] = [];
    const tasks: SequenceTask<string>[] = ['a', 'b', 'c'].map((name) => ({
      start: () => items(name, 3, log),
      parallel: true,
    }));
    const result = await collect(mergeSequences(tasks, slots, () => undefined));
    for (const name of ['a', 'b', 'c']) {
      expect(result.filter((item) => item.startsWith(name))).toEqual([`${name}0`, `${name}1`, `${name}2`]);
    }
    // All three ran at once: each had started before any of them finished.
    expect(log.slice(0, 3).sort()).toEqual(['start a0', 'start b0', 'start c0']);
    expect(slots.free).toBe(2);
  });

  it('should cancel the others and throw when one sequence fails', async () => {
    let cancelled = 0;
    const failing = async function* failing(): AsyncGenerator<string> {
      await Promise.resolve();
      if (cancelled >= 0) throw new Error('page 1 failed');
      yield 'never';
    };
    const tasks: SequenceTask<string>[] = [
      { start: () => items('a', 100, []), parallel: true },
      { start: failing, parallel: true },
    ];
    await expect(
      collect(mergeSequences(tasks, createSequenceSlots(2), () => (cancelled += 1))),
    ).rejects.toThrow('page 1 failed');
    expect(cancelled).toBe(1);
  });
});
