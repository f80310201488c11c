/** The CLI's exit codes. */
export const exitCodes = {
  /** The sync (or validation) succeeded. */
  success: 0,
  /** The sync failed: HTTP, destination or data. */
  syncFailed: 1,
  /** The config or the command line is wrong; nothing was fetched. */
  usage: 2,
  /** Interrupted (Ctrl-C); committed batches are kept. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
