/**
 * The restsync demo: the seed's API synced into a database, twice.
 *
 * 1. Starts the reference API (or uses API_BASE_URL + API_KEY for a real one).
 * 2. Syncs /v1/resource with offset pagination and merge on `id` — wired exactly as DESIGN §1.
 * 3. Changes every record upstream and syncs again: rows are updated, never duplicated.
 *
 * Destination: embedded PGlite in ./.restsync/example by default, Postgres when DATABASE_URL is
 * set, MongoDB when MONGODB_URL is set.
 */
import { join } from 'node:path';
import { apiKey } from '@restsync/auth-api-key';
import { createProgress, formatSummaryTable } from '@restsync/cli';
import { pipeline, restApiSource, secret } from '@restsync/core';
import { offset } from '@restsync/paginator-offset';
import { startReferenceApi } from '@restsync/test-server';
import { chooseDestination } from './destination-choice';

const records = Number(process.env.DEMO_RECORDS ?? 10_000);
const external = process.env.API_BASE_URL;
const api = external ? undefined : await startReferenceApi({ records, apiKey: 'demo-key' });
if (api) process.env.API_KEY = 'demo-key';
const baseUrl = external ?? api?.url ?? '';

const { destination, check, close } = await chooseDestination({
  env: process.env,
  pgliteDirectory: join(process.cwd(), '.restsync', 'example'),
});

async function sync(label: string) {
  process.stderr.write(`\n${label}\n`);
  const source = restApiSource({
    client: {
      baseUrl,
      auth: apiKey({ name: 'api_key', apiKey: secret('api_key'), location: 'query' }),
    },
    resourceDefaults: { primaryKey: 'id', writeDisposition: 'merge' },
    resources: [
      {
        name: 'resource_name',
        endpoint: { path: '/v1/resource', dataSelector: 'data', paginator: offset({ limit: 100 }) },
      },
    ],
  });
  const progress = createProgress({ stream: process.stderr, intervalMs: 1000 });
  try {
    const result = await pipeline({ name: 'example', destination, onEvent: progress.onEvent }).run(source);
    progress.stop();
    process.stdout.write(`${formatSummaryTable(result)}\n`);
    return result;
  } finally {
    progress.stop();
  }
}

try {
  await sync(`First sync: ${baseUrl}/v1/resource → ${destination.description}`);
  const before = await check('example_dataset', 'resource_name');
  process.stdout.write(`  in the database: ${before.rows} rows, e.g. id 1 → name "${before.sampleName}"\n`);

  if (api) api.setGeneration(api.generation + 1);
  await sync('Second sync, after the API changed every record:');
  const after = await check('example_dataset', 'resource_name');
  process.stdout.write(
    `  in the database: ${after.rows} rows, e.g. id 1 → name "${after.sampleName}"\n` +
      (after.rows === before.rows
        ? `  ✔ same row count: every record was updated in place, none duplicated\n`
        : `  ✘ row count changed from ${before.rows} to ${after.rows}\n`),
  );
  if (after.rows !== before.rows) process.exitCode = 1;
} finally {
  await close();
  await api?.close();
}
