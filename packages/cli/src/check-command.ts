import { createEventBus, type RestsyncEvent, type Source } from '@restsync/core';
import type { PreparedRun } from './prepare-run';
import { configWithPageLimit, configWithResources, selectedResourceNames } from './resource-selection';
import { buildSource } from './source';

/** The outcome of reaching one resource's API endpoint or the destination. */
export interface CheckOutcome {
  ok: boolean;
  /** Resources: the first page's URL (redacted), status and record count. */
  url?: string;
  status?: number;
  records?: number;
  durationMs: number;
  /** Why it failed, redacted. */
  error?: string;
}

export interface CheckResult {
  resources: Record<string, CheckOutcome>;
  destination: CheckOutcome;
}

export interface CheckOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Removes every secret and password from a text. */
  redact: (text: string) => string;
  /** `--resource a,b`: check only these. */
  resources?: readonly string[];
  /** Receive every (redacted) event (`--verbose`). */
  listeners?: Array<(event: RestsyncEvent) => void>;
  /** Called as each check ends, for live output. */
  onOutcome?: (name: string, outcome: CheckOutcome) => void;
  signal?: AbortSignal;
  now?: () => number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Fetches the first page of `name` (its parents' first pages too, for a child) and stops. */
async function checkResource(
  name: string,
  prepared: PreparedRun,
  options: CheckOptions,
): Promise<CheckOutcome> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  let source: Source;
  const all = prepared.source.resources;
  const config = configWithPageLimit(
    configWithResources(
      prepared.file.source as Record<string, unknown>,
      all.map((resource) => resource.name),
      selectedResourceNames(all, [name]),
    ),
    1,
  );
  source = await buildSource(config, { cwd: options.cwd, env: options.env });
  const events = createEventBus({ redactor: source.redactor, listeners: options.listeners ?? [] });
  try {
    for await (const page of source.pages({
      events,
      ...(options.signal ? { signal: options.signal } : {}),
    })) {
      if (page.resource !== name) continue;
      return {
        ok: true,
        url: options.redact(source.redactor.redact(page.request.url)),
        status: page.response.status,
        records: page.records.length,
        durationMs: now() - startedAt,
      };
    }
    return { ok: true, records: 0, durationMs: now() - startedAt };
  } catch (error) {
    return {
      ok: false,
      durationMs: now() - startedAt,
      error: options.redact(source.redactor.redact(message(error))),
    };
  }
}

/**
 * `restsync check`: reaches the API (the first page of each resource: one request, plus the first
 * page of a child's parents) and the destination (opens a session and closes it), and reports
 * each. Nothing is loaded.
 */
export async function checkConnections(prepared: PreparedRun, options: CheckOptions): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const names = options.resources
    ? selectedResourceNames(prepared.source.resources, options.resources).filter((name) =>
        options.resources?.includes(name),
      )
    : prepared.source.resources.map((resource) => resource.name);
  const resources: Record<string, CheckOutcome> = {};
  for (const name of names) {
    resources[name] = await checkResource(name, prepared, options);
    options.onOutcome?.(name, resources[name]);
  }
  const startedAt = now();
  let destination: CheckOutcome;
  try {
    const session = await prepared.destination.open({
      pipeline: prepared.pipelineName,
      dataset: prepared.dataset,
    });
    await session.close();
    destination = { ok: true, durationMs: now() - startedAt };
  } catch (error) {
    destination = { ok: false, durationMs: now() - startedAt, error: options.redact(message(error)) };
  }
  options.onOutcome?.('destination', destination);
  return { resources, destination };
}

/** One line per check: `✔ users: GET https://… → 200, 10 records (84 ms)` or `✖ users: HTTP 401 …`. */
export function formatCheckOutcome(name: string, outcome: CheckOutcome, label: string): string {
  const took = `(${Math.round(outcome.durationMs)} ms)`;
  if (!outcome.ok) return `✖ ${name}: ${outcome.error ?? 'failed'} ${took}\n`;
  if (outcome.url === undefined) return `✔ ${name}: ${label} ${took}\n`;
  return `✔ ${name}: GET ${outcome.url} → ${outcome.status}, ${outcome.records} record${outcome.records === 1 ? '' : 's'} ${took}\n`;
}
