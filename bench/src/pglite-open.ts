import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/** What `pgliteOpen` measured. */
export interface PgliteOpenResult {
  freshSeconds: number;
  warmSeconds: number;
}

/** Opens PGlite on a fresh directory, closes it, opens it again (warm): the two open times. */
export async function pgliteOpen(): Promise<PgliteOpenResult> {
  const directory = mkdtempSync(join(tmpdir(), 'restsync-bench-pglite-open-'));
  try {
    let started = performance.now();
    const fresh = await PGlite.create(directory);
    await fresh.query('SELECT 1');
    const freshSeconds = (performance.now() - started) / 1000;
    await fresh.close();
    started = performance.now();
    const warm = await PGlite.create(directory);
    await warm.query('SELECT 1');
    const warmSeconds = (performance.now() - started) / 1000;
    await warm.close();
    return { freshSeconds, warmSeconds };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
