/** The CLI's exit codes. */
export const exitCodes = {
  /** The sync (or validation) succeeded. */
  success: 0,
  /** The sync failed: HTTP, destination or data. */
  syncFailed: 1,
  /** The config or the command line is wrong; nothing was fetched. */
  usage: 2,
  /** Cancelled by Ctrl-C (SIGINT) or SIGTERM: committed batches are kept, a rerun resumes after them. A second Ctrl-C exits at once, also with 130. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
