import { describe, expect, it } from 'vitest';
import { AuthError, ConfigError, DestinationError, HttpError, RateLimitError, RestsyncError } from './errors';

describe('RestsyncError.isInstance', () => {
  it('should recognise errors from any copy of the package by their marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('restsync.error')]: true, code: 'http' });
    expect(RestsyncError.isInstance(foreign)).toBe(true);
    expect(RestsyncError.isInstance(new Error('plain'))).toBe(false);
    expect(RestsyncError.isInstance(new DestinationError('boom', { table: 't' }))).toBe(true);
  });
});

describe('ConfigError', () => {
  it('should list every issue with its path', () => {
    const error = new ConfigError([
      { path: 'resources[0].endpoint.paginator.limit', message: 'expected a positive integer' },
      { path: 'client.base_url', message: 'required' },
    ]);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('resources[0].endpoint.paginator.limit: expected a positive integer');
    expect(error.message).toContain('client.base_url: required');
    expect(ConfigError.isInstance(error)).toBe(true);
  });
});

describe('HttpError', () => {
  const details = {
    resource: 'users',
    method: 'GET',
    url: 'https://x.test/users?api_key=***',
    status: 404,
    attempts: 1,
  };

  it('should name the resource, the redacted URL, the status and the attempts', () => {
    const error = new HttpError(details);
    expect(error.message).toBe(
      'resource "users": GET https://x.test/users?api_key=*** failed with HTTP 404 after 1 attempt',
    );
    expect(HttpError.isInstance(error)).toBe(true);
  });

  it('should keep auth and rate limit errors recognisable as HTTP errors', () => {
    expect(HttpError.isInstance(new AuthError({ ...details, status: 401 }))).toBe(true);
    const rateLimit = new RateLimitError({ ...details, status: 429 }, 3_600_000, 'wait too long');
    expect(rateLimit.code).toBe('rate_limit');
    expect(rateLimit.waitMs).toBe(3_600_000);
  });
});
