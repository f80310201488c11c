import { describe, expect, it } from 'vitest';
import { unknownKeyIssues, unknownKeyMessage } from './unknown-keys';

describe('unknownKeyMessage', () => {
  it('should suggest the closest allowed key for a likely typo', () => {
    expect(unknownKeyMessage('limt', ['limit', 'offset'])).toBe('unknown key; did you mean "limit"?');
  });

  it('should list the allowed keys when nothing is close', () => {
    expect(unknownKeyMessage('resources', ['name', 'dataset'])).toBe(
      'unknown key (expected one of: name, dataset)',
    );
  });
});

describe('unknownKeyIssues', () => {
  it('should report every unknown key with a relative path and accept tolerated keys', () => {
    expect(
      unknownKeyIssues({ type: 'offset', limt: 1, 'page size': 2, limit: 3 }, ['limit', 'offset'], ['type']),
    ).toEqual([
      { path: 'limt', message: 'unknown key; did you mean "limit"?' },
      { path: '["page size"]', message: 'unknown key (expected one of: limit, offset)' },
    ]);
  });
});
