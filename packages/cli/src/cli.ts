import { createRedactor, RunCancelledError, type Source } from '@restsync/core';
import packageJson from '../package.json' with { type: 'json' };
import { type Command, parseCommand, wantsJson } from './args';
import { checkConnections, formatCheckOutcome } from './check-command';
import { type CliTelemetry, startCliTelemetry } from './cli-otel';
import { completionScript } from './completion-script';
import type { DestinationAnnouncement } from './destination-line';
import { dryRun, formatDryRun } from './dry-run';
import { assertDistributable, openEngine } from './engine-run';
import { reportError } from './error-report';
import { type ExitCode, exitCodes } from './exit-codes';
import { helpText } from './help-text';
import { initProject } from './init-command';
import { createJsonEventWriter, emptyJsonResult, type JsonResult, runJsonFields } from './json-result';
import { prepareRun } from './prepare-run';
import type { ProgressStream } from './progress';
import { runSync } from './run-sync';
import { createRunTracker, type RunTracker } from './run-tracker';
import { formatRuns, readRuns } from './runs-command';
import { scheduleAddCommand, scheduleManageCommand } from './schedule-command';
import { schemaCommandOutput } from './schema-command';
import { stateCommand } from './state-command';
import { formatSummaryTable } from './summary-table';
import { createVerboseLog } from './verbose-log';
import { workerCommand } from './worker-command';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  /** Results: the summary table, or the one JSON object with `--json`. */
  stdout: ProgressStream;
  /** Progress, errors, and everything else with `--json`. `isTTY` selects live progress. */
  stderr: ProgressStream;
  /** The caller's working directory: relative config paths, `pglite:` paths, `.env` and `.restsync/` resolve here. */
  cwd: string;
  /** Where secrets are read from (`{ "secret": "api_key" }` → `API_KEY`). */
  env: Record<string, string | undefined>;
  /**
   * Aborting (the first Ctrl-C) cancels the run: the batch in its transaction finishes, no new one
   * starts, the load is recorded `cancelled`, and the exit code is 130.
   */
  signal?: AbortSignal;
  /**
   * Asks the user a yes/no question (`state reset` without `--yes`); absent when there is no
   * terminal to ask on, and then `--yes` is required.
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Plain progress line interval when stderr is not a TTY, in ms. @default 2000 */
  progressIntervalMs?: number;
  /**
   * Rejects on an error nothing else handled (see `watchUnexpectedFailures`); the run then fails
   * with it, reported like any other failure (exit code 1).
   */
  unexpectedFailure?: Promise<never>;
  /**
   * The destination line of a plain `restsync run`, shown by `bin.ts` before the CLI's modules
   * loaded (see `earlyDestinationLine`); the run keeps it instead of writing its own.
   */
  announcement?: DestinationAnnouncement;
}

const numberFormat = new Intl.NumberFormat('en-US');

function plural(count: number, word: string): string {
  return `${numberFormat.format(count)} ${word}${count === 1 ? '' : 's'}`;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const startedAt = Date.now();
  const redactor = createRedactor();
  let source: Source | undefined;
  const redact = (text: string) => redactor.redactUrl(source ? source.redactor.redact(text) : text);
  const json: JsonResult = emptyJsonResult();
  let jsonOutput = wantsJson(argv);
  let command: Command | undefined;
  let tracker: RunTracker | undefined;
  let telemetry: CliTelemetry | undefined;
  try {
    command = parseCommand(argv);
    if (command.kind === 'help') {
      jsonOutput = false;
      (command.requested ? io.stdout : io.stderr).write(helpText);
      return command.requested ? exitCodes.success : exitCodes.usage;
    }
    if (command.kind === 'version') {
      jsonOutput = false;
      io.stdout.write(`${packageJson.version}\n`);
      return exitCodes.success;
    }
    if (command.kind === 'schema' || command.kind === 'completion') {
      io.stdout.write(command.kind === 'schema' ? schemaCommandOutput() : completionScript(command.shell));
      return exitCodes.success;
    }
    if (command.kind === 'init') {
      const lines = await initProject({
        cwd: io.cwd,
        force: command.force,
        ...(command.directory === undefined ? {} : { directory: command.directory }),
      });
      io.stdout.write(
        `${lines.map((line) => `restsync: ${line}`).join('\n')}\nNext: restsync validate sync.yaml, then restsync run sync.yaml --dry-run\n`,
      );
      return exitCodes.success;
    }
    if (command.kind === 'worker') return await workerCommand(command, io, redactor);
    if (command.kind === 'schedule-list' || command.kind === 'schedule-remove') {
      return await scheduleManageCommand(command, { io, redactor, json });
    }
    const report = command.json ? io.stderr : io.stdout;
    const quiet = command.kind === 'run' && command.quiet === true;
    const verboseLog =
      'verbose' in command && command.verbose
        ? [createVerboseLog({ write: (text) => io.stderr.write(text), redact })]
        : [];
    if ('jsonEvents' in command && command.jsonEvents)
      verboseLog.push(createJsonEventWriter(io.stdout, redact));
    const prepared = await prepareRun({
      ...command,
      ...('limitPages' in command || ('dryRun' in command && command.dryRun)
        ? { limitPages: ('limitPages' in command ? command.limitPages : undefined) ?? 1 }
        : {}),
      cwd: io.cwd,
      env: io.env,
      redactor,
      warn: (text) => (io.announcement ? io.announcement.print(text) : io.stderr.write(text)),
    });
    source = prepared.source;
    json.pipeline = prepared.pipelineName;
    json.dataset = prepared.dataset;
    json.destination = redact(prepared.destination.description);
    const names = prepared.source.resources.map((resource) => resource.name);
    if (command.kind === 'validate') {
      report.write(
        `✔ ${redact(command.configPath)} is valid: ${plural(names.length, 'resource')} (${names.join(', ')}) → ` +
          `${json.destination}, dataset "${prepared.dataset}", pipeline "${prepared.pipelineName}"\n` +
          `  Checked offline: no request was sent to the API or the destination. To reach them: restsync check ${redact(command.configPath)}\n`,
      );
      json.status = 'succeeded';
      return exitCodes.success;
    }
    if (command.kind === 'check') {
      const result = await checkConnections(prepared, {
        cwd: io.cwd,
        env: io.env,
        redact,
        listeners: verboseLog,
        ...(command.resources === undefined ? {} : { resources: command.resources }),
        ...(io.signal ? { signal: io.signal } : {}),
        onOutcome: (name, outcome) =>
          report.write(formatCheckOutcome(name, outcome, `${json.destination} reached`)),
      });
      json.check = result;
      const failed = [...Object.values(result.resources), result.destination].filter(
        (outcome) => !outcome.ok,
      ).length;
      report.write(
        failed === 0
          ? `✔ ${redact(command.configPath)}: the API answered for every resource and the destination is reachable\n`
          : `✖ ${redact(command.configPath)}: ${plural(failed, 'check')} failed\n`,
      );
      json.status = failed === 0 ? 'succeeded' : 'failed';
      return failed === 0 ? exitCodes.success : exitCodes.syncFailed;
    }
    if (command.kind === 'runs') {
      const runs = await readRuns(prepared, command.limit ?? 20);
      json.runs = runs;
      report.write(redact(formatRuns(runs, prepared.pipelineName, prepared.dataset)));
      json.status = 'succeeded';
      return exitCodes.success;
    }
    if (command.kind === 'state-show' || command.kind === 'state-reset') {
      return await stateCommand(command, prepared, { io, report, redact, names, json });
    }
    if (command.kind === 'schedule-add')
      return await scheduleAddCommand(command, prepared, { io, redactor, json });
    if (command.dryRun) {
      const result = await dryRun(prepared, {
        pagesPerResource: command.limitPages ?? 1,
        listeners: verboseLog,
        ...(io.signal ? { signal: io.signal } : {}),
      });
      json.dryRun = result;
      json.status = 'succeeded';
      for (const [name, entry] of Object.entries(result.resources)) {
        json.resources[name] = { rows: entry.records, pages: entry.pages };
      }
      report.write(redact(formatDryRun(result, json.destination)));
      return exitCodes.success;
    }
    tracker = createRunTracker({ resources: names });
    if (command.otel) {
      telemetry = await startCliTelemetry({
        env: io.env,
        pipeline: prepared.pipelineName,
        dataset: prepared.dataset,
      });
      verboseLog.push(telemetry.onEvent);
    }
    if (command.engine !== undefined) assertDistributable(prepared, command.configPath);
    const engine = command.engine === undefined ? undefined : await openEngine(command.engine, redactor);
    const run = runSync(prepared, {
      ...(engine ? { engine } : {}),
      listeners: verboseLog,
      ...(quiet ? { quiet: true } : {}),
      ...(io.announcement ? { announcement: io.announcement } : {}),
      progressStream: io.stderr,
      tracker,
      ...(command.waitMs === undefined ? {} : { lockTimeoutMs: command.waitMs }),
      ...(command.leaseTtlMs === undefined ? {} : { leaseTtlMs: command.leaseTtlMs }),
      ...(command.maxConcurrency === undefined ? {} : { maxConcurrency: command.maxConcurrency }),
      ...(command.fullRefresh ? { fullRefresh: true } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
      ...(io.progressIntervalMs === undefined ? {} : { progressIntervalMs: io.progressIntervalMs }),
    });
    run.finally(() => engine?.close()).catch(() => undefined);
    const result = await (io.unexpectedFailure ? Promise.race([run, io.unexpectedFailure]) : run);
    json.status = 'succeeded';
    Object.assign(json, runJsonFields(tracker, result));
    if (!quiet) report.write(`${redact(formatSummaryTable(result, tracker))}\n`);
    await telemetry?.end();
    return exitCodes.success;
  } catch (error) {
    // A run stopped before it opened the destination (a config error) clears the early spinner.
    io.announcement?.done('withdrawn');
    await telemetry?.end(error);
    if (RunCancelledError.isInstance(error)) {
      json.status = 'cancelled';
      if (command?.kind === 'run') {
        (command.json ? io.stderr : io.stdout).write(
          `${redact(formatSummaryTable(error.result, tracker))}\n`,
        );
      }
    }
    if (tracker) {
      Object.assign(
        json,
        runJsonFields(tracker, RunCancelledError.isInstance(error) ? error.result : undefined),
      );
    }
    const failure = reportError(error, {
      redact,
      ...(command && 'configPath' in command ? { configPath: command.configPath } : {}),
      ...(command?.kind === 'run' ||
      command?.kind === 'validate' ||
      command?.kind === 'state-show' ||
      command?.kind === 'state-reset'
        ? { command: command.kind }
        : {}),
      fetchedPages: tracker?.resources().some((progress) => progress.pages > 0) ?? false,
      ...(tracker ? { committed: tracker.committed() } : {}),
    });
    json.error = failure.json;
    io.stderr.write(failure.text);
    return failure.exitCode;
  } finally {
    if (jsonOutput) {
      json.durationMs = Date.now() - startedAt;
      json.finishedAt = new Date().toISOString();
      io.stdout.write(`${JSON.stringify(json)}\n`);
    }
  }
}
