import type { Redactor } from '@restsync/core';
import type { CliIo } from './cli';
import type { EngineCommand } from './engine-args';
import { assertDistributable, openEngine } from './engine-run';
import { type ExitCode, exitCodes } from './exit-codes';
import type { JsonResult } from './json-result';
import type { PreparedRun } from './prepare-run';
import type { ScheduledRunData } from './worker-command';

function every(milliseconds: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}

/**
 * `restsync schedule <config> --every 15m | --cron "…" --engine redis://…`: stores a BullMQ job
 * scheduler whose every tick enqueues one run of the pipeline; a worker runs it. The schedule's id
 * is the pipeline name, so scheduling the same pipeline again replaces its schedule.
 */
export async function scheduleAddCommand(
  command: Extract<EngineCommand, { kind: 'schedule-add' }>,
  prepared: PreparedRun,
  context: { io: CliIo; redactor: Redactor; json: JsonResult },
): Promise<ExitCode> {
  assertDistributable(prepared, command.configPath);
  const definition = prepared.source.definition?.config ?? prepared.file.source;
  const data: ScheduledRunData = {
    configPath: command.configPath,
    source: definition as Record<string, unknown>,
    pipeline: prepared.pipelineName,
    dataset: prepared.dataset,
    destination: prepared.destination.description,
  };
  const engine = await openEngine(command.engine, context.redactor);
  try {
    await engine.schedule(
      prepared.pipelineName,
      command.everyMs === undefined ? { cron: command.cron ?? '' } : { everyMs: command.everyMs },
      { ...data },
    );
  } finally {
    await engine.close();
  }
  const when =
    command.everyMs === undefined ? `on cron "${command.cron}"` : `every ${every(command.everyMs)}`;
  (command.json ? context.io.stderr : context.io.stdout).write(
    `✔ pipeline "${prepared.pipelineName}" runs ${when} on ${engine.description} (schedule id "${prepared.pipelineName}"); start workers with restsync worker --engine ${engine.description}\n`,
  );
  context.json.status = 'succeeded';
  return exitCodes.success;
}

/** `restsync schedule list --engine …` and `restsync schedule remove <id> --engine …`. */
export async function scheduleManageCommand(
  command: Extract<EngineCommand, { kind: 'schedule-list' | 'schedule-remove' }>,
  context: { io: CliIo; redactor: Redactor; json: JsonResult & { schedules?: unknown } },
): Promise<ExitCode> {
  const engine = await openEngine(command.engine, context.redactor);
  const report = command.json ? context.io.stderr : context.io.stdout;
  try {
    if (command.kind === 'schedule-remove') {
      const removed = await engine.removeSchedule(command.id);
      report.write(
        removed
          ? `✔ schedule "${command.id}" removed\n`
          : `✖ no schedule "${command.id}" on ${engine.description}\n`,
      );
      context.json.status = removed ? 'succeeded' : 'failed';
      return removed ? exitCodes.success : exitCodes.syncFailed;
    }
    const schedules = await engine.listSchedules();
    context.json.schedules = schedules;
    report.write(
      schedules.length === 0
        ? `no schedules on ${engine.description}\n`
        : `${schedules
            .map(
              (schedule) =>
                `${schedule.id}  ${schedule.cron === undefined ? `every ${every(schedule.everyMs ?? 0)}` : `cron "${schedule.cron}"`}${schedule.next ? `  next ${schedule.next}` : ''}`,
            )
            .join('\n')}\n`,
    );
    context.json.status = 'succeeded';
    return exitCodes.success;
  } finally {
    await engine.close();
  }
}
