import { describe, expect, it } from 'vitest';
import { closestMatch, unknownKeyMessage } from './did-you-mean';

describe('closestMatch', () => {
  it('should suggest the candidate a typo is closest to', () => {
    expect(closestMatch('sourse', ['pipeline', 'destination', 'source'])).toBe('source');
    expect(closestMatch('--destinaton', ['--destination', '--dataset'])).toBe('--destination');
    expect(closestMatch('Pipeline', ['pipeline'])).toBe('pipeline');
  });

  it('should suggest nothing for a word that is not close to any candidate', () => {
    expect(closestMatch('client', ['pipeline', 'destination', 'source'])).toBeUndefined();
    expect(closestMatch('x', [])).toBeUndefined();
  });
});

describe('unknownKeyMessage', () => {
  it('should give a hint or list the allowed keys', () => {
    expect(unknownKeyMessage('nme', ['name', 'dataset'])).toBe('unknown key; did you mean "name"?');
    expect(unknownKeyMessage('resources', ['name', 'dataset'])).toBe('unknown key (expected name, dataset)');
  });
});
