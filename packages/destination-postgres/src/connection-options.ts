import { ConfigError } from '@restsync/core';
import type pg from 'pg';

/** How long the destination waits for Postgres before it gives up, in milliseconds. */
export interface ConnectionTimeouts {
  /**
   * Opening a connection (TCP, TLS and login) must finish within this time; a server that accepts
   * the connection and never answers fails after it. Also bounds the wait for a free pooled
   * connection. URL parameter: `connect_timeout` (seconds, as in libpq).
   * @default 10_000
   */
  connectTimeoutMs?: number;
  /**
   * The server cancels a statement that runs longer (`statement_timeout`); the driver gives up on a
   * statement the server never answers 10 s after it. A batch's COPY and merge are single statements,
   * so this bounds the slowest one. `0` turns it off. URL parameter: `statement_timeout` (ms).
   * @default 300_000 (5 minutes)
   */
  statementTimeoutMs?: number;
  /**
   * The server ends a session that sits idle inside an open transaction for longer
   * (`idle_in_transaction_session_timeout`), so a stalled client never holds locks forever. `0`
   * turns it off. URL parameter: `idle_in_transaction_session_timeout` (ms).
   * @default 60_000
   */
  idleTimeoutMs?: number;
}

export type ResolvedTimeouts = Required<ConnectionTimeouts>;

export const defaultTimeouts: ResolvedTimeouts = Object.freeze({
  connectTimeoutMs: 10_000,
  statementTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
});

/** How much longer than the server's statement timeout the driver waits for any answer. */
const unansweredStatementGraceMs = 10_000;

/** Each option and the URL parameter that sets it when the option is not given. */
const urlParameters = [
  { option: 'connectTimeoutMs', parameter: 'connect_timeout', scale: 1000 },
  { option: 'statementTimeoutMs', parameter: 'statement_timeout', scale: 1 },
  { option: 'idleTimeoutMs', parameter: 'idle_in_transaction_session_timeout', scale: 1 },
] as const;

/**
 * The timeouts in force: an option wins over its URL parameter, which wins over the default.
 * Returns the URL without those parameters, so the driver sees each value once.
 */
export function resolveTimeouts(
  options: ConnectionTimeouts,
  url?: string,
): { timeouts: ResolvedTimeouts; url: string | undefined } {
  const timeouts: ResolvedTimeouts = { ...defaultTimeouts };
  const issues: { path: string; message: string }[] = [];
  let parsed: URL | undefined;
  try {
    parsed = url === undefined ? undefined : new URL(url);
  } catch {
    parsed = undefined;
  }
  let changed = false;
  for (const { option, parameter, scale } of urlParameters) {
    const text = parsed?.searchParams.get(parameter);
    if (text !== null && text !== undefined) {
      parsed?.searchParams.delete(parameter);
      changed = true;
      const value = Number(text) * scale;
      if (Number.isFinite(value) && value >= 0) timeouts[option] = value;
      else issues.push({ path: `url.${parameter}`, message: `must be a number >= 0, got "${text}"` });
    }
    const value = options[option];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) timeouts[option] = value;
    else
      issues.push({ path: option, message: `must be a number of milliseconds >= 0, got ${String(value)}` });
  }
  if (timeouts.connectTimeoutMs === 0) {
    issues.push({
      path: 'connectTimeoutMs',
      message: 'must be above 0: a connection attempt is always bounded',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { timeouts, url: changed && parsed !== undefined ? parsed.toString() : url };
}

/** The `pg` Pool settings for a server URL and its timeouts. */
export function poolConfig(url: string, timeouts: ResolvedTimeouts): pg.PoolConfig {
  return {
    connectionString: url,
    max: 4,
    application_name: 'restsync',
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    // TCP keep-alive notices a peer that vanished without closing the connection.
    keepAlive: true,
    ...(timeouts.statementTimeoutMs > 0
      ? {
          statement_timeout: timeouts.statementTimeoutMs,
          query_timeout: timeouts.statementTimeoutMs + unansweredStatementGraceMs,
        }
      : {}),
    ...(timeouts.idleTimeoutMs > 0 ? { idle_in_transaction_session_timeout: timeouts.idleTimeoutMs } : {}),
  };
}
