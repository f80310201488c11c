import { referenceRecords } from '@restsync/test-server';
import { openDatabase } from './database';
import type { ScenarioResult, ScenarioSettings } from './scenario-io';
import { cpuClock, peakRssMb } from './scenario-io';

const batchSize = 10_000;
const columns = [
  'id',
  'name',
  'value',
  'updated_at',
  'nested__a',
  'nested__b',
  '_restsync_load_id',
  '_restsync_id',
];

function escapeCopy(value: string): string {
  return value.replace(
    /[\\\t\n\r]/g,
    (character) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[character] ?? '',
  );
}

/**
 * The load-only ceiling: the same rows restsync writes for the reference workload, COPYed into a
 * temporary staging table per batch and upserted with INSERT … ON CONFLICT, with no HTTP and no
 * normalization. Measures a first load and an update of every row.
 */
export async function loadCeiling(settings: ScenarioSettings): Promise<ScenarioResult> {
  const database = await openDatabase(settings.databaseUrl);
  const schema = `"${settings.dataset}"`;
  const table = `${schema}."resource_name"`;
  const list = columns.map((column) => `"${column}"`).join(', ');
  const updates = columns
    .slice(1)
    .map((column) => `"${column}" = EXCLUDED."${column}"`)
    .join(', ');
  await database.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};
    CREATE TABLE ${table} ("id" bigint PRIMARY KEY, "name" text, "value" double precision,
      "updated_at" timestamptz, "nested__a" bigint, "nested__b" text, "_restsync_load_id" text, "_restsync_id" text)`);

  const load = async (generation: number) => {
    const started = performance.now();
    const loadId = `ceiling-${generation}`;
    let lines: string[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      await database.exec('BEGIN');
      await database.exec(`CREATE TEMP TABLE staging (LIKE ${table}) ON COMMIT DROP`);
      await database.copy(`COPY staging (${list}) FROM STDIN`, `${lines.join('\n')}\n`);
      await database.exec(
        `INSERT INTO ${table} (${list}) SELECT ${list} FROM staging ON CONFLICT ("id") DO UPDATE SET ${updates}`,
      );
      await database.exec('COMMIT');
      lines = [];
    };
    for (const record of referenceRecords(settings.records, generation)) {
      lines.push(
        [
          record.id,
          escapeCopy(record.name),
          record.value,
          record.updated_at,
          record.nested.a,
          escapeCopy(record.nested.b),
          loadId,
          `id-${record.id}`,
        ].join('\t'),
      );
      if (lines.length >= batchSize) await flush();
    }
    await flush();
    const seconds = (performance.now() - started) / 1000;
    return { rows: settings.records, seconds, rowsPerSecond: settings.records / seconds };
  };

  const cpu = cpuClock();
  const first = await load(1);
  const update = await load(2);
  const count = await database.queryCount(`SELECT count(*) AS count FROM ${table}`);
  await database.exec(`DROP SCHEMA ${schema} CASCADE`);
  await database.close();
  if (count !== settings.records)
    throw new Error(`load ceiling wrote ${count} rows, expected ${settings.records}`);
  const rows = first.rows + update.rows;
  const seconds = first.seconds + update.seconds;
  return {
    scenario: 'load-ceiling',
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    peakRssMb: peakRssMb(),
    cpuSeconds: cpu(),
    parts: { first, update },
  };
}
