import { createServer, type Socket } from 'node:net';
import type { Document } from 'bson';
import {
  createCommand,
  createIndexesCommand,
  dropCommand,
  dropDatabaseCommand,
  dropIndexesCommand,
  listCollectionsCommand,
  listIndexesCommand,
  renameCollectionCommand,
} from './admin-commands';
import {
  type CommandContext,
  CommandError,
  type CommandHandler,
  type ServerIdentity,
} from './command-context';
import { createCursorRegistry } from './cursors';
import { createMemoryStore, type StoredCollection } from './memory-store';
import {
  aggregateCommand,
  countCommand,
  findCommand,
  getMoreCommand,
  killCursorsCommand,
} from './read-commands';
import { buildInfoCommand, endSessionsCommand, helloCommand, pingCommand } from './server-commands';
import {
  abortTransactionCommand,
  beginTransactionIfStarting,
  commitTransactionCommand,
} from './transactions';
import { decodeRequest, encodeReply, nextMessageLength, type WireRequest } from './wire-messages';
import { deleteCommand, insertCommand, updateCommand } from './write-commands';

export interface MongoWireServerOptions {
  /**
   * Pose as the primary of a one-member replica set with this name, so drivers allow
   * transactions (simulated: see `startMongoWireServer`). The returned `url` names the set.
   * @default undefined (a standalone server: no transactions)
   */
  replicaSet?: string;
}

export interface MongoWireServer {
  /** `mongodb://127.0.0.1:<port>` (with `?replicaSet=<name>` when `replicaSet` is set). */
  url: string;
  port: number;
  /** Names of the commands received, in order (handshakes and monitoring included). */
  commands: string[];
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

const handlers: Record<string, CommandHandler> = {
  hello: helloCommand,
  isMaster: helloCommand,
  ismaster: helloCommand,
  ping: pingCommand,
  buildInfo: buildInfoCommand,
  buildinfo: buildInfoCommand,
  endSessions: endSessionsCommand,
  insert: insertCommand,
  update: updateCommand,
  delete: deleteCommand,
  find: findCommand,
  getMore: getMoreCommand,
  killCursors: killCursorsCommand,
  aggregate: aggregateCommand,
  count: countCommand,
  createIndexes: createIndexesCommand,
  dropIndexes: dropIndexesCommand,
  listIndexes: listIndexesCommand,
  listCollections: listCollectionsCommand,
  create: createCommand,
  drop: dropCommand,
  dropDatabase: dropDatabaseCommand,
  renameCollection: renameCollectionCommand,
  commitTransaction: commitTransactionCommand,
  abortTransaction: abortTransactionCommand,
};

/**
 * Starts a MongoDB wire-protocol server in memory, for tests only: it speaks enough of the
 * protocol (OP_MSG, and OP_QUERY for the driver's first handshake) for the official driver to
 * insert, update (with upserts), delete, find with cursors, aggregate (through mingo), count,
 * manage collections and indexes (unique indexes are enforced with error 11000), and rename
 * collections. Data lives in memory and is lost on `close()`. It is not a database: no
 * authentication, no durability, no isolation between concurrent transactions (with
 * `replicaSet`, a transaction snapshots the whole store and an abort restores it). A command it
 * does not know fails with `unsupported command <name>` (code 59), so a gap shows up loudly.
 */
export async function startMongoWireServer(options: MongoWireServerOptions = {}): Promise<MongoWireServer> {
  const store = createMemoryStore();
  const cursors = createCursorRegistry();
  const transactions = new Map<string, Map<string, Map<string, StoredCollection>>>();
  const commands: string[] = [];
  const sockets = new Set<Socket>();
  const server: ServerIdentity = { host: '', replicaSet: options.replicaSet };
  let nextConnectionId = 0;
  let nextReplyId = 0;

  const execute = (request: WireRequest, connectionId: number): Document => {
    const name = Object.keys(request.command)[0] ?? '';
    commands.push(name);
    const handler = handlers[name];
    if (!handler) {
      return {
        ok: 0,
        errmsg: `restsync wire test server: unsupported command ${name}`,
        code: 59,
        codeName: 'CommandNotFound',
      };
    }
    const context: CommandContext = {
      command: request.command,
      name,
      database: request.database,
      store,
      cursors,
      transactions,
      server,
      connectionId,
    };
    try {
      beginTransactionIfStarting(context);
      return handler(context);
    } catch (error) {
      if (error instanceof CommandError) {
        return { ok: 0, errmsg: error.message, code: error.code, codeName: error.codeName };
      }
      return {
        ok: 0,
        errmsg: `restsync wire test server: ${name} failed: ${(error as Error).message}`,
        code: 1,
        codeName: 'InternalError',
      };
    }
  };

  const listener = createServer((socket) => {
    sockets.add(socket);
    nextConnectionId += 1;
    const connectionId = nextConnectionId;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let length = nextMessageLength(pending);
      while (length !== undefined) {
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        let request: WireRequest;
        try {
          request = decodeRequest(message);
        } catch {
          socket.destroy();
          return;
        }
        const reply = execute(request, connectionId);
        if (request.expectsReply) {
          nextReplyId += 1;
          socket.write(encodeReply(request, nextReplyId, reply));
        }
        length = nextMessageLength(pending);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.host = `127.0.0.1:${port}`;
  const query =
    options.replicaSet === undefined ? '' : `/?replicaSet=${encodeURIComponent(options.replicaSet)}`;

  return {
    url: `mongodb://127.0.0.1:${port}${query}`,
    port,
    commands,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) => {
        listener.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
