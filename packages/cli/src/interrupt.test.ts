import { describe, expect, it } from 'vitest';
import { createInterruptHandler } from './interrupt';

describe('createInterruptHandler', () => {
  it('should cancel the run on the first signal and exit with 130 at once on the second', () => {
    const aborted: string[] = [];
    const exits: number[] = [];
    const interrupt = createInterruptHandler({
      abort: (reason) => aborted.push(reason.message),
      exit: (code) => exits.push(code),
    });

    interrupt('SIGINT');
    expect(aborted).toEqual(['interrupted by SIGINT']);
    expect(exits).toEqual([]);

    interrupt('SIGINT');
    expect(aborted).toEqual(['interrupted by SIGINT']);
    expect(exits).toEqual([130]);
  });

  it('should name SIGTERM as the reason when the run is stopped by it', () => {
    const aborted: string[] = [];
    createInterruptHandler({ abort: (reason) => aborted.push(reason.message), exit: () => undefined })(
      'SIGTERM',
    );
    expect(aborted).toEqual(['interrupted by SIGTERM']);
  });
});
