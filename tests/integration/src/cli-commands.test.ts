import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonResult } from '@restsync/cli';
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { closedPort } from './cli-helpers/ports';
import { repositoryRoot } from './cli-helpers/spawn-cli';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// restsync init, schema, completion, validate (offline), check and runs through the built CLI.

const apiKey = 'commands-key-3b8e61d0';

function workspace(onTestFinished: (handler: OnTestFinishedHandler) => void) {
  return createWorkspace(apiKey, (cleanup) => onTestFinished(cleanup));
}

describe.concurrent('restsync commands (child process)', () => {
  it('init should write a starter config that validates, the schema file and .gitignore entries, and refuse to overwrite', async ({
    onTestFinished,
  }) => {
    const { directory, run } = await workspace(onTestFinished);
    await writeConfig(directory, '.gitignore', 'node_modules\n.env\n');

    const init = await run(['init']);

    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote sync.yaml');
    expect(await readFile(join(directory, '.gitignore'), 'utf8')).toBe('node_modules\n.env\n.restsync/\n');
    expect(await readFile(join(directory, '.env.example'), 'utf8')).toContain('API_TOKEN=');
    const schema = JSON.parse(await readFile(join(directory, 'sync.schema.json'), 'utf8'));
    expect(schema.required).toEqual(['source']);
    const validate = await run(['validate', 'sync.yaml']);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('sync.yaml is valid: 2 resources (users, posts)');

    const again = await run(['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      'sync.yaml and .env.example already exist; nothing was written (use --force',
    );
    expect((await run(['init', '--force'])).code).toBe(0);
  });

  it('schema should print the config JSON Schema, and a config that names it in $schema validates', async ({
    onTestFinished,
  }) => {
    const { directory, run } = await workspace(onTestFinished);
    const result = await run(['schema']);
    expect(result.code, result.stderr).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'pipeline', 'destination', 'source']);
    expect(Object.keys(schema.properties.source.properties)).toContain('resources');
    // The example config's $schema file is this output, so editors see the current schema.
    expect(JSON.parse(await readFile(join(repositoryRoot, 'apps/example/sync.schema.json'), 'utf8'))).toEqual(
      schema,
    );
    await writeConfig(directory, 'sync.schema.json', result.stdout);
    const config = await writeConfig(directory, 'sync.json', {
      $schema: './sync.schema.json',
      source: seedSource('http://127.0.0.1:9/'),
    });
    const validate = await run(['validate', config]);
    expect(validate.code, validate.stderr).toBe(0);
  });

  it('completion should print a script for bash, zsh and fish, and refuse another shell', async ({
    onTestFinished,
  }) => {
    const { run } = await workspace(onTestFinished);
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await run(['completion', shell]);
      expect(result.code, result.stderr).toBe(0);
      for (const word of [
        'validate',
        'check',
        'runs',
        'init',
        'schema',
        'completion',
        'resource',
        'dry-run',
      ]) {
        expect(result.stdout, `${shell}: ${word}`).toContain(word);
      }
    }
    expect((await run(['completion', 'bash'])).stdout).toContain(
      'complete -o filenames -F _restsync restsync',
    );
    const wrong = await run(['completion', 'powershell']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('"restsync completion" needs a shell: bash, zsh, fish');
  });

  // Regression: validate printed ✔ for an unreachable API without saying it never tried to reach it.
  it('validate should stay offline and say so, even for an API nobody listens on', async ({
    onTestFinished,
  }) => {
    const { directory, run } = await workspace(onTestFinished);
    const port = await closedPort();
    const config = await writeConfig(directory, 'sync.json', {
      source: seedSource(`http://127.0.0.1:${port}`),
    });
    const result = await run(['validate', config]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Checked offline: no request was sent to the API or the destination');
    expect(result.stdout).not.toMatch(/reachable|reached/);
  });

  // Regression: a typo in `type` told the user to npm install a package that does not exist.
  it('a typo in an adapter type should suggest the right type, not an install command', async ({
    onTestFinished,
  }) => {
    const { directory, run } = await workspace(onTestFinished);
    const source = seedSource('http://127.0.0.1:9');
    source.resources[0]!.endpoint.paginator = { type: 'offest', limit: 100 };
    const config = await writeConfig(directory, 'sync.json', { source });
    const result = await run(['validate', config]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"offset"');
    expect(result.stderr).not.toMatch(/npm install|pnpm add/);
  });

  it('check should reach every resource and the destination, and report a refused key without the key', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 30, apiKey });
    const source = seedSource(api.url);
    source.resources.push({ ...source.resources[0]!, name: 'second' });
    const config = await writeConfig(directory, 'sync.json', { source });
    const name = dataset('cli_check');

    const result = await run(['check', config, '--destination', database.url, '--dataset', name]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /✔ resource_name: GET http:\/\/127\.0\.0\.1:\d+\/v1\/resource\S* → 200, 30 records/,
    );
    expect(result.stdout).toMatch(/✔ second: GET .* → 200/);
    expect(result.stdout).toMatch(/✔ destination: /);
    expect(result.stdout).toContain('the API answered for every resource and the destination is reachable');
    expect(api.stats().requests).toBe(2);

    const refused = await run(['check', config, '--destination', database.url, '--dataset', name, '--json'], {
      API_KEY: 'not-the-key-71c2',
    });
    expect(refused.code).toBe(1);
    const json = JSON.parse(refused.stdout) as JsonResult;
    expect(json.check?.resources.resource_name).toMatchObject({ ok: false });
    expect(json.check?.resources.resource_name?.error).toMatch(/401/);
    expect(json.check?.destination.ok).toBe(true);
    expect(refused.stderr).toContain('✖ resource_name:');
    expect(refused.stdout + refused.stderr).not.toContain('not-the-key-71c2');
  });

  it('check should report a destination nobody listens on', async ({ onTestFinished }) => {
    const { dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 5, apiKey });
    const config = await writeConfig(directory, 'sync.json', { source: seedSource(api.url) });
    const port = await closedPort();
    const result = await run([
      'check',
      config,
      '--destination',
      `postgres://root:pw-9d1e@127.0.0.1:${port}/test`,
      '--dataset',
      dataset('cli_check_down'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✔ resource_name: GET');
    expect(result.stdout).toMatch(/✖ destination: /);
    expect(result.stdout).toContain('1 check failed');
    expect(result.stdout + result.stderr).not.toContain('pw-9d1e');
  });

  it('runs should list past loads newest first with status, rows and duration', async ({
    onTestFinished,
  }) => {
    const { database, dataset, directory, run, startApi } = await workspace(onTestFinished);
    const api = await startApi({ records: 120, apiKey });
    const config = await writeConfig(directory, 'sync.json', {
      pipeline: { name: 'history' },
      source: seedSource(api.url),
    });
    const name = dataset('cli_runs');
    const target = ['--destination', database.url, '--dataset', name];
    const empty = await run(['runs', config, ...target]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain('No loads recorded for pipeline "history"');

    expect((await run(['run', config, ...target])).code).toBe(0);
    const failed = await run(['run', config, ...target], { API_KEY: 'wrong-key-e4a0' });
    expect(failed.code).toBe(1);

    const text = await run(['runs', config, ...target]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Loads of pipeline "history" in dataset "${name}", newest first:`);
    expect(lines[1]).toMatch(/^started\s+status\s+rows\s+duration\s+load id$/);
    expect(lines[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+failed\s+0\s+\S+/);
    expect(lines[3]).toMatch(/401/);
    expect(lines[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+succeeded\s+120\s+\d/);
    expect(text.stdout).not.toContain('wrong-key-e4a0');

    const json = await run(['runs', config, ...target, '--json', '--limit', '1']);
    const result = JSON.parse(json.stdout) as JsonResult;
    expect(result.runs).toHaveLength(1);
    expect(result.runs?.[0]).toMatchObject({ status: 'failed', rows: 0 });
  });
});
