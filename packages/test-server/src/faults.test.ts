import { describe, expect, it } from 'vitest';
import { createFaultPlanner, type FaultKind, retryableFaultKinds } from './faults';

function schedule(planner: ReturnType<typeof createFaultPlanner>, count: number): (FaultKind | undefined)[] {
  return Array.from({ length: count }, (_, index) => planner.plan(index + 1));
}

describe('createFaultPlanner', () => {
  it('should give the same schedule for the same seed', () => {
    const first = schedule(createFaultPlanner({ faults: { rate: 0.3, seed: 42 } }), 200);
    const second = schedule(createFaultPlanner({ faults: { rate: 0.3, seed: 42 } }), 200);
    expect(second).toEqual(first);
    expect(first.some((fault) => fault !== undefined)).toBe(true);
  });

  it('should give a different schedule for a different seed', () => {
    const first = schedule(createFaultPlanner({ faults: { rate: 0.3, seed: 1 } }), 200);
    const second = schedule(createFaultPlanner({ faults: { rate: 0.3, seed: 2 } }), 200);
    expect(second).not.toEqual(first);
  });

  it('should fault about the given share of requests', () => {
    const faults = schedule(createFaultPlanner({ faults: { rate: 0.2 } }), 10_000);
    const share = faults.filter((fault) => fault !== undefined).length / faults.length;
    expect(share).toBeGreaterThan(0.17);
    expect(share).toBeLessThan(0.23);
  });

  it('should fault nothing at rate 0 and everything at rate 1', () => {
    expect(schedule(createFaultPlanner({ faults: { rate: 0 } }), 100).every((fault) => !fault)).toBe(true);
    expect(schedule(createFaultPlanner({ faults: { rate: 1 } }), 100).every((fault) => fault)).toBe(true);
  });

  it('should draw only retryable kinds by default, and only the given kinds otherwise', () => {
    const defaults = new Set(schedule(createFaultPlanner({ faults: { rate: 1 } }), 500));
    expect([...defaults].sort()).toEqual([...retryableFaultKinds].sort());
    const chosen = new Set(
      schedule(createFaultPlanner({ faults: { rate: 1, kinds: ['502', 'reset'] } }), 200),
    );
    expect([...chosen].sort()).toEqual(['502', 'reset']);
  });

  it('should apply the script by request number, over the rate', () => {
    const planner = createFaultPlanner({
      script: { 1: '503', 3: 'reset' },
      faults: { rate: 1, kinds: ['500'] },
    });
    expect(schedule(planner, 4)).toEqual(['503', '500', 'reset', '500']);
    expect(schedule(createFaultPlanner({ script: { 2: 'malformed' } }), 3)).toEqual([
      undefined,
      'malformed',
      undefined,
    ]);
  });

  it('should serve a request after maxConsecutive faults in a row', () => {
    const planner = createFaultPlanner({ faults: { rate: 1, kinds: ['503'], maxConsecutive: 2 } });
    expect(schedule(planner, 7)).toEqual(['503', '503', undefined, '503', '503', undefined, '503']);
  });
});
