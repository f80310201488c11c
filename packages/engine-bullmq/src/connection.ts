import type { ConnectionOptions } from 'bullmq';

/** Where the queues live: a Redis URL (`redis://host:6379`) or BullMQ connection options. */
export type BullmqConnection = string | ConnectionOptions;

/** The options every part of the engine shares. */
export interface BullmqSharedOptions {
  /** The Redis server: `redis://[user:password@]host:6379[/db]`, or BullMQ connection options. */
  connection: BullmqConnection;
  /**
   * Prefix of every Redis key the engine writes, so several deployments (or tests) share one Redis.
   * @default the URL's `prefix` parameter, else 'restsync'
   */
  prefix?: string;
}

/** The queue of units of work. */
export const unitQueueName = 'units';
/** The queue of scheduled runs (one job per tick). */
export const runQueueName = 'runs';

/** BullMQ's connection options for the given connection (a URL without its `prefix` parameter). */
export function connectionOptions(connection: BullmqConnection): ConnectionOptions {
  if (typeof connection !== 'string') return connection;
  return { url: withoutPrefix(connection), maxRetriesPerRequest: null };
}

/**
 * The key prefix: `options.prefix`, else the URL's `prefix` parameter
 * (`redis://127.0.0.1:6379?prefix=staging`), else `restsync`.
 */
export function keyPrefix(options: BullmqSharedOptions): string {
  if (options.prefix !== undefined) return options.prefix;
  if (typeof options.connection === 'string' && URL.canParse(options.connection)) {
    const fromUrl = new URL(options.connection).searchParams.get('prefix');
    if (fromUrl) return fromUrl;
  }
  return 'restsync';
}

function withoutPrefix(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('prefix')) return url;
  parsed.searchParams.delete('prefix');
  return parsed.toString();
}

/** The connection for output: the URL with any password replaced by `***`. */
export function describeConnection(connection: BullmqConnection): string {
  if (typeof connection !== 'string') {
    const options = connection as { host?: string; port?: number };
    return `redis://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
  }
  return connection.replace(/^(rediss?:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** The password of a `redis://user:password@host` URL, to redact from output. */
export function connectionSecrets(connection: BullmqConnection): string[] {
  if (typeof connection !== 'string') {
    const password = (connection as { password?: unknown }).password;
    return typeof password === 'string' && password !== '' ? [password] : [];
  }
  const password = /^rediss?:\/\/[^:/@]*:([^@/]*)@/i.exec(connection)?.[1];
  return password ? [password, decodeURIComponent(password)] : [];
}
