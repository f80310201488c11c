import { idealPipeline } from './ideal-pipeline';
import { readSettings } from './scenario-io';

/**
 * One benchmark scenario in its own process (restsync itself runs as its built CLI), so each
 * process's CPU time and peak RSS are its own. Prints one JSON line.
 */
const name = process.argv[2] ?? '';
if (name === 'ideal') {
  const rows = await idealPipeline(readSettings(process.env));
  process.stdout.write(`${JSON.stringify({ rows })}\n`);
} else {
  throw new Error(`unknown scenario "${name}"`);
}
