import { readStoredStates, resetStoredState } from '@restsync/core';
import type { Command } from './args';
import { CommandLineError } from './args';
import type { CliIo } from './cli';
import { type ExitCode, exitCodes } from './exit-codes';
import type { JsonResult } from './json-result';
import type { PreparedRun } from './prepare-run';

type StateCommand = Extract<Command, { kind: 'state-show' | 'state-reset' }>;

interface StateCommandContext {
  io: CliIo;
  /** Where results go (stdout, or stderr with `--json`). */
  report: { write(text: string): unknown };
  redact: (text: string) => string;
  /** The config's resources. */
  names: string[];
  json: JsonResult;
}

function checkResource(resource: string | undefined, names: string[]): void {
  if (resource !== undefined && !names.includes(resource)) {
    throw new CommandLineError(`unknown resource "${resource}" (resources: ${names.join(', ')})`);
  }
}

/**
 * `state show` prints each resource's stored state (cursor, last run, checkpoint), secrets
 * redacted; `state reset` clears one resource's state after a confirmation, or with `--yes`.
 */
export async function stateCommand(
  command: StateCommand,
  prepared: PreparedRun,
  context: StateCommandContext,
): Promise<ExitCode> {
  const { io, report, redact, names, json } = context;
  checkResource(command.resource, names);
  const target = {
    destination: prepared.destination,
    pipeline: prepared.pipelineName,
    dataset: prepared.dataset,
  };
  if (command.kind === 'state-show') {
    const resources = command.resource === undefined ? names : [command.resource];
    const states = await readStoredStates(target, resources);
    const shown = Object.fromEntries(
      [...states].map(([resource, state]) => [
        resource,
        state === undefined ? null : JSON.parse(redact(JSON.stringify(state))),
      ]),
    );
    json.states = shown;
    json.status = 'succeeded';
    report.write(`${JSON.stringify(shown, null, 2)}\n`);
    return exitCodes.success;
  }
  const resource = command.resource as string;
  const where = `pipeline "${prepared.pipelineName}", dataset "${prepared.dataset}"`;
  if (!command.yes) {
    const question = `Clear the stored state of resource "${resource}" (${where})? The next run reads it from the start. [y/N] `;
    if (io.confirm === undefined) {
      throw new CommandLineError(
        `"restsync state reset" asks for a confirmation: pass --yes to clear the state of "${resource}"`,
      );
    }
    if (!(await io.confirm(question))) {
      report.write('State left unchanged.\n');
      json.status = 'cancelled';
      return exitCodes.success;
    }
  }
  await resetStoredState(target, resource);
  json.status = 'succeeded';
  report.write(`✔ cleared the stored state of resource "${resource}" (${where})\n`);
  return exitCodes.success;
}
