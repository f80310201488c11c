import { runCli } from './cli';
import { exitCodes } from './exit-codes';
import { callerDirectory } from './working-directory';

const controller = new AbortController();
/** The first Ctrl-C (or SIGTERM) cancels the run cleanly after the current batch; the second exits at once. */
const interrupt = (signal: NodeJS.Signals) => {
  if (controller.signal.aborted) process.exit(exitCodes.interrupted);
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: callerDirectory(process.env, process.cwd()),
  env: process.env,
  signal: controller.signal,
});

// Exit once the output is flushed, even if a driver left a socket or timer open.
const flush = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flush(process.stdout), flush(process.stderr)]);
process.exit(code);
