import type { ConfigIssue } from '@restsync/core';
import type { CheckResult } from './check-command';
import type { DryRunResult } from './dry-run';
import type { RunEntry } from './runs-command';

/** The one JSON object `--json` prints on stdout, on success and on failure. */
export interface JsonResult {
  /** `cancelled`: stopped by Ctrl-C (SIGINT) or SIGTERM after committing what `error.message` says. */
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Null when the config could not be read. */
  pipeline: string | null;
  dataset: string | null;
  /** The destination, password redacted. */
  destination: string | null;
  /** Records fetched and pages per resource (on failure: up to the failure). */
  resources: Record<string, { rows: number; pages: number }>;
  retries: number;
  /** Wall time of the whole command. */
  durationMs: number;
  /** `state show`: each resource's stored state document (null: none), secrets redacted. */
  states?: Record<string, unknown>;
  /** `run --dry-run`: pages, records and samples per resource, and the inferred tables. Nothing was written. */
  dryRun?: DryRunResult;
  /** `check`: each resource's first request and the destination, reached or not. */
  check?: CheckResult;
  /** `runs`: the pipeline's past loads, newest first. */
  runs?: RunEntry[];
  /** Present when the status is `failed` or `cancelled`. Every string is redacted. */
  error?: {
    /** `config`, `secret`, `http`, `auth`, `rate_limit`, `response`, `pagination`, `schema`, `destination`, `cancelled` or `internal`. */
    code: string;
    message: string;
    /** For `config`: every problem with its path in the config file (or `--destination`, `command line`). */
    issues?: ConfigIssue[];
  };
}

export function emptyJsonResult(): JsonResult {
  return {
    status: 'failed',
    pipeline: null,
    dataset: null,
    destination: null,
    resources: {},
    retries: 0,
    durationMs: 0,
  };
}
