import { configJsonSchema } from '@restsync/core';

/**
 * The JSON Schema of a whole config file (`{ $schema?, pipeline?, destination?, source }`), the
 * `source` part being core's rest_api schema in dlt's spelling. `restsync schema` prints it; a
 * config file points editors at it with `"$schema": "./sync.schema.json"` (YAML:
 * `# yaml-language-server: $schema=./sync.schema.json`).
 */
function syncFileJsonSchema(): Record<string, unknown> {
  const { $schema: draft, ...source } = configJsonSchema();
  return {
    $schema: draft,
    title: 'restsync config file',
    description: 'A restsync config: the pipeline, where the data goes, and the rest_api source.',
    type: 'object',
    properties: {
      $schema: { type: 'string', description: 'The JSON Schema this file follows (for editors).' },
      pipeline: {
        type: 'object',
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            description: "Pipeline name; state is kept per pipeline. Default: the config file's name.",
          },
          dataset: {
            type: 'string',
            minLength: 1,
            description: 'Postgres schema or MongoDB database to load into. Default: <name>_dataset.',
          },
        },
        additionalProperties: false,
      },
      destination: {
        description:
          'postgres://…, postgresql://…, pglite:<directory>, pglite:memory or mongodb://… (or { url, database? }).',
        anyOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            properties: {
              url: { type: 'string', minLength: 1 },
              database: { type: 'string', minLength: 1 },
            },
            required: ['url'],
            additionalProperties: false,
          },
        ],
      },
      source: { ...source, description: "The rest_api source, in dlt's form." },
    },
    required: ['source'],
    additionalProperties: false,
  };
}

/** What `restsync schema` prints: the schema, indented, with a final newline. */
export function schemaCommandOutput(): string {
  return `${JSON.stringify(syncFileJsonSchema(), null, 2)}\n`;
}
