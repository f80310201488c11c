import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Busy CPU seconds of the whole machine so far, all cores (Linux /proc/stat; undefined elsewhere). */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return undefined;
  }
}

export const cores = availableParallelism();
