import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@restsync/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineConfig, readSyncFile } from './config-file';

const source = {
  client: { base_url: 'https://api.example.com' },
  resources: ['users'],
};

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'restsync-config-file-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function write(name: string, content: string): Promise<string> {
  await writeFile(join(directory, name), content);
  return name;
}

async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ConfigError.isInstance(error)).toBe(true);
  return (error as ConfigError).issues;
}

describe('readSyncFile', () => {
  it('should read a JSON file relative to the given working directory', async () => {
    const name = await write(
      'sync.json',
      JSON.stringify({ pipeline: { name: 'p', dataset: 'd' }, destination: 'pglite:./db', source }),
    );
    const file = await readSyncFile(name, { cwd: directory });
    expect(file).toEqual({
      pipeline: { name: 'p', dataset: 'd' },
      destination: 'pglite:./db',
      source,
      path: join(directory, 'sync.json'),
    });
  });

  it('should read YAML from .yaml and .yml files', async () => {
    const yaml =
      'pipeline:\n  name: p\nsource:\n  client:\n    base_url: https://api.example.com\n  resources:\n    - users\n';
    for (const name of ['sync.yaml', 'sync.yml']) {
      await write(name, yaml);
      const file = await readSyncFile(name, { cwd: directory });
      expect(file.pipeline).toEqual({ name: 'p' });
      expect(file.source).toEqual(source);
    }
  });

  it('should import the default export of a TypeScript file', async () => {
    const name = await write(
      'sync.ts',
      `interface Shape { source: { client: { base_url: string }; resources: string[] } }
const limit: number = 100;
export default { pipeline: { name: \`p\${limit}\` }, source: ${JSON.stringify(source)} } satisfies Shape & object;`,
    );
    const file = await readSyncFile(name, { cwd: directory });
    expect(file.pipeline).toEqual({ name: 'p100' });
    expect(file.source).toEqual(source);
  });

  it('should import .mjs and CommonJS .cjs files', async () => {
    await write('sync.mjs', `export default ${JSON.stringify({ source })};`);
    await write('sync.cjs', `module.exports = ${JSON.stringify({ pipeline: { dataset: 'd' }, source })};`);
    expect((await readSyncFile('sync.mjs', { cwd: directory })).source).toEqual(source);
    expect((await readSyncFile('sync.cjs', { cwd: directory })).pipeline).toEqual({ dataset: 'd' });
  });

  it('should report invalid JSON with its line and column, without quoting the file', async () => {
    const name = await write('bad.json', '{\n  "source": {\n    "api_key": "hunter2-literal",\n  }\n}');
    const issues = await issuesOf(readSyncFile(name, { cwd: directory }));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('bad.json');
    expect(issues[0]?.message).toMatch(/^not valid JSON: .*line 4, column 3$/);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('should report invalid YAML with its position, without quoting the file', async () => {
    const name = await write('bad.yaml', 'source:\n  api_key: "hunter2-literal\n  resources: [\n');
    const issues = await issuesOf(readSyncFile(name, { cwd: directory }));
    expect(issues[0]?.message).toMatch(/^not valid YAML: .*line \d+, column \d+/);
    expect(JSON.stringify(issues)).not.toContain('hunter2');
  });

  it('should name an unknown top-level key with a did-you-mean hint, and a missing source', async () => {
    const name = await write('typo.json', JSON.stringify({ sourse: source, pipline: {} }));
    const issues = await issuesOf(readSyncFile(name, { cwd: directory }));
    expect(issues).toEqual([
      { path: 'sourse', message: 'unknown key; did you mean "source"?' },
      { path: 'pipline', message: 'unknown key; did you mean "pipeline"?' },
      { path: 'source', message: 'required: the rest_api source config { client, resources }' },
    ]);
  });

  it('should check the pipeline keys and values', async () => {
    const name = await write(
      'pipeline.json',
      JSON.stringify({ pipeline: { name: '', datset: 'x', dataset: 3 }, source }),
    );
    expect(await issuesOf(readSyncFile(name, { cwd: directory }))).toEqual([
      { path: 'pipeline.name', message: 'expected a non-empty string' },
      { path: 'pipeline.datset', message: 'unknown key; did you mean "dataset"?' },
      { path: 'pipeline.dataset', message: 'expected a non-empty string' },
    ]);
  });

  it('should accept a $schema key for editors', async () => {
    const name = await write('schema.json', JSON.stringify({ $schema: './schema.json', source }));
    expect((await readSyncFile(name, { cwd: directory })).source).toEqual(source);
  });

  it('should reject content that is not an object', async () => {
    const name = await write('list.yaml', '- a\n- b\n');
    expect((await issuesOf(readSyncFile(name, { cwd: directory })))[0]?.message).toMatch(
      /^expected an object \{ pipeline\?, destination\?, source \}/,
    );
  });

  it('should reject an unsupported extension and a missing file', async () => {
    expect((await issuesOf(readSyncFile('sync.toml', { cwd: directory })))[0]?.message).toMatch(
      /^unsupported config file type "\.toml"/,
    );
    const missing = await issuesOf(readSyncFile('nope.json', { cwd: directory }));
    expect(missing).toEqual([
      { path: 'nope.json', message: `config file not found (looked for ${join(directory, 'nope.json')})` },
    ]);
  });

  it('should report a code config that throws as a config problem', async () => {
    const name = await write('throws.ts', `throw new Error('cannot build the config');\nexport default {};`);
    expect(await issuesOf(readSyncFile(name, { cwd: directory }))).toEqual([
      { path: 'throws.ts', message: 'could not be loaded: cannot build the config' },
    ]);
  });
});

describe('defineConfig', () => {
  it('should return the config unchanged', () => {
    const config = { source };
    expect(defineConfig(config)).toBe(config);
  });
});
