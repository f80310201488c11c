import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { restApiSource } from './rest-api-source';

const client = { base_url: 'https://api.example.com' };

/** The resource a dlt-form config with this `write_disposition` resolves to. */
function resourceWith(writeDisposition: unknown, extra: Record<string, unknown> = {}) {
  return restApiSource({
    client,
    resources: [{ name: 'items', write_disposition: writeDisposition, ...extra }],
  } as never).resources[0];
}

/** The issues of the ConfigError a config throws, as `path: message`. */
function problems(config: unknown): string[] {
  try {
    restApiSource(config as never);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('readWriteDisposition', () => {
  it('should read the string form, "merge" meaning upsert (no strategy)', () => {
    expect(resourceWith('merge', { primary_key: 'id' })).toMatchObject({ writeDisposition: 'merge' });
    expect(resourceWith('merge', { primary_key: 'id' })?.mergeStrategy).toBeUndefined();
    expect(resourceWith('append')).toMatchObject({ writeDisposition: 'append' });
    expect(resourceWith('append')?.mergeStrategy).toBeUndefined();
  });

  it('should read the dict form with each strategy', () => {
    expect(resourceWith({ disposition: 'merge' }, { primary_key: 'id' })?.mergeStrategy).toBeUndefined();
    expect(
      resourceWith({ disposition: 'merge', strategy: 'upsert' }, { primary_key: 'id' })?.mergeStrategy,
    ).toBe('upsert');
    expect(
      resourceWith({ disposition: 'merge', strategy: 'delete-insert' }, { primary_key: 'id' }),
    ).toMatchObject({ writeDisposition: 'merge', mergeStrategy: 'delete-insert' });
    expect(resourceWith({ disposition: 'replace' })).toMatchObject({ writeDisposition: 'replace' });
    expect(resourceWith({ disposition: 'merge', strategy: 'scd2' })).toMatchObject({
      writeDisposition: 'merge',
      mergeStrategy: 'scd2',
      scd2: { validFrom: '_restsync_valid_from', validTo: '_restsync_valid_to', activeRecordTimestamp: null },
    });
  });

  it('should read every scd2 option in both spellings', () => {
    const expected = {
      validFrom: 'from_at',
      validTo: 'to_at',
      activeRecordTimestamp: '9999-12-31',
      boundaryTimestamp: '2024-01-01T00:00:00Z',
      rowVersionColumn: 'etag',
    };
    expect(
      resourceWith({
        disposition: 'merge',
        strategy: 'scd2',
        validity_column_names: ['from_at', 'to_at'],
        active_record_timestamp: '9999-12-31',
        boundary_timestamp: '2024-01-01T00:00:00Z',
        row_version_column_name: 'etag',
      })?.scd2,
    ).toEqual(expected);
    const camel = restApiSource({
      client: { baseUrl: 'https://api.example.com' },
      resources: [
        {
          name: 'items',
          writeDisposition: {
            disposition: 'merge',
            strategy: 'scd2',
            validityColumnNames: ['from_at', 'to_at'],
            activeRecordTimestamp: '9999-12-31',
            boundaryTimestamp: '2024-01-01T00:00:00Z',
            rowVersionColumnName: 'etag',
          },
        },
      ],
    });
    expect(camel.resources[0]?.scd2).toEqual(expected);
  });

  it('should refuse misplaced options, bad timestamps and an unknown strategy, each at its path', () => {
    expect(
      problems({
        client,
        resources: [
          { name: 'a', write_disposition: { disposition: 'append', strategy: 'scd2' } },
          {
            name: 'b',
            primary_key: 'id',
            write_disposition: { disposition: 'merge', strategy: 'upsert', boundary_timestamp: '2024-01-01' },
          },
          {
            name: 'c',
            write_disposition: {
              disposition: 'merge',
              strategy: 'scd2',
              validity_column_names: ['same', 'same'],
              active_record_timestamp: 'forever',
              boundary_timestamp: 'yesterday',
            },
          },
        ],
      }),
    ).toEqual([
      'resources[0].write_disposition.strategy: a strategy only applies to disposition "merge", not "append"',
      'resources[1].write_disposition.boundary_timestamp: boundary_timestamp only applies to the "scd2" strategy',
      'resources[2].write_disposition.active_record_timestamp: expected an ISO-8601 timestamp or date (e.g. "9999-12-31" or "2024-01-01T00:00:00Z"), got "forever"',
      'resources[2].write_disposition.boundary_timestamp: expected an ISO-8601 timestamp or date (e.g. "9999-12-31" or "2024-01-01T00:00:00Z"), got "yesterday"',
      'resources[2].write_disposition.validity_column_names: expected two different column names',
    ]);
    const unknown = problems({
      client,
      resources: [{ name: 'a', write_disposition: { disposition: 'merge', strategy: 'insert-only' } }],
    });
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/^resources\[0\]\.write_disposition/);
  });

  it('should still ask for a primary key for upsert, but not for scd2', () => {
    expect(
      problems({ client, resources: [{ name: 'a', write_disposition: { disposition: 'merge' } }] }),
    ).toEqual(['resources[0].primary_key: write_disposition "merge" needs a primary key']);
    expect(resourceWith({ disposition: 'merge', strategy: 'scd2' })?.primaryKey).toEqual([]);
  });
});
