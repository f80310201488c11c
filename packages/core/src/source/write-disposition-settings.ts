import { keyIn, type Spelling, spellingsOf } from '../config/forms';
import type { MergeStrategy, Scd2Settings, WriteDisposition } from '../contracts/schema';
import type { ConfigIssue } from '../errors';
import { formatPath, isPlainObject } from './config-keys';
import type { Located } from './read-config';

/** The default validity columns of `scd2` (dlt's `_dlt_valid_from` / `_dlt_valid_to`). */
export const defaultValidityColumns = ['_restsync_valid_from', '_restsync_valid_to'] as const;

/** What a `write_disposition` (string or dict form) asks for. */
export interface WriteDispositionSettings {
  writeDisposition: WriteDisposition;
  /** Undefined: `upsert` for a merge. */
  mergeStrategy?: MergeStrategy;
  scd2?: Scd2Settings;
}

const scd2Options = [
  'validityColumnNames',
  'activeRecordTimestamp',
  'boundaryTimestamp',
  'rowVersionColumnName',
] as const;

/** The value of a dict-form key in either spelling. */
function read(value: Record<string, unknown>, camelKey: string): unknown {
  for (const spelling of spellingsOf(camelKey)) {
    if (spelling in value) return value[spelling];
  }
  return undefined;
}

/** Whether a text is an ISO-8601 date or timestamp. */
function isTimestamp(text: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text))
  );
}

/**
 * Reads `write_disposition` in its string or dict form (the schema has checked the shapes). Pushes
 * an issue for a strategy without `merge`, `scd2` options without `scd2`, and a timestamp that is not one.
 */
export function readWriteDisposition(
  located: Located | undefined,
  spelling: Spelling,
  issues: ConfigIssue[],
): WriteDispositionSettings {
  const value = located?.value;
  if (typeof value === 'string') return { writeDisposition: value as WriteDisposition };
  if (!isPlainObject(value) || located === undefined) return { writeDisposition: 'append' };
  const at = (camelKey: string) => formatPath([...located.path, keyIn(camelKey, spelling)]);
  const writeDisposition = (read(value, 'disposition') as WriteDisposition | undefined) ?? 'append';
  const strategy = read(value, 'strategy') as MergeStrategy | undefined;
  if (strategy !== undefined && writeDisposition !== 'merge') {
    issues.push({
      path: at('strategy'),
      message: `a strategy only applies to disposition "merge", not "${writeDisposition}"`,
    });
  }
  // Without a strategy, a merge upserts (left out, as for the string form).
  const mergeStrategy = writeDisposition === 'merge' ? strategy : undefined;
  for (const option of scd2Options) {
    if (read(value, option) !== undefined && mergeStrategy !== 'scd2') {
      issues.push({
        path: at(option),
        message: `${keyIn(option, spelling)} only applies to the "scd2" strategy`,
      });
    }
  }
  if (mergeStrategy === undefined) return { writeDisposition };
  if (mergeStrategy !== 'scd2') return { writeDisposition, mergeStrategy };
  const [validFrom, validTo] = (read(value, 'validityColumnNames') as [string, string] | undefined) ?? [
    ...defaultValidityColumns,
  ];
  if (validFrom === validTo) {
    issues.push({ path: at('validityColumnNames'), message: 'expected two different column names' });
  }
  const activeRecordTimestamp = (read(value, 'activeRecordTimestamp') as string | null | undefined) ?? null;
  const boundaryTimestamp = read(value, 'boundaryTimestamp') as string | undefined;
  for (const [option, timestamp] of [
    ['activeRecordTimestamp', activeRecordTimestamp],
    ['boundaryTimestamp', boundaryTimestamp],
  ] as const) {
    if (typeof timestamp === 'string' && !isTimestamp(timestamp)) {
      issues.push({
        path: at(option),
        message: `expected an ISO-8601 timestamp or date (e.g. "9999-12-31" or "2024-01-01T00:00:00Z"), got "${timestamp}"`,
      });
    }
  }
  const rowVersionColumn = read(value, 'rowVersionColumnName') as string | undefined;
  return {
    writeDisposition,
    mergeStrategy,
    scd2: {
      validFrom,
      validTo,
      activeRecordTimestamp,
      ...(boundaryTimestamp === undefined ? {} : { boundaryTimestamp }),
      ...(rowVersionColumn === undefined ? {} : { rowVersionColumn }),
    },
  };
}
