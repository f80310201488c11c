import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { testRegistry } from './__fixtures__/test-adapters';
import { restApiSource } from './rest-api-source';

const emptyDirectory = mkdtempSync(join(tmpdir(), 'restsync-hints-'));
afterAll(() => rmSync(emptyDirectory, { recursive: true, force: true }));

const options = { registry: testRegistry, env: {}, cwd: emptyDirectory };
const client = { base_url: 'https://api.example.com' };

function resourcesOf(config: Record<string, unknown>) {
  return restApiSource(config as never, options).resources;
}

function problems(config: Record<string, unknown>): string[] {
  try {
    restApiSource(config as never, options);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('restApiSource with resource hints', () => {
  it('should read the dict and the list form of columns alike, with dlt aliases', () => {
    const [dict, list] = resourcesOf({
      client,
      resources: [
        {
          name: 'a',
          columns: { id: { data_type: 'bigint', primary_key: true }, meta: { data_type: 'complex' } },
        },
        {
          name: 'b',
          columns: [
            { name: 'id', data_type: 'bigint', primary_key: true },
            { name: 'meta', data_type: 'complex' },
          ],
        },
      ],
    });
    const expected = [
      { name: 'id', dataType: 'bigint', primaryKey: true },
      { name: 'meta', dataType: 'json' },
    ];
    expect(dict!.columns).toEqual(expected);
    expect(list!.columns).toEqual(expected);
    expect(dict!.primaryKey).toEqual(['id']);
  });

  it('should merge columns from resource_defaults column by column (the resource wins per hint)', () => {
    const [resource] = resourcesOf({
      client,
      resource_defaults: {
        columns: { col_a: { data_type: 'text', primary_key: true }, col_b: { nullable: false } },
      },
      resources: [{ name: 'a', columns: { col_a: { data_type: 'bigint' } } }],
    });
    expect(resource!.columns).toEqual([
      { name: 'col_a', dataType: 'bigint', primaryKey: true },
      { name: 'col_b', nullable: false },
    ]);
  });

  it('should read table_name, max_table_nesting, the shorthand schema_contract and merge_key from defaults and resources', () => {
    const [resource] = resourcesOf({
      client,
      resource_defaults: { schema_contract: 'freeze', max_table_nesting: 1, table_format: 'iceberg' },
      resources: [
        {
          name: 'a',
          table_name: 'things',
          merge_key: 'tenant',
          columns: { region: { merge_key: true }, balance: { data_type: 'wei' } },
        },
      ],
    });
    expect(resource).toMatchObject({
      tableName: 'things',
      maxTableNesting: 1,
      schemaContract: { tables: 'freeze', columns: 'freeze', dataType: 'freeze' },
      mergeKey: ['tenant', 'region'],
    });
    expect(resource!.columns).toContainEqual({
      name: 'balance',
      dataType: 'decimal',
      precision: 156,
      scale: 78,
    });
  });

  it('should read the hints of a camelCase (TypeScript) config alike', () => {
    const [resource] = resourcesOf({
      client: { baseUrl: 'https://api.example.com' },
      resources: [
        {
          name: 'a',
          tableName: 'things',
          columns: { total: { dataType: 'decimal', precision: 5, scale: 2, hardDelete: false } },
          schemaContract: { dataType: 'freeze' },
          maxTableNesting: 2,
          mergeKey: ['tenant', 'region'],
        },
      ],
    });
    expect(resource).toMatchObject({
      tableName: 'things',
      columns: [{ name: 'total', dataType: 'decimal', precision: 5, scale: 2, hardDelete: false }],
      schemaContract: { tables: 'evolve', columns: 'evolve', dataType: 'freeze' },
      maxTableNesting: 2,
      mergeKey: ['tenant', 'region'],
    });
  });

  it('should fill the modes a contract dict leaves out with evolve', () => {
    const [resource] = resourcesOf({
      client,
      resources: [{ name: 'a', schema_contract: { columns: 'discard_row' } }],
    });
    expect(resource!.schemaContract).toEqual({
      tables: 'evolve',
      columns: 'discard_row',
      dataType: 'evolve',
    });
  });

  it('should report bad hints with their paths before the first request', () => {
    expect(
      problems({
        client,
        resources: [
          {
            name: 'a',
            columns: { x: { data_type: 'binary' }, t: { data_type: 'timestamp', precision: 9 } },
            schema_contract: 'lenient',
            max_table_nesting: -1,
          },
          { name: 'b', columns: [{ data_type: 'text' }], file_format: 'parquet' },
          { name: 'c', table_name: 'a' },
        ],
      }),
    ).toEqual([
      'resources[0].columns.t.precision: a timestamp holds at most 6 fractional second digits',
      'resources[0].columns.x.data_type: expected one of text, bigint, double, bool, timestamp, date, json, decimal, complex, wei (binary and time are not supported)',
      'resources[0].max_table_nesting: expected an integer >= 0',
      'resources[0].schema_contract: expected evolve, freeze, discard_row, discard_value or { tables, columns, data_type }',
      'resources[1].columns[0].name: a column in the list form needs a name',
      expect.stringMatching(/^resources\[1\]\.file_format: /),
      'resources[2].table_name: resource "c" would load into table "a", which is already resource "a"\'s: give each resource its own table_name',
    ]);
  });
});
