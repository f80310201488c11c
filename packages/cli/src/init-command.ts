import { access, appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { CommandLineError } from './args';
import { schemaCommandOutput } from './schema-command';

/** The starter config: a public API with a parent and a child resource, comments for the rest. */
const starterConfig = `# yaml-language-server: $schema=./sync.schema.json
# A starter restsync config. Check it offline:   restsync validate sync.yaml
# Try the API without writing anything:           restsync run sync.yaml --dry-run
# Load it:                                        restsync run sync.yaml
$schema: ./sync.schema.json
pipeline:
  name: starter
  dataset: starter_data
# Where the data goes. Without it: --destination, then RESTSYNC_DESTINATION, then DATABASE_URL,
# then an embedded PGlite database on disk under .restsync/.
# destination: postgres://user@localhost:5432/db
source:
  client:
    base_url: https://jsonplaceholder.typicode.com
    # An API that needs a token: the value is read from API_TOKEN (environment or .env), never written here.
    # auth:
    #   type: bearer
    #   token: { secret: api_token }
  resource_defaults:
    primary_key: id
    write_disposition: merge
  resources:
    - name: users
      endpoint:
        path: /users
    - name: posts
      endpoint:
        path: /users/{resources.users.id}/posts
`;

/** The secrets and settings the starter config reads, with empty values. */
const starterEnvironment = `# Copy to .env and fill in; .env stays out of git.
# API_TOKEN=
# DATABASE_URL=postgres://user@localhost:5432/db
`;

/** Lines `init` makes sure `.gitignore` has: local secrets and the embedded database. */
const gitignoreEntries = ['.env', '.restsync/'];

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export interface InitOptions {
  /** The caller's directory. */
  cwd: string;
  /** Where to write, relative to `cwd`. @default "." */
  directory?: string;
  /** Overwrite `sync.yaml` and `.env.example`. */
  force: boolean;
}

/**
 * `restsync init`: writes `sync.yaml`, `sync.schema.json` and `.env.example`, and adds `.env` and
 * `.restsync/` to `.gitignore`. Refuses (exit code 2) to overwrite a file without `--force`.
 * Returns one line per file, for the user.
 */
export async function initProject(options: InitOptions): Promise<string[]> {
  const directory = resolve(options.cwd, options.directory ?? '.');
  const shown = (name: string) => relative(options.cwd, join(directory, name)) || name;
  const files = { 'sync.yaml': starterConfig, '.env.example': starterEnvironment };
  if (!options.force) {
    const present = [];
    for (const name of Object.keys(files)) if (await exists(join(directory, name))) present.push(shown(name));
    if (present.length > 0) {
      throw new CommandLineError(
        `${present.join(' and ')} already exist${present.length === 1 ? 's' : ''}; nothing was written (use --force to overwrite)`,
      );
    }
  }
  await mkdir(directory, { recursive: true });
  const lines: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(directory, name), content);
    lines.push(`wrote ${shown(name)}`);
  }
  await writeFile(join(directory, 'sync.schema.json'), schemaCommandOutput());
  lines.push(`wrote ${shown('sync.schema.json')} (the config's JSON Schema, for editors)`);
  const gitignore = join(directory, '.gitignore');
  const current = (await exists(gitignore)) ? await readFile(gitignore, 'utf8') : '';
  const present = new Set(current.split(/\r?\n/).map((line) => line.trim()));
  const missing = gitignoreEntries.filter((entry) => !present.has(entry));
  if (missing.length > 0) {
    const separator = current === '' || current.endsWith('\n') ? '' : '\n';
    await appendFile(gitignore, `${separator}${missing.join('\n')}\n`);
    lines.push(`added ${missing.join(', ')} to ${shown('.gitignore')}`);
  }
  return lines;
}
