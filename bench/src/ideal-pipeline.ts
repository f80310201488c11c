import { Pool } from 'undici';
import { openDatabase } from './database';
import type { ScenarioSettings } from './scenario-io';

const limit = 100;
const pagesInFlight = 4;
const batchSize = 5_000;
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

interface Page {
  data: { id: number; name: string; value: number; updated_at: string; nested: { a: number; b: string } }[];
  total: number;
}

const escapable = /[\\\t\n\r]/;

function escapeCopy(value: string): string {
  if (!escapable.test(value)) return value;
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('\t', '\\t')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
}

/**
 * The hand-written ideal pipeline for the reference workload, with no framework: undici's
 * `request` on a keep-alive pool with 4 pages in flight, `JSON.parse`, COPY of 5 000-row batches
 * into a temporary table, then `INSERT … ON CONFLICT` into the target table. The same table shape
 * and rows restsync writes (its `_restsync_id` is the id as text: no hashing). Run once for a
 * first load and once more, after the API changed every record, for an update.
 */
export async function idealPipeline(settings: ScenarioSettings): Promise<number> {
  const origin = new URL(settings.apiUrl);
  const pool = new Pool(origin, { connections: pagesInFlight, pipelining: 1 });
  const database = await openDatabase(settings.databaseUrl);
  const schema = `"${settings.dataset}"`;
  const table = `${schema}."resource_name"`;
  const list = columns.map((column) => `"${column}"`).join(', ');
  const updates = columns
    .slice(1)
    .map((column) => `"${column}" = EXCLUDED."${column}"`)
    .join(', ');
  await database.exec(`CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${table} ("id" bigint PRIMARY KEY, "name" text, "value" double precision,
      "updated_at" timestamptz, "nested__a" bigint, "nested__b" text, "_restsync_load_id" text, "_restsync_id" text)`);
  const loadId = `ideal-${Date.now()}`;

  const fetchPage = async (offset: number): Promise<Page> => {
    const path = `/v1/resource?offset=${offset}&limit=${limit}&api_key=${encodeURIComponent(settings.apiKey)}`;
    const response = await pool.request({ method: 'GET', path, headers: { accept: 'application/json' } });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode} at offset ${offset}`);
    return JSON.parse(text) as Page;
  };

  let lines = '';
  let buffered = 0;
  let rows = 0;
  const flush = async () => {
    if (buffered === 0) return;
    const data = lines;
    lines = '';
    buffered = 0;
    await database.exec('BEGIN');
    await database.exec(`CREATE TEMP TABLE staging (LIKE ${table}) ON COMMIT DROP`);
    await database.copy(`COPY staging (${list}) FROM STDIN`, data);
    await database.exec(
      `INSERT INTO ${table} (${list}) SELECT ${list} FROM staging ON CONFLICT ("id") DO UPDATE SET ${updates}`,
    );
    await database.exec('COMMIT');
  };
  const take = async (page: Page) => {
    for (const record of page.data) {
      lines += `${record.id}\t${escapeCopy(record.name)}\t${record.value}\t${record.updated_at}\t${record.nested.a}\t${escapeCopy(record.nested.b)}\t${loadId}\t${record.id}\n`;
    }
    buffered += page.data.length;
    rows += page.data.length;
    if (buffered >= batchSize) await flush();
  };

  const first = await fetchPage(0);
  const total = first.total;
  const pending: Promise<Page>[] = [];
  let nextOffset = limit;
  const refill = () => {
    while (pending.length < pagesInFlight && nextOffset < total) {
      const page = fetchPage(nextOffset);
      // Handled when awaited in order; this keeps an early failure from being unhandled meanwhile.
      page.catch(() => undefined);
      pending.push(page);
      nextOffset += limit;
    }
  };
  refill();
  await take(first);
  while (pending.length > 0) {
    const page = await (pending.shift() as Promise<Page>);
    refill();
    await take(page);
  }
  await flush();
  await database.close();
  await pool.close();
  return rows;
}
