import { parseArgs } from 'node:util';
import { ConfigError } from '@restsync/core';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run' | 'validate'; configPath: string; destination?: string; dataset?: string; json: boolean };

export const helpText = `Usage: restsync <command> [options]

Commands:
  run <config>        Sync the resources described in <config> into the destination
  validate <config>   Check <config> without fetching anything (exit 0 valid, 2 invalid)

<config> is a .json, .yaml/.yml, .js/.mjs or .ts file with
  { pipeline?: { name, dataset }, destination?: <url or object>, source: <rest_api config> }
The source accepts dlt's rest_api form (snake_case keys, "type" strings, { "secret": "api_key" }).

Options:
  --destination <url>  postgres://…, postgresql://…, pglite:<directory>, mongodb://… (overrides the file)
  --dataset <name>     Postgres schema or MongoDB database (overrides the file)
  --json               Print exactly one JSON result object on stdout; everything else goes to stderr
  -h, --help           Show this help
  -v, --version        Show the version

Exit codes: 0 success, 1 the sync failed, 2 the config or the command line is wrong.
With no destination anywhere, data goes to an embedded PGlite database in ./.restsync/.
`;

/** Parses the command line. Wrong usage is a ConfigError (exit code 2). */
export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new ConfigError([{ path: 'command line', message: (error as Error).message }]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [name, configPath, ...rest] = positionals;
  if (name === undefined) return { kind: 'help' };
  if (name !== 'run' && name !== 'validate') {
    throw new ConfigError([
      { path: 'command line', message: `unknown command "${name}" (expected run or validate)` },
    ]);
  }
  if (configPath === undefined) {
    throw new ConfigError([{ path: 'command line', message: `"restsync ${name}" needs a config file` }]);
  }
  if (rest.length > 0) {
    throw new ConfigError([{ path: 'command line', message: `unexpected arguments: ${rest.join(' ')}` }]);
  }
  return {
    kind: name,
    configPath,
    json: values.json ?? false,
    ...(values.destination ? { destination: values.destination } : {}),
    ...(values.dataset ? { dataset: values.dataset } : {}),
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      destination: { type: 'string' },
      dataset: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
