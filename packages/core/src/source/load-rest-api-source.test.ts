import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { createEventBus } from '../events';
import { startFakeApi } from './__fixtures__/fake-api';
import { pages } from './__fixtures__/test-adapters';
import { createAdapterRegistry } from './adapter-registry';
import { loadRestApiSource } from './load-rest-api-source';

let project: string;

/** A project directory with a hand-written adapter package installed in node_modules. */
function writePackage(name: string, files: Record<string, string>): void {
  const directory = join(project, 'node_modules', ...name.split('/'));
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    join(directory, 'package.json'),
    JSON.stringify({ name, type: 'module', exports: './index.js' }),
  );
  for (const [file, content] of Object.entries(files)) writeFileSync(join(directory, file), content);
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'restsync-project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'project', type: 'module' }));
  writePackage('@restsync/paginator-fake-step', {
    'index.js': `
      export function fromConfig(config) {
        if (typeof config.step !== 'number') {
          // A ConfigError from another copy of @restsync/core, recognised by its marker.
          const error = new Error('invalid');
          error[Symbol.for('restsync.error')] = true;
          error.code = 'config';
          error.issues = [{ path: 'step', message: 'expected a number' }];
          throw error;
        }
        return {
          kind: 'paginator',
          specificationVersion: 'v1',
          type: 'fake_step',
          create: () => ({
            first: (request) => { const url = new URL(request.url); url.searchParams.set('step', String(config.step)); return { ...request, url: url.toString() }; },
            next: () => ({ done: true, reason: 'one page' }),
          }),
        };
      }`,
  });
  writePackage('@restsync/auth-no-export', { 'index.js': 'export const nothing = 1;' });
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

function issuesOf(error: unknown): string[] {
  if (!ConfigError.isInstance(error)) throw error;
  return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('loadRestApiSource', () => {
  it('should resolve a type string to the adapter package installed in cwd', async () => {
    const api = await startFakeApi(() => ({ body: [{ id: 1 }] }));
    try {
      const source = await loadRestApiSource(
        {
          client: { base_url: api.origin },
          resources: [{ name: 'a', endpoint: { paginator: { type: 'fake_step', step: 5 } } }],
        },
        { cwd: project },
      );
      const records = [];
      for await (const page of source.pages({ events: createEventBus() })) records.push(...page.records);

      expect(records).toEqual([{ id: 1 }]);
      expect(api.requests.map((request) => request.query.get('step'))).toEqual(['5']);
    } finally {
      await api.close();
    }
  });

  it('should name the package to install for a type that is not installed, with every other problem', async () => {
    const error = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com', auth: { type: 'oauth2_client_credentials' } },
        resources: [
          { name: 'a', endpoint: { paginator: { type: 'cursor', cursor_path: 'next' } } },
          { name: 'b', endpoint: { paginator: { type: 'fake_step' } } },
          { name: 'c', endpoint: { auth: 'no_export' } },
        ],
      },
      { cwd: project },
    ).catch((caught: unknown) => caught);

    expect(issuesOf(error)).toEqual([
      'client.auth.type: auth type "oauth2_client_credentials": install @restsync/auth-oauth2-client-credentials (npm install @restsync/auth-oauth2-client-credentials)',
      'resources[0].endpoint.paginator.type: paginator type "cursor": install @restsync/paginator-cursor (npm install @restsync/paginator-cursor)',
      'resources[1].endpoint.paginator.step: expected a number',
      'resources[2].endpoint.auth: auth type "no_export": @restsync/auth-no-export does not export fromConfig(config)',
    ]);
  });

  it('should prefer a registered type over the package of the same name', async () => {
    const registry = createAdapterRegistry({ paginators: { fake_step: () => pages({ size: 1 }) } });

    const source = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com' },
        resources: [{ name: 'a', endpoint: { paginator: 'fake_step' } }],
      },
      { cwd: project, registry },
    );

    expect(source.resources.map((resource) => resource.name)).toEqual(['a']);
  });
});
