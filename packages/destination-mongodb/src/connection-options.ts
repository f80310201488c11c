import { ConfigError } from '@restsync/core';
import type { MongoClientOptions } from 'mongodb';

/** How long the destination waits for MongoDB before it gives up, in milliseconds. */
export interface MongodbTimeouts {
  /**
   * Finding a server to talk to (connected and answering) must succeed within this time, or the
   * operation fails: a server that is down or never answers fails the run in seconds, not minutes.
   * URL parameter: `serverSelectionTimeoutMS`.
   * @default 5_000
   */
  serverSelectionTimeoutMs?: number;
  /**
   * Opening one connection (TCP, TLS and the handshake) must finish within this time.
   * URL parameter: `connectTimeoutMS`.
   * @default 5_000
   */
  connectTimeoutMs?: number;
  /**
   * A connection on which an operation waits longer than this for an answer is closed and the
   * operation fails (`0`: wait forever). Set it above the slowest batch write.
   * URL parameter: `socketTimeoutMS`.
   * @default 360_000 (6 minutes)
   */
  socketTimeoutMs?: number;
}

export const defaultMongodbTimeouts: Required<MongodbTimeouts> = Object.freeze({
  serverSelectionTimeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  socketTimeoutMs: 360_000,
});

const driverNames = {
  serverSelectionTimeoutMs: 'serverSelectionTimeoutMS',
  connectTimeoutMs: 'connectTimeoutMS',
  socketTimeoutMs: 'socketTimeoutMS',
} as const;

/** The URL's query parameter names, lower-cased (the driver reads them case-insensitively). */
function urlParameters(url: string): Set<string> {
  const query = url.split('?')[1]?.split('#')[0] ?? '';
  return new Set(
    query
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair) => (pair.split('=')[0] ?? '').toLowerCase()),
  );
}

/**
 * The driver options for the client the destination builds. Precedence: `clientOptions`, then the
 * destination's timeout options, then the URL's parameters, then the defaults.
 */
export function mongodbClientOptions(
  url: string,
  timeouts: MongodbTimeouts,
  clientOptions: MongoClientOptions = {},
): MongoClientOptions {
  const fromUrl = urlParameters(url);
  const resolved: MongoClientOptions = {};
  const issues: { path: string; message: string }[] = [];
  for (const [option, driverName] of Object.entries(driverNames) as [keyof MongodbTimeouts, string][]) {
    const value = timeouts[option];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      issues.push({ path: option, message: `must be a number of milliseconds >= 0, got ${String(value)}` });
      continue;
    }
    if (value !== undefined) Object.assign(resolved, { [driverName]: value });
    else if (!fromUrl.has(driverName.toLowerCase())) {
      Object.assign(resolved, { [driverName]: defaultMongodbTimeouts[option] });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { ...resolved, ...clientOptions };
}
