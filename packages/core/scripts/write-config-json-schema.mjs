// Writes dist/config.schema.json, shipped as @restsync/core/config.schema.json for editors, from
// the config schema in the code just built (so it can never drift from what restApiSource accepts).
import { writeFile } from 'node:fs/promises';
import { configJsonSchema } from '../dist/index.js';

const target = new URL('../dist/config.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
