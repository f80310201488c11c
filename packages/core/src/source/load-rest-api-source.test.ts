import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '@restsync/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { createEventBus } from '../events';
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
  writePackage('@acme/restsync-paginator-fake-step', {
    'index.js': `
      export function fromConfig(config) {
        if (typeof config.step !== 'number') {
          // A ConfigError from another copy of @restsync/core, recognised by its marker.
          const error = new Error('invalid');
          error[Symbol.for('restsync.error')] = true;
          error[Symbol.for('restsync.error.config')] = true;
          error.code = 'config';
          error.issues = [{ path: 'step', message: 'expected a number' }];
          throw error;
        }
        return {
          kind: 'paginator',
          specificationVersion: 'v1',
          specificationVersion: 'v1',
          type: 'fake_step',
          create: () => ({
            first: (request) => { const url = new URL(request.url); url.searchParams.set('step', String(config.step)); return { ...request, url: url.toString() }; },
            next: () => ({ done: true, reason: 'one page' }),
          }),
        };
      }`,
  });
  writePackage('restsync-auth-no-export', { 'index.js': 'export const nothing = 1;' });
  // A package that exports only its definition, as defineAdapter() makes it.
  writePackage('restsync-paginator-defined', {
    'index.js': `
      export const definedAdapter = {
        kind: 'adapter',
        adapterKind: 'paginator',
        type: 'restsync-paginator-defined',
        fromConfig: () => ({
          kind: 'paginator',
          specificationVersion: 'v1',
          type: 'defined',
          create: () => ({ first: (request) => request, next: () => ({ done: true, reason: 'one page' }) }),
        }),
      };`,
  });
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

function issuesOf(error: unknown): string[] {
  if (!ConfigError.isInstance(error)) throw error;
  return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('loadRestApiSource', () => {
  it('should resolve a type string to the adapter package installed in cwd', async () => {
    const api = await startTestServer({ fallback: () => ({ body: [{ id: 1 }] }) });
    try {
      const source = await loadRestApiSource(
        {
          client: { base_url: api.url },
          resources: [
            { name: 'a', endpoint: { paginator: { type: '@acme/restsync-paginator-fake-step', step: 5 } } },
          ],
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

  it('should name the package to install for a conventionally named type, with every other problem', async () => {
    const error = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com' },
        resources: [
          { name: 'b', endpoint: { paginator: { type: '@acme/restsync-paginator-fake-step' } } },
          { name: 'c', endpoint: { auth: 'restsync-auth-no-export' } },
          { name: 'd', endpoint: { paginator: '@acme/restsync-paginator-missing' } },
        ],
      },
      { cwd: project },
    ).catch((caught: unknown) => caught);

    expect(issuesOf(error)).toEqual([
      'resources[0].endpoint.paginator.step: expected a number',
      'resources[1].endpoint.auth: auth type "restsync-auth-no-export": restsync-auth-no-export exports neither fromConfig(config) nor an auth defined with defineAdapter()',
      'resources[2].endpoint.paginator: paginator type "@acme/restsync-paginator-missing": install @acme/restsync-paginator-missing (npm install @acme/restsync-paginator-missing)',
    ]);
  });

  // Regression: an unknown type used to ask the user to install @restsync/<kind>-<type>, a package that does not exist.
  it('should list the available types for an unknown type, with a suggestion and no install hint', async () => {
    const error = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com', auth: { type: 'oauth1' } },
        resources: [{ name: 'a', endpoint: { paginator: { type: 'ofset', limit: 10 } } }],
      },
      { cwd: project },
    ).catch((caught: unknown) => caught);

    const issues = issuesOf(error);
    expect(issues).toEqual([
      'client.auth.type: auth type "oauth1" is not available. ' +
        'Available types: api_key, bearer, http_basic, oauth2_client_credentials. ' +
        'A third-party auth is named by its package: restsync-auth-<name> or @<scope>/restsync-auth-<name>',
      'resources[0].endpoint.paginator.type: paginator type "ofset" is not available; did you mean "offset"? ' +
        'Available types: cursor, header_cursor, header_link, json_link, json_response, offset, page_number, single_page. A third-party paginator is named by its package: ' +
        'restsync-paginator-<name> or @<scope>/restsync-paginator-<name>',
    ]);
    expect(issues.join('\n')).not.toContain('install');
  });

  it('should build a type from a package that exports its adapter definition', async () => {
    const source = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com' },
        resources: [{ name: 'a', endpoint: { paginator: 'restsync-paginator-defined' } }],
      },
      { cwd: project },
    );

    expect(source.resources.map((resource) => resource.name)).toEqual(['a']);
  });

  it('should prefer a registered type over the package of the same name', async () => {
    const registry = createAdapterRegistry({
      paginators: { '@acme/restsync-paginator-fake-step': () => pages({ size: 1 }) },
    });

    const source = await loadRestApiSource(
      {
        client: { base_url: 'https://api.example.com' },
        resources: [{ name: 'a', endpoint: { paginator: '@acme/restsync-paginator-fake-step' } }],
      },
      { cwd: project, registry },
    );

    expect(source.resources.map((resource) => resource.name)).toEqual(['a']);
  });
});
