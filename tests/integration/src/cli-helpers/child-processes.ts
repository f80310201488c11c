import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** How a child process ended. */
export interface CliProcessResult {
  /** The exit code, or `null` when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process (`SIGKILL` after a cleanup), or `null`. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface StartProcessOptions {
  /** Working directory of the process. */
  cwd: string;
  /** The whole environment of the process. */
  env: NodeJS.ProcessEnv;
  /**
   * Kill the process group after this long and reject `exited` with its output. Generous, so it holds on a
   * busy machine: it only turns a hang into a readable failure. @default 180_000
   */
  timeoutMs?: number;
}

/** A child process that is still running, for tests that act on it mid-run (send SIGINT, read its progress). */
export interface RunningProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything the process has written to stdout so far. */
  stdout(): string;
  /** Everything the process has written to stderr so far. */
  stderr(): string;
  /** Settles once the process has exited and its output is closed; rejects on a spawn error or the timeout. */
  exited: Promise<CliProcessResult>;
  /**
   * Sends `signal` to the process group, as a terminal's Ctrl-C does (SIGINT reaches the process and
   * everything it started). No-op once the group is gone.
   */
  kill(signal?: NodeJS.Signals): void;
  /**
   * Resolves with the first match of `pattern` in the output of `stream` (at once if it is already there).
   * Rejects if the process exits without printing it: wait on events, never on elapsed time.
   */
  waitForOutput(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
}

interface ChildRegistry {
  /** Every process group started since the last cleanup, by its leader. */
  children: Set<RunningProcess>;
}

/**
 * One registry per test process: vitest re-evaluates this module for every test file that runs in the same
 * worker, and the exit hook that kills leftovers must be registered once.
 */
function registry(): ChildRegistry {
  const key = Symbol.for('restsync.tests.childProcesses');
  const holder = globalThis as typeof globalThis & { [key]?: ChildRegistry };
  let current = holder[key];
  if (!current) {
    const created: ChildRegistry = { children: new Set() };
    // Last resort when the worker exits without the hooks running: process.kill is synchronous.
    process.on('exit', () => {
      for (const running of created.children) signalGroup(running.child.pid, 'SIGKILL');
    });
    holder[key] = created;
    current = created;
  }
  return current;
}

/** Sends `signal` to the process group led by `pid`; a group that is already gone is fine. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Starts `command` in a process group of its own (so cleanup kills its children too) and tracks it until
 * `killAllChildren()` runs.
 */
export function startProcess(command: string, args: string[], options: StartProcessOptions): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 180_000;
  const exited = new Promise<CliProcessResult>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new Error(
            `${[command, ...args].join(' ')} did not exit within ${timeoutMs} ms and was killed.\n` +
              `--- stdout ---\n${output.stdout}\n--- stderr ---\n${output.stderr}`,
          ),
        );
      } else {
        resolve({ code, signal, stdout: output.stdout, stderr: output.stderr });
      }
    });
  });
  const running: RunningProcess = {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    kill: (signal = 'SIGTERM') => signalGroup(child.pid, signal),
    waitForOutput(pattern, stream = 'stderr') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output[stream].match(pattern);
          if (!match) return;
          child[stream].off('data', onData);
          resolve(match);
        };
        // Runs after the listener that collects the output, which was added first.
        const onData = () => check();
        child[stream].on('data', onData);
        check();
        exited.then(
          () => {
            check();
            reject(
              new Error(
                `the process exited without printing ${pattern} on ${stream}.\n` +
                  `--- stdout ---\n${output.stdout}\n--- stderr ---\n${output.stderr}`,
              ),
            );
          },
          (error: unknown) => reject(error),
        );
      });
    },
  };
  registry().children.add(running);
  return running;
}

/** Kills the given process groups (grandchildren included) and waits until their leaders have exited. */
export async function killChildren(children: Iterable<RunningProcess>): Promise<void> {
  const killed = [...children];
  for (const running of killed) signalGroup(running.child.pid, 'SIGKILL');
  // Rejections (a timeout) belong to the test that awaited `exited`; cleanup only waits.
  await Promise.allSettled(killed.map((running) => running.exited));
  for (const running of killed) registry().children.delete(running);
}

/** Kills every process group started through these helpers and not cleaned up yet. For `afterEach`/`afterAll`. */
export function killAllChildren(): Promise<void> {
  return killChildren(registry().children);
}

/**
 * Whether `pid` is a live process. A killed process whose parent has not reaped it yet (a zombie) counts as
 * gone: it runs nothing and holds nothing open.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    // /proc/<pid>/stat: "pid (command) state ..."; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}
