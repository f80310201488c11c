/**
 * A promise that rejects with the first error nothing else handled in this process: an `'error'`
 * event no listener took (a database driver's broken socket) or a rejected promise nobody awaited.
 * Node would print a stack trace and exit without the run's report; the CLI races the run with it
 * instead, so the failure is reported (with `--json`, as the JSON object) and the exit code is 1.
 */
export function watchUnexpectedFailures(target: NodeJS.EventEmitter): Promise<never> {
  const failure = new Promise<never>((_, reject) => {
    target.on('uncaughtException', reject);
    target.on('unhandledRejection', reject);
  });
  // Nobody may be racing it when it rejects (before or after the run): that is not a failure of its own.
  failure.catch(() => undefined);
  return failure;
}
