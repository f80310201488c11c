import { referenceRecord } from '@restsync/test-server';
import { openDatabase } from './database';

/**
 * Checks what a scenario left in `table`: exactly `records` rows, `records` distinct ids, and every
 * row holding the API's values of `generation` (name, value, nested a and b, and the timestamp).
 * Throws naming the first mismatch.
 */
export async function verifyTable(
  databaseUrl: string,
  table: string,
  records: number,
  generation: number,
): Promise<void> {
  const database = await openDatabase(databaseUrl);
  try {
    let expectedValue = 0;
    let expectedNested = 0;
    for (let id = 1; id <= records; id++) {
      const record = referenceRecord(id, generation);
      expectedValue += record.value;
      expectedNested += record.nested.a;
    }
    const first = referenceRecord(1, generation);
    const [summary] = await database.queryRows<Record<string, string | number>>(
      `SELECT count(*) AS rows, count(DISTINCT id) AS ids,
         count(*) FILTER (WHERE name = 'name-' || id || '-g${generation}'
           AND nested__b = 'group-' || (id % 10) || '-g${generation}') AS matching,
         sum(value) AS value_sum, sum(nested__a) AS nested_sum,
         min(updated_at) = '${first.updated_at}'::timestamptz AS first_timestamp
       FROM ${table}`,
    );
    const problems: string[] = [];
    if (Number(summary?.rows) !== records) problems.push(`${summary?.rows} rows`);
    if (Number(summary?.ids) !== records) problems.push(`${summary?.ids} distinct ids`);
    if (Number(summary?.matching) !== records)
      problems.push(`${summary?.matching} rows with generation ${generation}'s name and nested__b`);
    if (Math.abs(Number(summary?.value_sum) - expectedValue) > 1e-6 * expectedValue)
      problems.push(`sum(value) ${summary?.value_sum}, expected ${expectedValue}`);
    if (Number(summary?.nested_sum) !== expectedNested)
      problems.push(`sum(nested__a) ${summary?.nested_sum}, expected ${expectedNested}`);
    if (String(summary?.first_timestamp) !== 'true') problems.push('the first updated_at differs');
    if (problems.length > 0) {
      throw new Error(
        `${table} does not hold the API's ${records} records of generation ${generation}: ${problems.join('; ')}`,
      );
    }
  } finally {
    await database.close();
  }
}
