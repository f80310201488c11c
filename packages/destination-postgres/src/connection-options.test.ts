import { ConfigError } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { defaultTimeouts, poolConfig, resolveTimeouts } from './connection-options';

describe('resolveTimeouts', () => {
  it('should use the defaults when neither an option nor a URL parameter is given', () => {
    expect(resolveTimeouts({}, 'postgres://root@127.0.0.1:5432/test')).toEqual({
      timeouts: defaultTimeouts,
      url: 'postgres://root@127.0.0.1:5432/test',
    });
  });

  it('should read the libpq URL parameters and take them out of the URL', () => {
    const { timeouts, url } = resolveTimeouts(
      {},
      'postgres://root@127.0.0.1:5432/test?connect_timeout=3&statement_timeout=1500&idle_in_transaction_session_timeout=0&sslmode=disable',
    );
    expect(timeouts).toEqual({ connectTimeoutMs: 3_000, statementTimeoutMs: 1_500, idleTimeoutMs: 0 });
    expect(url).toBe('postgres://root@127.0.0.1:5432/test?sslmode=disable');
  });

  it('should let an option win over its URL parameter', () => {
    const { timeouts } = resolveTimeouts(
      { connectTimeoutMs: 250 },
      'postgres://root@127.0.0.1:5432/test?connect_timeout=3',
    );
    expect(timeouts.connectTimeoutMs).toBe(250);
  });

  it('should reject a negative, non-numeric or zero connect timeout with its path', () => {
    expect(() => resolveTimeouts({ statementTimeoutMs: -1 })).toThrow(ConfigError);
    expect(() => resolveTimeouts({}, 'postgres://h/d?statement_timeout=soon')).toThrow(
      /url.statement_timeout/,
    );
    expect(() => resolveTimeouts({ connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
  });
});

describe('poolConfig', () => {
  it('should give the server its statement and idle timeouts and the driver a bound on unanswered statements', () => {
    const config = poolConfig('postgres://root@127.0.0.1:5432/test', defaultTimeouts);
    expect(config).toMatchObject({
      connectionTimeoutMillis: 10_000,
      statement_timeout: 300_000,
      query_timeout: 310_000,
      idle_in_transaction_session_timeout: 60_000,
      keepAlive: true,
    });
  });

  it('should leave a timeout of 0 off', () => {
    const config = poolConfig('postgres://root@127.0.0.1:5432/test', {
      connectTimeoutMs: 1_000,
      statementTimeoutMs: 0,
      idleTimeoutMs: 0,
    });
    expect(config).not.toHaveProperty('statement_timeout');
    expect(config).not.toHaveProperty('query_timeout');
    expect(config).not.toHaveProperty('idle_in_transaction_session_timeout');
  });
});
