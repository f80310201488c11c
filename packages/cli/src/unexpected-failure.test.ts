import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { watchUnexpectedFailures } from './unexpected-failure';

describe('watchUnexpectedFailures', () => {
  // Regression: pg's unhandled 'error' event crashed the CLI with a stack trace and no --json output.
  it('should reject with an uncaught exception instead of letting it end the process', async () => {
    const process = new EventEmitter();
    const failure = watchUnexpectedFailures(process);
    process.emit('uncaughtException', new Error('Connection terminated unexpectedly'));
    await expect(failure).rejects.toThrow('Connection terminated unexpectedly');
  });

  it('should reject with an unhandled rejection', async () => {
    const process = new EventEmitter();
    const failure = watchUnexpectedFailures(process);
    process.emit('unhandledRejection', new Error('read ECONNRESET'));
    await expect(failure).rejects.toThrow('read ECONNRESET');
  });
});
