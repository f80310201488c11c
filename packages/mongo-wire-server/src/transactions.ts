import type { Document } from 'bson';
import { type CommandContext, type CommandHandler, commandError } from './command-context';
import { snapshotStore } from './memory-store';

/**
 * Transactions are simulated for a single writer: a transaction snapshots the whole store when
 * it starts; `abortTransaction` restores the snapshot, `commitTransaction` forgets it. Writes are
 * visible to other sessions before the commit (no isolation) — enough to test that a client
 * commits or aborts, not to test concurrency.
 */
function sessionKey(command: Document): string | undefined {
  const lsid = command.lsid as Document | undefined;
  const id = lsid?.id as { toString(encoding: 'hex'): string } | undefined;
  return id ? id.toString('hex') : undefined;
}

/** Snapshots the store when a command opens a transaction (`startTransaction: true`). */
export function beginTransactionIfStarting(context: CommandContext): void {
  if (context.command.startTransaction !== true || context.command.autocommit !== false) return;
  const key = sessionKey(context.command);
  if (key !== undefined) context.transactions.set(key, snapshotStore(context.store));
}

export const commitTransactionCommand: CommandHandler = (context) => {
  const key = sessionKey(context.command);
  if (key !== undefined) context.transactions.delete(key);
  return { ok: 1 };
};

export const abortTransactionCommand: CommandHandler = (context) => {
  const key = sessionKey(context.command);
  const snapshot = key === undefined ? undefined : context.transactions.get(key);
  if (key === undefined || !snapshot) throw commandError('noSuchTransaction', 'No transaction started');
  context.store.databases = snapshot;
  context.transactions.delete(key);
  return { ok: 1 };
};
