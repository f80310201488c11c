import { exitCodes } from './exit-codes';

export interface InterruptHandlerOptions {
  /** Cancels the run; called with the reason the load is recorded with. */
  abort: (reason: Error) => void;
  /** Ends the process at once. */
  exit: (code: number) => void;
}

/**
 * What a signal does to a running CLI: the first SIGINT (Ctrl-C) or SIGTERM cancels the run cleanly
 * after the batch in its transaction; the second exits at once with 130.
 */
export function createInterruptHandler(options: InterruptHandlerOptions): (signal: NodeJS.Signals) => void {
  let interrupted = false;
  return (signal) => {
    if (interrupted) {
      options.exit(exitCodes.interrupted);
      return;
    }
    interrupted = true;
    options.abort(new Error(`interrupted by ${signal}`));
  };
}
