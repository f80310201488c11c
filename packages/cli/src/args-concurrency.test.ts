import { describe, expect, it } from 'vitest';
import { CommandLineError, parseCommand } from './args';

describe('parseCommand --concurrency', () => {
  it('should read --concurrency as the maximum of request sequences run at once', () => {
    expect(parseCommand(['run', 'sync.json', '--concurrency', '8'])).toMatchObject({
      kind: 'run',
      maxConcurrency: 8,
    });
    expect(parseCommand(['run', 'sync.json'])).not.toHaveProperty('maxConcurrency');
  });

  it('should refuse a value that is not a whole number >= 1, with an example', () => {
    for (const value of ['0', '-1', '2.5', 'many']) {
      expect(() => parseCommand(['run', 'sync.json', '--concurrency', value])).toThrow(CommandLineError);
    }
    expect(() => parseCommand(['run', 'sync.json', '--concurrency', 'x'])).toThrow(
      /"--concurrency" needs a whole number >= 1, e\.g\. --concurrency 4/,
    );
  });
});
