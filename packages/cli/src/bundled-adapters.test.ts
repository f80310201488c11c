import { officialAdapters } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { bundledAdapters } from './bundled-adapters';

describe('bundledAdapters', () => {
  it('should bundle every official adapter, so a config file needs nothing else installed', () => {
    const bundled = officialAdapters.map(({ kind, type }) => {
      const registered =
        kind === 'paginator'
          ? bundledAdapters.paginators
          : kind === 'auth'
            ? bundledAdapters.auths
            : bundledAdapters.destinations;
      return `${kind}:${type}:${registered.has(type)}`;
    });
    expect(bundled).toEqual(officialAdapters.map(({ kind, type }) => `${kind}:${type}:true`));
  });

  it('should find each bundled destination by the URL schemes core knows for it', () => {
    for (const official of officialAdapters.filter((adapter) => adapter.kind === 'destination')) {
      expect(bundledAdapters.destinations.get(official.type)?.schemes).toEqual(official.schemes);
    }
  });
});
