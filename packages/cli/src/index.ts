export type { CliIo, JsonResult } from './cli';
export { exitCodes, runCli } from './cli';
export type { SyncFile } from './config-file';
export { readSyncFile } from './config-file';
export { createDestination, defaultDestinationUrl } from './destination';
export type { ProgressDisplay, ProgressOptions } from './progress';
export { createProgress } from './progress';
export { formatSummaryTable } from './summary-table';
