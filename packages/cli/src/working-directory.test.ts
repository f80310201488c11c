import { describe, expect, it } from 'vitest';
import { callerDirectory } from './working-directory';

describe('callerDirectory', () => {
  it('should use INIT_CWD when the CLI runs as the root "restsync" script', () => {
    expect(callerDirectory({ INIT_CWD: '/repo/apps/x', npm_lifecycle_event: 'restsync' }, '/repo')).toBe(
      '/repo/apps/x',
    );
  });

  it('should ignore an INIT_CWD inherited from another script, or a relative one', () => {
    expect(callerDirectory({ INIT_CWD: '/repo', npm_lifecycle_event: 'test' }, '/tmp/work')).toBe(
      '/tmp/work',
    );
    expect(callerDirectory({ INIT_CWD: '/repo' }, '/tmp/work')).toBe('/tmp/work');
    expect(callerDirectory({ INIT_CWD: 'relative', npm_lifecycle_event: 'restsync' }, '/tmp/work')).toBe(
      '/tmp/work',
    );
  });
});
