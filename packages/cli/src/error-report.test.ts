import { AuthError, ConfigError, DestinationError, RunCancelledError, SecretError } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { CommandLineError } from './args';
import { reportError } from './error-report';

const redact = (text: string) => text.replaceAll('hunter2', '***');

describe('reportError', () => {
  it('should report a wrong command line with exit code 2 and a pointer to --help', () => {
    expect(reportError(new CommandLineError('unknown option "--x"'), { redact })).toEqual({
      exitCode: 2,
      text: 'restsync: unknown option "--x"\nRun "restsync --help" for usage.\n',
      json: { code: 'usage', message: 'unknown option "--x"' },
    });
  });

  it('should list every config problem with its path and exit code 2', () => {
    const error = new ConfigError([
      { path: 'source.client.base_url', message: 'required' },
      { path: 'destination', message: 'bad postgres://u:hunter2@h/db' },
    ]);
    const report = reportError(error, { redact, configPath: 'sync.json', command: 'run' });
    expect(report.exitCode).toBe(2);
    expect(report.text).toBe(
      [
        'restsync: sync.json is invalid (2 problems):',
        '  - source.client.base_url: required',
        '  - destination: bad postgres://u:***@h/db',
        'Nothing was fetched. Fix the config and run again.',
        '',
      ].join('\n'),
    );
    expect(report.json.issues).toEqual([
      { path: 'source.client.base_url', message: 'required' },
      { path: 'destination', message: 'bad postgres://u:***@h/db' },
    ]);
    expect(JSON.stringify(report)).not.toContain('hunter2');
  });

  it('should treat a missing secret as a config problem', () => {
    const report = reportError(new SecretError('api_key', ['environment variable API_KEY']), { redact });
    expect(report.exitCode).toBe(2);
    expect(report.text).toContain('API_KEY');
  });

  it('should report a failed sync with exit code 1, its code, and the rerun hint once pages were fetched', () => {
    const error = new AuthError({
      resource: 'users',
      method: 'GET',
      url: 'http://api/users',
      status: 401,
      attempts: 1,
    });
    const report = reportError(error, { redact, fetchedPages: false });
    expect(report.exitCode).toBe(1);
    expect(report.json.code).toBe('auth');
    expect(report.text).toMatch(
      /^restsync: sync failed \(auth\): resource "users": GET http:\/\/api\/users failed/,
    );
    expect(report.text).not.toContain('run the same command again');
    const later = reportError(new DestinationError('connection lost (password hunter2)'), {
      redact,
      fetchedPages: true,
    });
    expect(later.text).toBe(
      'restsync: sync failed (destination): connection lost (password ***)\n' +
        'Batches already committed are kept: run the same command again to continue.\n',
    );
  });

  it('should report an unexpected error with its redacted stack and exit code 1', () => {
    const report = reportError(new TypeError('boom hunter2'), { redact });
    expect(report.exitCode).toBe(1);
    expect(report.json).toEqual({ code: 'internal', message: 'boom ***' });
    expect(report.text).toContain('TypeError: boom ***');
    expect(report.text).not.toContain('hunter2');
  });

  it('should report a cancelled run with exit code 130 and exactly what it committed', () => {
    const result = {
      loadId: '1700000000000-abc123',
      status: 'cancelled' as const,
      pipeline: 'example',
      dataset: 'example_dataset',
      destination: 'memory',
      resources: { users: { rows: 12_000, pages: 120 } },
      tables: { users: 10_000 },
      batches: 2,
      pages: 120,
      retries: 0,
      durationMs: 1_000,
      summary: () => '',
    };
    const report = reportError(new RunCancelledError(result, 'interrupted by SIGINT'), { redact });
    expect(report).toEqual({
      exitCode: 130,
      text:
        'restsync: Pipeline "example" was cancelled (interrupted by SIGINT): 2 batches (10,000 rows) ' +
        'committed in this run. Run the same command again to resume from the last commit.\n',
      json: {
        code: 'cancelled',
        message:
          'Pipeline "example" was cancelled (interrupted by SIGINT): 2 batches (10,000 rows) committed in this run.',
      },
    });
  });

  // Regression: a failure or Ctrl-C said batches were kept when the run had committed none.
  it('should state exactly what a failed or cancelled run committed and what a rerun does', () => {
    const failure = new DestinationError('connection lost');
    expect(
      reportError(failure, { redact, fetchedPages: true, committed: { rows: 0, batches: 0 } }).text,
    ).toBe(
      'restsync: sync failed (destination): connection lost\n' +
        'Nothing was committed in this run. Run the same command again to start over from the last stored state.\n',
    );
    expect(
      reportError(failure, { redact, fetchedPages: true, committed: { rows: 10_000, batches: 2 } }).text,
    ).toContain('This run committed 2 batches (10,000 rows) before it stopped; they are kept.');
    const result = {
      loadId: '1700000000000-abc123',
      status: 'cancelled' as const,
      pipeline: 'example',
      dataset: 'example_dataset',
      destination: 'memory',
      resources: { users: { rows: 100, pages: 1 } },
      tables: {},
      batches: 0,
      pages: 1,
      retries: 0,
      durationMs: 1_000,
      summary: () => '',
    };
    const cancelled = reportError(new RunCancelledError(result, 'interrupted by SIGINT'), { redact });
    expect(cancelled.text).toContain('0 batches (0 rows) committed in this run. Nothing was committed:');
    expect(cancelled.text).not.toContain('resume from the last commit');
  });
});
