import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isProcessAlive, killAllChildren, startProcess } from './child-processes';
import { assertBuilt } from './spawn-cli';

const environment = { PATH: process.env.PATH };

afterEach(() => {
  vi.useRealTimers();
});

describe('killAllChildren', () => {
  // Regression: CLI child processes, and what they had started, kept running after the test run.
  it('should kill a hanging child and the process it started', async () => {
    const parent = `
      const { spawn } = require('node:child_process');
      const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log('grandchild ' + grandchild.pid);
      setInterval(() => {}, 1000);
    `;
    const running = startProcess(process.execPath, ['-e', parent], { cwd: tmpdir(), env: environment });
    const [, grandchildPid] = await running.waitForOutput(/grandchild (\d+)/, 'stdout');
    expect(isProcessAlive(running.child.pid!)).toBe(true);
    expect(isProcessAlive(Number(grandchildPid))).toBe(true);

    await killAllChildren();

    expect(await running.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(isProcessAlive(running.child.pid!)).toBe(false);
    // The grandchild is reaped by init, not by this process: wait for the kill to land.
    await vi.waitFor(() => expect(isProcessAlive(Number(grandchildPid))).toBe(false), {
      timeout: 30_000,
      interval: 50,
    });
  });
});

describe('startProcess', () => {
  it('should kill a process that outlives its timeout and fail with what it printed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const running = startProcess(
      process.execPath,
      ['-e', 'console.log("started"); console.error("still working"); setInterval(() => {}, 1000)'],
      { cwd: tmpdir(), env: environment, timeoutMs: 5_000 },
    );
    await running.waitForOutput(/still working/, 'stderr');
    await running.waitForOutput(/started/, 'stdout');

    vi.advanceTimersByTime(5_000);

    await expect(running.exited).rejects.toThrow(
      /did not exit within 5000 ms and was killed\.\n--- stdout ---\nstarted\n[\s\S]*--- stderr ---\nstill working/,
    );
    expect(isProcessAlive(running.child.pid!)).toBe(false);
  });

  it('should reject waitForOutput when the process exits without printing the pattern', async () => {
    const running = startProcess(process.execPath, ['-e', 'console.log("done")'], {
      cwd: tmpdir(),
      env: environment,
    });

    await expect(running.waitForOutput(/never printed/, 'stdout')).rejects.toThrow(
      /exited without printing \/never printed\/ on stdout\.\n--- stdout ---\ndone/,
    );
    expect(await running.exited).toMatchObject({ code: 0, stdout: 'done\n' });
  });
});

describe('assertBuilt', () => {
  it('should tell to run pnpm build first when a package has no build', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'restsync-unbuilt-'));
    try {
      await writeFile(
        join(directory, 'package.json'),
        JSON.stringify({ name: 'unbuilt', exports: { '.': { default: './dist/index.js' } } }),
      );

      expect(() => assertBuilt(directory)).toThrow(/dist\/index\.js\. Run pnpm build first/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
