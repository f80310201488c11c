import { readFileSync, writeFileSync } from 'node:fs';

/**
 * The peak RSS of this process's own memory, in kB. On Linux it is `VmHWM` from
 * `/proc/self/status`: `getrusage`'s `maxrss` also counts the pages of the process that forked
 * this one, before `exec` (Linux keeps the larger of the two), so a bench orchestrator grown past a
 * scenario's own peak would report its size for every scenario after it.
 */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: getrusage's figure is the one there is.
  }
  return process.resourceUsage().maxRSS;
}

/**
 * Loaded with `node --import` into every measured process (the built CLI and the ideal pipeline
 * alike): on exit it writes the process's own CPU time and peak RSS, start-up included, to
 * `BENCH_MEASURE_FILE`, so the orchestrator measures each process the same way.
 */
const target = process.env.BENCH_MEASURE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        peakRssMb: peakRssKb() / 1024,
      }),
    );
  });
}
