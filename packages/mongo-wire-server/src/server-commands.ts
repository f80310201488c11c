import { type Document, ObjectId } from 'bson';
import type { CommandHandler } from './command-context';

const maxBsonObjectSize = 16 * 1024 * 1024;
const electionId = new ObjectId('7fffffff0000000000000001');

/** `hello` / `isMaster`: a standalone server, or a one-member replica set's primary. */
export const helloCommand: CommandHandler = (context) => {
  const reply: Document = {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    maxBsonObjectSize,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
  };
  const { replicaSet, host } = context.server;
  if (replicaSet !== undefined) {
    Object.assign(reply, {
      setName: replicaSet,
      setVersion: 1,
      hosts: [host],
      primary: host,
      me: host,
      secondary: false,
      electionId,
    });
  }
  return { ...reply, ok: 1 };
};

export const pingCommand: CommandHandler = () => ({ ok: 1 });

export const buildInfoCommand: CommandHandler = () => ({
  version: '7.0.0',
  versionArray: [7, 0, 0, 0],
  gitVersion: 'restsync-wire-test-server',
  bits: 64,
  maxBsonObjectSize,
  ok: 1,
});

export const endSessionsCommand: CommandHandler = () => ({ ok: 1 });
