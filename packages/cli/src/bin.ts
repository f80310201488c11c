import { createInterface } from 'node:readline/promises';
import packageJson from '../package.json' with { type: 'json' };
import { announceDestination, describeDestinationTarget, earlyDestinationTarget } from './destination-line';
import { createInterruptHandler } from './interrupt';
import { watchUnexpectedFailures } from './unexpected-failure';
import { applyV8Settings } from './v8-settings';
import { callerDirectory } from './working-directory';

const argv = process.argv.slice(2);
// `restsync --version` answers before the CLI's modules (core, zod, the adapters) load.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${packageJson.version}\n`);
  process.exit(0);
}

// Before the CLI's modules load: V8's heap sizing, tier-up and WebAssembly compiling (see v8-settings.ts).
applyV8Settings(process.execArgv, process.env.NODE_OPTIONS);

const controller = new AbortController();
const interrupt = createInterruptHandler({
  abort: (reason) => controller.abort(reason),
  exit: (code) => process.exit(code),
});
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

/** Asks a yes/no question on the terminal; only "y" or "yes" confirm. */
async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

// The destination line of a plain `restsync run` is shown before the CLI's modules (core, zod, the
// adapters) load, so the first output never waits for them; the full check of the config follows.
const cwd = callerDirectory(process.env, process.cwd());
const earlyTarget = await earlyDestinationTarget(argv, { cwd, env: process.env });
const announcement =
  earlyTarget === undefined
    ? undefined
    : announceDestination(describeDestinationTarget(earlyTarget), process.stderr);
// Into PGlite, its worker thread starts now and opens the database while the CLI's modules load and
// the config is checked; the run's destination takes it open. A run that ends without opening it
// (a config error) closes it cleanly below.
let pgliteStart: typeof import('@restsync/destination-postgres/prestart') | undefined;
if (earlyTarget?.type === 'pglite') {
  pgliteStart = await import('@restsync/destination-postgres/prestart');
  const location = earlyTarget.url.slice('pglite:'.length);
  pgliteStart.prestartPgliteWorker({
    directory: location === 'memory' ? undefined : location,
    packedFile: undefined,
  });
}

const { runCli } = await import('./cli');
const code = await runCli(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd,
  env: process.env,
  signal: controller.signal,
  ...(process.stdin.isTTY ? { confirm: askOnTerminal } : {}),
  unexpectedFailure: watchUnexpectedFailures(process),
  ...(announcement ? { announcement } : {}),
});

await pgliteStart?.releasePrestartedPgliteWorker();
// Exit once the output is flushed, even if a driver left a socket or timer open.
const flush = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
