import { basename, extname } from 'node:path';
import {
  ConfigError,
  pipeline as createPipeline,
  createRedactor,
  type Destination,
  RestsyncError,
  type RestsyncEvent,
  type RunResult,
  SecretError,
} from '@restsync/core';
import packageJson from '../package.json' with { type: 'json' };
import { type Command, helpText, parseCommand } from './args';
import { readSyncFile } from './config-file';
import { createDestination } from './destination';
import { createProgress } from './progress';
import { buildSource } from './source';
import { formatSummaryTable } from './summary-table';

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** The one JSON object `--json` prints on stdout. */
export interface JsonResult {
  status: 'succeeded' | 'failed';
  pipeline: string | null;
  dataset: string | null;
  destination: string | null;
  resources: Record<string, { rows: number; pages: number }>;
  retries: number;
  durationMs: number;
  error?: { code: string; message: string };
}

export const exitCodes = { success: 0, syncFailed: 1, usage: 2 } as const;

/** Runs the CLI and returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const startedAt = Date.now();
  const redactor = createRedactor();
  let redact = (text: string) => redactor.redactUrl(text);
  let command: Command = { kind: 'help' };
  const json: JsonResult = {
    status: 'failed',
    pipeline: null,
    dataset: null,
    destination: null,
    resources: {},
    retries: 0,
    durationMs: 0,
  };
  try {
    command = parseCommand(argv);
    if (command.kind === 'help') {
      io.stdout.write(helpText);
      return exitCodes.success;
    }
    if (command.kind === 'version') {
      io.stdout.write(`${packageJson.version}\n`);
      return exitCodes.success;
    }
    const file = await readSyncFile(command.configPath);
    const source = await buildSource(file.source, { cwd: io.cwd, env: io.env });
    redact = (text) => redactor.redactUrl(source.redactor.redact(text));
    const destination: Destination = createDestination(command.destination ?? file.destination, io.cwd);
    const name = file.pipeline?.name ?? basename(command.configPath, extname(command.configPath));
    const dataset = command.dataset ?? file.pipeline?.dataset ?? `${name}_dataset`;
    json.pipeline = name;
    json.dataset = dataset;
    json.destination = redact(destination.description);
    if (command.kind === 'validate') {
      const message = `${command.configPath} is valid: ${source.resources.length} resource(s) → ${json.destination}, dataset "${dataset}"\n`;
      (command.json ? io.stderr : io.stdout).write(message);
      json.status = 'succeeded';
      return exitCodes.success;
    }
    const progress = createProgress({ stream: io.stderr });
    const track = (event: RestsyncEvent) => {
      progress.onEvent(event);
      if (event.type === 'page') {
        const entry = json.resources[event.resource] ?? { rows: 0, pages: 0 };
        entry.rows += event.records;
        entry.pages += 1;
        json.resources[event.resource] = entry;
      } else if (event.type === 'retry') {
        json.retries += 1;
      }
    };
    let result: RunResult;
    try {
      result = await createPipeline({ name, dataset, destination, onEvent: track }).run(source);
    } finally {
      progress.stop();
    }
    json.status = 'succeeded';
    json.resources = result.resources;
    json.retries = result.retries;
    (command.json ? io.stderr : io.stdout).write(`${formatSummaryTable(result)}\n`);
    return exitCodes.success;
  } catch (error) {
    const code =
      error instanceof ConfigError || SecretError.isInstance(error) || ConfigError.isInstance(error)
        ? exitCodes.usage
        : exitCodes.syncFailed;
    const message = redact(error instanceof Error ? error.message : String(error));
    json.error = { code: RestsyncError.isInstance(error) ? error.code : 'internal', message };
    io.stderr.write(`restsync: ${code === exitCodes.usage ? 'invalid config' : 'sync failed'}: ${message}\n`);
    if (!RestsyncError.isInstance(error) && error instanceof Error && error.stack) {
      io.stderr.write(`${redact(error.stack)}\n`);
    }
    return code;
  } finally {
    if (command.kind === 'run' || command.kind === 'validate') {
      json.durationMs = Date.now() - startedAt;
      if (command.json) io.stdout.write(`${JSON.stringify(json)}\n`);
    }
  }
}
