import { httpCeiling } from './http-ceiling';
import { loadCeiling } from './load-ceiling';
import { restsyncSync } from './restsync-sync';
import { readSettings, report } from './scenario-io';

/** One benchmark scenario in its own process, so each peak RSS is its own. */
const name = process.argv[2] ?? '';
const settings = readSettings(process.env);
if (name === 'http-ceiling') report(await httpCeiling(settings));
else if (name === 'load-ceiling') report(await loadCeiling(settings));
else if (name.startsWith('restsync')) report(await restsyncSync(settings, name));
else throw new Error(`unknown scenario "${name}"`);
