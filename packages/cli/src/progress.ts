import { createRequire } from 'node:module';
import type { RestsyncEvent } from '@restsync/core';
import type CliProgress from 'cli-progress';
import { formatProgressLine } from './progress-line';
import { createRunTracker, type RunTracker } from './run-tracker';

/** A stream progress is written to; `isTTY` selects live bars or plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Shows a run's progress; feed it the pipeline's events after the tracker has seen them. */
export interface ProgressDisplay {
  onEvent(event: RestsyncEvent): void;
  /** Stops timers, draws the final state and restores the cursor. Safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  /** Where progress goes (the CLI passes stderr). */
  stream: ProgressStream;
  /**
   * The counts to show, fed by the caller. Without it the display keeps its own, fed from `onEvent`.
   * @default a tracker of its own
   */
  tracker?: RunTracker;
  /** How often a plain line per running resource is printed when the stream is not a TTY, in ms. @default 2000 */
  intervalMs?: number;
  /** How often the live lines are redrawn on a TTY, in ms. @default 100 */
  redrawMs?: number;
  /** Clock. @default Date.now */
  now?: () => number;
}

const numberFormat = new Intl.NumberFormat('en-US');

/**
 * The line of a `warning` event, or undefined when one of the same kind was already shown for the
 * resource (a child resource warns once per parent; the user needs it once).
 */
function warningLine(event: RestsyncEvent, shown: Set<string>): string | undefined {
  if (event.type !== 'warning') return undefined;
  const key = JSON.stringify([event.resource, event.code]);
  if (shown.has(key)) return undefined;
  shown.add(key);
  return `restsync: warning: ${event.message}\n`;
}

function nameWidth(tracker: RunTracker): number {
  return Math.max(0, ...tracker.resources().map((progress) => progress.name.length));
}

/** cli-progress, loaded only when a terminal shows live lines (logs and pipes never need it). */
function loadCliProgress(): typeof CliProgress {
  return createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
}

/** Live lines on a TTY, through cli-progress (one line per resource, redrawn in place). */
function createLiveProgress(
  options: ProgressOptions,
  tracker: RunTracker,
  now: () => number,
): ProgressDisplay {
  const cliProgress = loadCliProgress();
  const multibar = new cliProgress.MultiBar({
    stream: options.stream as NodeJS.WriteStream,
    format: ' {line}',
    hideCursor: true,
    clearOnComplete: false,
    linewrap: false,
    fps: 1000 / (options.redrawMs ?? 100),
    emptyOnZero: true,
  });
  const bars = new Map<string, CliProgress.SingleBar>();
  const refresh = () => {
    const width = nameWidth(tracker);
    for (const progress of tracker.resources()) {
      bars.get(progress.name)?.update({ line: formatProgressLine(progress, now(), width) });
    }
  };
  multibar.on('redraw-pre', refresh);
  let stopped = false;
  // Shown below the final lines: a line written between redraws would be drawn over.
  const warnings: string[] = [];
  const shownWarnings = new Set<string>();
  return {
    onEvent(event) {
      const warning = warningLine(event, shownWarnings);
      if (warning !== undefined) warnings.push(warning);
      if (stopped || !('resource' in event)) return;
      for (const progress of tracker.resources()) {
        if (!bars.has(progress.name) && progress.startedAt !== undefined) {
          bars.set(progress.name, multibar.create(1, 0, { line: '' }));
        }
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (bars.size > 0) {
        refresh();
        multibar.stop();
      }
      for (const warning of warnings) options.stream.write(warning);
    },
  };
}

/** Plain lines for logs and pipes: every `intervalMs` one line per running resource, and one when it is done. */
function createPlainProgress(
  options: ProgressOptions,
  tracker: RunTracker,
  now: () => number,
): ProgressDisplay {
  const { stream } = options;
  const write = (progress: Parameters<typeof formatProgressLine>[0]) =>
    stream.write(`restsync: ${formatProgressLine(progress, now(), nameWidth(tracker))}\n`);
  const timer = setInterval(() => {
    for (const progress of tracker.resources()) {
      if (progress.startedAt !== undefined && progress.doneAt === undefined) write(progress);
    }
  }, options.intervalMs ?? 2000);
  timer.unref();
  const shownWarnings = new Set<string>();
  return {
    onEvent(event) {
      const warning = warningLine(event, shownWarnings);
      if (warning !== undefined) {
        stream.write(warning);
        return;
      }
      if (event.type === 'batch_loaded') {
        const progress = tracker.resources().find((entry) => entry.name === event.resource);
        const committed = numberFormat.format(progress?.committedRows ?? event.rows);
        stream.write(
          `restsync: ${event.resource.padEnd(nameWidth(tracker))}  batch committed  ` +
            `${numberFormat.format(event.rows)} rows  (${committed} rows committed in this run)\n`,
        );
        return;
      }
      if (event.type !== 'resource_done') return;
      const progress = tracker.resources().find((entry) => entry.name === event.resource);
      if (progress) write(progress);
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * Live progress, one line per resource with pages, rows, rows/s, retries and waits: redrawn in
 * place with cli-progress when the stream is a TTY, plain periodic lines (no escape codes) otherwise.
 */
export function createProgress(options: ProgressOptions): ProgressDisplay {
  const now = options.now ?? Date.now;
  const tracker = options.tracker ?? createRunTracker({ now });
  const display =
    options.stream.isTTY === true
      ? createLiveProgress(options, tracker, now)
      : createPlainProgress(options, tracker, now);
  if (options.tracker) return display;
  return {
    onEvent(event) {
      tracker.onEvent(event);
      display.onEvent(event);
    },
    stop: display.stop,
  };
}
