import { join } from 'node:path';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { startProcess } from './cli-helpers/child-processes';
import { repositoryRoot } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// The live progress display as a terminal shows it, captured through a pseudo-terminal (`script`
// from util-linux), with two resources of which one finishes long before the other.

const apiKey = 'progress-key-2c7d5e9f';

function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

/** `'…'` for a POSIX shell. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Every drawing of the progress line of `name` (not the summary table's row), escape codes removed, in order. */
function framesOf(output: string, name: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed.
  const plain = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '\n');
  return plain
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${name} `) && line.includes('rows/s'));
}

describe('restsync run on a terminal', () => {
  it('should mark a resource done when it finishes and keep its rate while the other goes on, with % and ETA for the one with a total', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 2_000, apiKey, latencyMs: 150 });
    const source = seedSource(api.url);
    const config = await writeConfig(directory, 'sync.json', {
      source: {
        ...source,
        // Resources run in order: the one-page resource is done before the 20-page one starts.
        resources: [
          {
            name: 'first_page',
            endpoint: { path: '/v1/resource', data_selector: 'data', paginator: 'single_page' },
          },
          ...source.resources,
        ],
      },
    });
    const command = [
      process.execPath,
      join(repositoryRoot, 'packages/cli/bin/restsync.js'),
      'run',
      config,
      '--destination',
      database.url,
      '--dataset',
      dataset('cli_progress'),
    ]
      .map(quote)
      .join(' ');
    // A sized terminal, as a user's is (a pseudo-terminal starts at 0 columns).
    const terminal = startProcess(
      'script',
      ['-qefc', `stty cols 160 rows 40; exec ${command}`, '/dev/null'],
      {
        cwd: directory,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TERM: 'xterm',
          COLUMNS: '160',
          API_KEY: apiKey,
        },
        timeoutMs: 300_000,
      },
    );
    onTestFinished(() => terminal.kill('SIGKILL'));

    const result = await terminal.exited;

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/opening PGlite|connecting to/);
    const early = framesOf(result.stdout, 'first_page');
    const late = framesOf(result.stdout, 'resource_name');
    const firstDone = early.findIndex((frame) => frame.includes('✔ done'));
    expect(firstDone, early.join('\n')).toBeGreaterThanOrEqual(0);
    // Regression: a finished resource's rows/s kept falling while the other resource ran on.
    const doneFrames = early.slice(firstDone);
    expect(
      new Set(doneFrames.map((frame) => /([\d,]+) rows\/s/.exec(frame)?.[1])).size,
      doneFrames.join('\n'),
    ).toBe(1);
    expect(doneFrames.at(-1)).toMatch(/✔ done\s+1 page\s+100 rows/);
    // The slow resource was still going when the early one was done, then finished too.
    expect(late.some((frame) => !frame.includes('done'))).toBe(true);
    expect(late.at(-1)).toMatch(/✔ done\s+20 pages\s+2,000 rows/);
    // The API reports a total for the offset resource: its running lines show the share done and the time left.
    expect(
      late.some((frame) => /\d+ rows\s+\d{1,2}%\s+ETA (\d+[hm])?\d+[sm]\s/.test(frame)),
      late.join('\n'),
    ).toBe(true);
    // The single page has no total: no share, no ETA.
    expect(
      early.some((frame) => /%|ETA/.test(frame)),
      early.join('\n'),
    ).toBe(false);
    expect(result.stdout).not.toContain(apiKey);
  });
});
