/**
 * `@restsync/destination-postgres/prestart`: start an embedded PGlite's worker thread, and open
 * its database, before the `postgres()` destination that will use it is built. It loads nothing
 * of the destination (no core, no driver), so a program can call it first thing and load the rest
 * meanwhile. See `prestartPgliteWorker`.
 */

export type { WorkerSettings as PgliteOpenSettings } from './pglite-worker';
export { prestartPgliteWorker, releasePrestartedPgliteWorker } from './pglite-worker-start';
