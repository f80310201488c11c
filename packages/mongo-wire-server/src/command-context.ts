import type { Document } from 'bson';
import type { CursorRegistry } from './cursors';
import type { MemoryStore, StoredCollection } from './memory-store';

/** A command failure, answered as `{ ok: 0, errmsg, code, codeName }`. */
export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;

  constructor(code: number, codeName: string, message: string) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.codeName = codeName;
  }
}

/** Server error codes used by the test server (the same numbers as MongoDB's). */
export const errorCodes = {
  badValue: { code: 2, codeName: 'BadValue' },
  failedToParse: { code: 9, codeName: 'FailedToParse' },
  unauthorized: { code: 13, codeName: 'Unauthorized' },
  illegalOperation: { code: 20, codeName: 'IllegalOperation' },
  namespaceNotFound: { code: 26, codeName: 'NamespaceNotFound' },
  indexNotFound: { code: 27, codeName: 'IndexNotFound' },
  cursorNotFound: { code: 43, codeName: 'CursorNotFound' },
  namespaceExists: { code: 48, codeName: 'NamespaceExists' },
  commandNotFound: { code: 59, codeName: 'CommandNotFound' },
  immutableField: { code: 66, codeName: 'ImmutableField' },
  indexOptionsConflict: { code: 85, codeName: 'IndexOptionsConflict' },
  indexKeySpecsConflict: { code: 86, codeName: 'IndexKeySpecsConflict' },
  noSuchTransaction: { code: 251, codeName: 'NoSuchTransaction' },
  duplicateKey: { code: 11000, codeName: 'DuplicateKey' },
} as const;

export function commandError(kind: keyof typeof errorCodes, message: string): CommandError {
  const { code, codeName } = errorCodes[kind];
  return new CommandError(code, codeName, message);
}

/** Everything a command handler sees. */
export interface CommandContext {
  command: Document;
  /** The command name (the first field of the command document). */
  name: string;
  database: string;
  store: MemoryStore;
  cursors: CursorRegistry;
  /** Open transactions: the store as it was when each began, by session id. */
  transactions: Map<string, Map<string, Map<string, StoredCollection>>>;
  server: ServerIdentity;
  connectionId: number;
}

/** What `hello` reports about the server. */
export interface ServerIdentity {
  host: string;
  /** Set when the server poses as a one-member replica set. */
  replicaSet: string | undefined;
}

export type CommandHandler = (context: CommandContext) => Document;

/** The collection name a CRUD command targets (`{ find: 'users' }` → `users`). */
export function targetCollection(context: CommandContext): string {
  const value = context.command[context.name];
  if (typeof value !== 'string' || value.length === 0) {
    throw commandError('badValue', `${context.name}: expected a collection name, got ${String(value)}`);
  }
  return value;
}

/** A non-negative integer option (`limit`, `skip`, `batchSize`), accepting int32, double or Long. */
export function integerOption(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = Number(typeof value === 'object' ? String(value) : value);
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}
