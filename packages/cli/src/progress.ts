import type { RestsyncEvent } from '@restsync/core';
import cliProgress from 'cli-progress';

interface ResourceProgress {
  pages: number;
  rows: number;
  retries: number;
  waitingUntil: number;
  startedAt: number;
}

export interface ProgressDisplay {
  /** Feed every pipeline event here. */
  onEvent(event: RestsyncEvent): void;
  stop(): void;
}

export interface ProgressOptions {
  stream: NodeJS.WriteStream;
  /** Plain lines every `intervalMs` when the stream is not a TTY. @default 2000 */
  intervalMs?: number;
  now?: () => number;
}

const numberFormat = new Intl.NumberFormat('en-US');

function describe(progress: ResourceProgress, now: number) {
  const seconds = Math.max((now - progress.startedAt) / 1000, 0.001);
  const waitMs = progress.waitingUntil - now;
  return {
    pages: numberFormat.format(progress.pages),
    rows: numberFormat.format(progress.rows),
    rate: numberFormat.format(Math.round(progress.rows / seconds)),
    retries: numberFormat.format(progress.retries),
    wait: waitMs > 0 ? `, waiting ${(waitMs / 1000).toFixed(1)} s` : '',
  };
}

/**
 * Live progress, one line per resource: pages, rows, rows/s, retries and waits. On a TTY it uses
 * cli-progress; otherwise it prints a plain line per active resource every few seconds.
 */
export function createProgress(options: ProgressOptions): ProgressDisplay {
  const now = options.now ?? Date.now;
  const resources = new Map<string, ResourceProgress>();
  const touch = (resource: string) => {
    let progress = resources.get(resource);
    if (!progress) {
      progress = { pages: 0, rows: 0, retries: 0, waitingUntil: 0, startedAt: now() };
      resources.set(resource, progress);
    }
    return progress;
  };
  const update = (event: RestsyncEvent): string | undefined => {
    if (event.type === 'page') {
      const progress = touch(event.resource);
      progress.pages += 1;
      progress.rows += event.records;
      progress.waitingUntil = 0;
      return event.resource;
    }
    if (event.type === 'retry') {
      const progress = touch(event.resource);
      progress.retries += 1;
      progress.waitingUntil = now() + event.delayMs;
      return event.resource;
    }
    return undefined;
  };

  if (options.stream.isTTY) {
    const multibar = new cliProgress.MultiBar(
      {
        stream: options.stream,
        format: ' {resource} | {pages} pages | {rows} rows | {rate} rows/s | {retries} retries{wait}',
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      onEvent(event) {
        const resource = update(event);
        if (resource === undefined) return;
        const payload = { resource, ...describe(touch(resource), now()) };
        const bar = bars.get(resource);
        if (bar) bar.update(0, payload);
        else bars.set(resource, multibar.create(0, 0, payload));
      },
      stop() {
        multibar.stop();
      },
    };
  }

  const timer = setInterval(() => {
    for (const [resource, progress] of resources) {
      const line = describe(progress, now());
      options.stream.write(
        `restsync: ${resource}: ${line.pages} pages, ${line.rows} rows, ${line.rate} rows/s, ${line.retries} retries${line.wait}\n`,
      );
    }
  }, options.intervalMs ?? 2000);
  timer.unref();
  return {
    onEvent(event) {
      update(event);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
