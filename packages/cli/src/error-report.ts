import { ConfigError, RestsyncError, RunCancelledError } from '@restsync/core';
import { CommandLineError } from './args';
import { type ExitCode, exitCodes } from './exit-codes';
import type { JsonResult } from './json-result';

/** How a failure is shown: the exit code, the text for stderr, and the `error` of the JSON result. */
export interface ErrorReport {
  exitCode: ExitCode;
  /** Lines for stderr, ending with a newline. Redacted. */
  text: string;
  json: NonNullable<JsonResult['error']>;
}

export interface ErrorReportOptions {
  /** Removes every secret and password from a text. */
  redact: (text: string) => string;
  /** The config file as the user typed it, when known. */
  configPath?: string;
  /** `run` or `validate`, when known. */
  command?: 'run' | 'validate' | 'state-show' | 'state-reset';
  /** Whether pages were fetched before the failure (then a rerun continues from the committed batches). */
  fetchedPages?: boolean;
  /** What this run committed before it failed; with it the hint states exact numbers. */
  committed?: { rows: number; batches: number };
}

const rerunHint = 'Batches already committed are kept: run the same command again to continue.';
const numberFormat = new Intl.NumberFormat('en-US');

function plural(count: number, singular: string, pluralForm: string): string {
  return `${numberFormat.format(count)} ${count === 1 ? singular : pluralForm}`;
}

/** What the run kept and what a rerun does, in exact numbers (never "kept" when nothing was). */
function committedHint(committed: { rows: number; batches: number }): string {
  if (committed.batches === 0) {
    return 'Nothing was committed in this run. Run the same command again to start over from the last stored state.';
  }
  return (
    `This run committed ${plural(committed.batches, 'batch', 'batches')} (${plural(committed.rows, 'row', 'rows')}) ` +
    'before it stopped; they are kept. Run the same command again: it resumes after them.'
  );
}

/** Classifies a failure (2: config or command line, 1: the sync failed, 130: cancelled by Ctrl-C) and words it. */
export function reportError(error: unknown, options: ErrorReportOptions): ErrorReport {
  const { redact } = options;
  if (error instanceof CommandLineError) {
    const message = redact(error.issues[0]?.message ?? error.message);
    return {
      exitCode: exitCodes.usage,
      text: `restsync: ${message}\nRun "restsync --help" for usage.\n`,
      json: { code: 'usage', message },
    };
  }
  if (ConfigError.isInstance(error)) {
    const issues = error.issues.map((issue) => ({
      path: redact(issue.path),
      message: redact(issue.message),
    }));
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const where = options.configPath === undefined ? 'The config' : redact(options.configPath);
    const lines = issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`);
    const footer = options.command === 'run' ? ['Nothing was fetched. Fix the config and run again.'] : [];
    return {
      exitCode: exitCodes.usage,
      text: `${[`restsync: ${where} is invalid (${count}):`, ...lines, ...footer].join('\n')}\n`,
      json: { code: 'config', message: redact(error.message), issues },
    };
  }
  if (RunCancelledError.isInstance(error)) {
    // The message says exactly how many batches and rows this run committed.
    const message = redact(error.message);
    // Regression: Ctrl-C said "committed batches are kept" when none were.
    const next =
      error.result.batches === 0
        ? 'Nothing was committed: run the same command again to start over from the last stored state.'
        : 'Run the same command again to resume from the last commit.';
    return {
      exitCode: exitCodes.interrupted,
      text: `restsync: ${message} ${next}\n`,
      json: { code: 'cancelled', message },
    };
  }
  if (RestsyncError.isInstance(error)) {
    const message = redact(error.message);
    if (error.code === 'secret') {
      return { exitCode: exitCodes.usage, text: `restsync: ${message}\n`, json: { code: 'secret', message } };
    }
    const hint =
      options.committed !== undefined && (options.fetchedPages ?? true)
        ? `\n${committedHint(options.committed)}`
        : options.fetchedPages
          ? `\n${rerunHint}`
          : '';
    return {
      exitCode: exitCodes.syncFailed,
      text: `restsync: sync failed (${error.code}): ${message}${hint}\n`,
      json: { code: error.code, message },
    };
  }
  const message = redact(error instanceof Error ? error.message : String(error));
  const stack = error instanceof Error && error.stack ? `${redact(error.stack)}\n` : '';
  return {
    exitCode: exitCodes.syncFailed,
    text: `restsync: sync failed with an unexpected error: ${message}\n${stack}`,
    json: { code: 'internal', message },
  };
}
