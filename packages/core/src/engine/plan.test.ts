import { describe, expect, it } from 'vitest';
import type { Source, SourcePage } from '../contracts/source';
import { createRedactor } from '../redact';
import type { WorkUnit } from './engine';
import { assertPlainDefinition, planWorkUnits, unitDefinition } from './plan';

function fakeSource(resources: Source['resources'], total?: number): Source {
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'test',
    resources,
    redactor: createRedactor(),
    async *pages() {
      yield {
        resource: resources[0]?.name ?? 'items',
        index: 0,
        request: { method: 'GET', url: 'http://api.test/items', headers: {} },
        response: { status: 200, headers: new Headers(), body: { total } },
        records: [],
      } as unknown as SourcePage;
    },
  };
}

const info = (name: string, extra: Partial<Source['resources'][number]> = {}) => ({
  name,
  primaryKey: ['id'],
  writeDisposition: 'merge' as const,
  nested: 'flatten' as const,
  ...extra,
});

const definition = {
  client: { base_url: 'http://api.test', auth: { type: 'api_key', api_key: { secret: 'api_key' } } },
  resources: [
    { name: 'items', endpoint: { path: '/items', paginator: { type: 'offset', limit: 100 } } },
    { name: 'details', endpoint: { path: '/items/{resources.items.id}' } },
    'users',
  ],
};

describe('planWorkUnits', () => {
  it('should split a resource whose offset paginator knows its total into ranges of pages, the last open-ended', async () => {
    const units = await planWorkUnits({
      definition: { ...definition, resources: [definition.resources[0]] },
      source: fakeSource([info('items')], 4_500),
      loadSource: async () => fakeSource([info('items')], 4_500),
    });
    expect(units.map((unit) => unit.id)).toEqual(['items@0-20', 'items@20-40', 'items@40-end']);
    expect(units[1]?.paginator).toEqual({ type: 'offset', limit: 100, offset: 2_000, maximum_offset: 4_000 });
    expect(units[2]?.paginator).toEqual({ type: 'offset', limit: 100, offset: 4_000 });
  });

  it('should keep a parent with its children, and a resource without a known total, as whole units', async () => {
    const resources = [info('items'), info('details', { parent: 'items' }), info('users')];
    const units = await planWorkUnits({
      definition,
      source: fakeSource(resources),
      loadSource: async () => fakeSource(resources),
    });
    expect(units.map((unit) => [unit.id, unit.kind, unit.resources])).toEqual([
      ['items', 'resource', ['items', 'details']],
      ['users', 'resource', ['users']],
    ]);
  });

  it("should split a parent whose paginator knows its total into groups of parents, each with its children's sequences, committed once", async () => {
    const resources = [info('items', { writeDisposition: 'append' }), info('details', { parent: 'items' })];
    const parentAndChild = { ...definition, resources: definition.resources.slice(0, 2) };
    const units = await planWorkUnits({
      definition: parentAndChild,
      source: fakeSource(resources, 2_500),
      loadSource: async () => fakeSource(resources, 2_500),
      pagesPerUnit: 10,
    });
    expect(units.map((unit) => [unit.id, unit.resources, unit.commitOnce])).toEqual([
      ['items@0-10', ['items', 'details'], true],
      ['items@10-20', ['items', 'details'], true],
      ['items@20-end', ['items', 'details'], true],
    ]);
    expect(unitDefinition(parentAndChild, units[1] as WorkUnit).resources).toEqual([
      {
        name: 'items',
        endpoint: {
          path: '/items',
          paginator: { type: 'offset', limit: 100, offset: 1_000, maximum_offset: 2_000 },
        },
      },
      { name: 'details', endpoint: { path: '/items/{resources.items.id}' } },
    ]);
  });

  it('should split a replace resource into ranges that share one staging table, and a swap unit after them all', async () => {
    const resources = [info('items', { writeDisposition: 'replace' })];
    const units = await planWorkUnits({
      definition: { ...definition, resources: [definition.resources[0]] },
      source: fakeSource(resources, 4_500),
      loadSource: async () => fakeSource(resources, 4_500),
    });
    expect(units.map((unit) => [unit.id, unit.kind, unit.sharedStaging])).toEqual([
      ['items@0-20', 'pages', true],
      ['items@20-40', 'pages', true],
      ['items@40-end', 'pages', true],
      ['items@swap', 'swap', undefined],
    ]);
    expect(units[3]?.after).toEqual(['items@0-20', 'items@20-40', 'items@40-end']);
    expect(units[3]?.resources).toEqual(['items']);
  });

  it('should keep a parent whole when one of its children has an incremental cursor', async () => {
    const resources = [info('items'), info('details', { parent: 'items' })];
    const withCursor = {
      ...definition,
      resources: [
        definition.resources[0],
        {
          name: 'details',
          endpoint: { path: '/items/{resources.items.id}', incremental: { cursor_path: 'updated_at' } },
        },
      ],
    };
    const units = await planWorkUnits({
      definition: withCursor,
      source: fakeSource(resources, 2_500),
      loadSource: async () => fakeSource(resources, 2_500),
      pagesPerUnit: 10,
    });
    expect(units.map((unit) => unit.id)).toEqual(['items']);
  });
});

describe('unitDefinition', () => {
  it("should keep only the unit's resources and set a page range's paginator, secrets staying references", () => {
    const unit = {
      id: 'items@0-20',
      kind: 'pages' as const,
      resource: 'items',
      resources: ['items'],
      paginator: { type: 'offset', limit: 100, offset: 0, maximum_offset: 2_000 },
    };
    const result = unitDefinition(definition, unit);
    expect(result.resources).toEqual([
      { name: 'items', endpoint: { path: '/items', paginator: unit.paginator } },
    ]);
    expect(result.client).toEqual(definition.client);
  });
});

describe('assertPlainDefinition', () => {
  it('should name the path of a code-built value that cannot travel to workers', () => {
    expect(() => assertPlainDefinition({ client: { paginator: { create: () => undefined } } })).toThrow(
      /source\.client\.paginator\.create/,
    );
  });
});
