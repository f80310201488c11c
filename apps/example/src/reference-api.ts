/**
 * Serves the reference API on http://127.0.0.1:8787 (key `demo-key`) until stopped, so that
 * `sync.json` — the seed config in dlt form — can run through the CLI:
 *
 *   API_KEY=demo-key pnpm restsync run apps/example/sync.json
 */
import { startReferenceApi } from '@restsync/test-server';

const port = Number(process.env.PORT ?? 8787);
const records = Number(process.env.RECORDS ?? 10_000);
const api = await startReferenceApi({ port, records, apiKey: 'demo-key' });
process.stdout.write(
  `reference API: ${api.url}/v1/resource (${records} records, api_key=demo-key); Ctrl-C to stop\n`,
);
const stop = () => {
  void api.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
