import { describe, expect, it } from 'vitest';
import * as errorsModule from './errors';
import {
  AuthError,
  ConfigError,
  DestinationError,
  HttpError,
  LeaseError,
  PaginationError,
  RateLimitError,
  ResponseError,
  RestsyncError,
  RunCancelledError,
  SchemaError,
  SecretError,
} from './errors';
import type { RunResult } from './pipeline/run-result';

const cancelledResult: RunResult = {
  loadId: 'load-1',
  status: 'cancelled',
  pipeline: 'p',
  dataset: 'd',
  destination: 'memory',
  resources: {},
  tables: {},
  batches: 0,
  pages: 0,
  retries: 0,
  durationMs: 0,
  summary: () => '',
};

const httpDetails = {
  resource: 'users',
  method: 'GET',
  url: 'https://x.test/users',
  status: 500,
  attempts: 1,
};

interface ErrorCase {
  errorClass: { name: string; marker: symbol; isInstance(error: unknown): boolean };
  create: () => Error;
  /** The classes whose isInstance must answer true: the class itself and its ancestors. */
  isA: object[];
}

/** One instance of every error class, with the classes it must answer for. */
const errorCases: ErrorCase[] = [
  { errorClass: RestsyncError, create: () => new RestsyncError('http', 'x'), isA: [RestsyncError] },
  {
    errorClass: ConfigError,
    create: () => new ConfigError([{ path: 'a', message: 'b' }]),
    isA: [RestsyncError, ConfigError],
  },
  {
    errorClass: SecretError,
    create: () => new SecretError('API_KEY', ['env']),
    isA: [RestsyncError, SecretError],
  },
  { errorClass: HttpError, create: () => new HttpError(httpDetails), isA: [RestsyncError, HttpError] },
  {
    errorClass: AuthError,
    create: () => new AuthError({ ...httpDetails, status: 401 }),
    isA: [RestsyncError, HttpError, AuthError],
  },
  {
    errorClass: RateLimitError,
    create: () => new RateLimitError({ ...httpDetails, status: 429 }, 1000, 'wait'),
    isA: [RestsyncError, HttpError, RateLimitError],
  },
  { errorClass: ResponseError, create: () => new ResponseError('x'), isA: [RestsyncError, ResponseError] },
  {
    errorClass: PaginationError,
    create: () => new PaginationError('x'),
    isA: [RestsyncError, PaginationError],
  },
  { errorClass: SchemaError, create: () => new SchemaError('x'), isA: [RestsyncError, SchemaError] },
  {
    errorClass: DestinationError,
    create: () => new DestinationError('x'),
    isA: [RestsyncError, DestinationError],
  },
  {
    errorClass: LeaseError,
    create: () => new LeaseError('x', { pipeline: 'p', dataset: 'd' }),
    isA: [RestsyncError, LeaseError],
  },
  {
    errorClass: RunCancelledError,
    create: () => new RunCancelledError(cancelledResult, 'interrupted'),
    isA: [RestsyncError, RunCancelledError],
  },
];

describe('isInstance of every error class', () => {
  // Regression: DestinationError.isInstance(new ConfigError(...)) was true, because only ConfigError and
  // HttpError overrode the inherited base check.
  for (const checker of errorCases) {
    for (const subject of errorCases) {
      const expected = subject.isA.includes(checker.errorClass);
      it(`should answer ${expected} for ${checker.errorClass.name}.isInstance(new ${subject.errorClass.name})`, () => {
        expect(checker.errorClass.isInstance(subject.create())).toBe(expected);
      });
    }
  }

  it('should have a case in this table for every error class the module exports', () => {
    const exportedClasses = Object.values(errorsModule).filter(
      (value) =>
        typeof value === 'function' && (value === RestsyncError || value.prototype instanceof RestsyncError),
    );
    expect(exportedClasses.map((errorClass) => errorClass.name).sort()).toEqual(
      errorCases.map(({ errorClass }) => errorClass.name).sort(),
    );
  });

  it("should give every class its own marker, so none inherits its parent's check", () => {
    const markers = errorCases.map(({ errorClass }) => {
      expect(Object.hasOwn(errorClass, 'marker')).toBe(true);
      return errorClass.marker;
    });
    expect(new Set(markers).size).toBe(markers.length);
  });

  it('should recognise an error from another copy of the package by its class marker only', () => {
    const foreignAuth = Object.assign(new Error('x'), {
      [Symbol.for('restsync.error')]: true,
      [Symbol.for('restsync.error.http')]: true,
      [Symbol.for('restsync.error.auth')]: true,
    });
    expect(AuthError.isInstance(foreignAuth)).toBe(true);
    expect(HttpError.isInstance(foreignAuth)).toBe(true);
    expect(DestinationError.isInstance(foreignAuth)).toBe(false);
    expect(ConfigError.isInstance(foreignAuth)).toBe(false);
  });
});

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
