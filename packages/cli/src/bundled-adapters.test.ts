import { officialAdapters } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { bundledAdapters } from './bundled-adapters';

describe('bundledAdapters', () => {
  it('should bundle every official paginator and auth, so a config file needs nothing else installed', () => {
    const bundled = officialAdapters
      .filter(({ kind }) => kind !== 'destination')
      .map(({ kind, type }) => {
        const registered = kind === 'paginator' ? bundledAdapters.paginators : bundledAdapters.auths;
        return `${kind}:${type}:${registered.has(type)}`;
      });
    expect(bundled).toEqual(
      officialAdapters
        .filter(({ kind }) => kind !== 'destination')
        .map(({ kind, type }) => `${kind}:${type}:true`),
    );
  });

  // Regression: the CLI imported every destination driver at start-up and hard-depended on MongoDB's.
  it('should register no destination, so their packages load only when a URL needs them', () => {
    expect([...bundledAdapters.destinations.keys()]).toEqual([]);
  });
});
