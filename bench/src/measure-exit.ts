import { writeFileSync } from 'node:fs';

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
        peakRssMb: usage.maxRSS / 1024,
      }),
    );
  });
}
