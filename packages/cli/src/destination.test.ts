import { join } from 'node:path';
import { ConfigError, type Destination } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { createDestination, defaultDestinationUrl, resolveDestination } from './destination';

const cwd = '/home/user/project';

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(ConfigError.isInstance(error)).toBe(true);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveDestination', () => {
  it('should default to an embedded PGlite database under .restsync/ in the working directory', () => {
    expect(resolveDestination({ cwd })).toEqual({
      type: 'pglite',
      url: `pglite:${join(cwd, '.restsync', 'pglite')}`,
      secrets: [],
      origin: 'default',
    });
    expect(defaultDestinationUrl(cwd)).toBe(`pglite:${join(cwd, '.restsync', 'pglite')}`);
  });

  it('should read RESTSYNC_DESTINATION, then DATABASE_URL, when neither the flag nor the file names one', () => {
    const env = { RESTSYNC_DESTINATION: 'pglite:./from-env', DATABASE_URL: 'postgres://root@db/app' };
    expect(resolveDestination({ cwd, env })).toMatchObject({
      url: `pglite:${join(cwd, 'from-env')}`,
      origin: 'RESTSYNC_DESTINATION',
    });
    expect(resolveDestination({ cwd, env: { DATABASE_URL: 'postgres://root@db/app' } })).toMatchObject({
      type: 'postgres',
      origin: 'DATABASE_URL',
    });
    expect(resolveDestination({ file: 'pglite:memory', cwd, env })).toMatchObject({ origin: 'config' });
    expect(resolveDestination({ flag: 'pglite:memory', file: 'pglite:./x', cwd, env })).toMatchObject({
      origin: '--destination',
    });
    expect(issuesOf(() => resolveDestination({ cwd, env: { DATABASE_URL: 'mysql://db/x' } }))[0]?.path).toBe(
      'DATABASE_URL',
    );
  });

  it('should let --destination win over the file', () => {
    expect(resolveDestination({ flag: 'pglite:memory', file: 'postgres://db/x', cwd })).toEqual({
      type: 'pglite',
      url: 'pglite:memory',
      secrets: [],
      origin: '--destination',
    });
  });

  it('should resolve a relative pglite directory against the working directory', () => {
    expect(resolveDestination({ file: 'pglite:./data/db', cwd }).type).toBe('pglite');
    expect(resolveDestination({ file: 'pglite:./data/db', cwd })).toMatchObject({
      url: `pglite:${join(cwd, 'data', 'db')}`,
    });
    expect(resolveDestination({ file: 'pglite:///var/db', cwd })).toMatchObject({ url: 'pglite:/var/db' });
  });

  it('should read postgres:// and postgresql:// URLs and collect the password to redact', () => {
    expect(resolveDestination({ file: 'postgres://root:hunter%32@127.0.0.1:5432/test', cwd })).toEqual({
      type: 'postgres',
      url: 'postgres://root:hunter%32@127.0.0.1:5432/test',
      secrets: ['hunter%32', 'hunter2'],
      origin: 'config',
    });
    expect(
      resolveDestination({ file: 'postgresql://db.example.com/app?password=s3cret!', cwd }),
    ).toMatchObject({
      type: 'postgres',
      secrets: ['s3cret!'],
    });
  });

  it('should read a mongodb:// object with a database', () => {
    expect(
      resolveDestination({ file: { url: 'mongodb://app:pw123@127.0.0.1:27017', database: 'sync' }, cwd }),
    ).toEqual({
      type: 'mongodb',
      url: 'mongodb://app:pw123@127.0.0.1:27017',
      database: 'sync',
      secrets: ['pw123'],
      origin: 'config',
    });
  });

  it('should pass a destination built in code through', () => {
    const destination = { kind: 'destination', type: 'memory' } as unknown as Destination;
    expect(resolveDestination({ file: destination, cwd })).toEqual({
      type: 'code',
      destination,
      secrets: [],
      origin: 'config',
    });
  });

  it('should name the flag or the file path of an unsupported URL', () => {
    expect(issuesOf(() => resolveDestination({ flag: 'mysql://db/x', cwd }))).toEqual([
      {
        path: '--destination',
        message:
          'unsupported destination scheme "mysql:". Supported schemes: postgres:, postgresql:, pglite:, mongodb:, mongodb+srv:',
      },
    ]);
    expect(issuesOf(() => resolveDestination({ file: { url: 'nonsense' }, cwd }))[0]?.path).toBe(
      'destination.url',
    );
    expect(issuesOf(() => resolveDestination({ file: 'pglite:', cwd }))[0]?.message).toMatch(
      /needs a directory/,
    );
    expect(issuesOf(() => resolveDestination({ flag: 'postgres://[bad', cwd }))[0]?.message).toMatch(
      /^not a valid URL/,
    );
  });

  it('should check the object form: unknown keys, a missing url, database only for MongoDB', () => {
    expect(issuesOf(() => resolveDestination({ file: { uri: 'postgres://db/x' }, cwd }))).toEqual([
      { path: 'destination.uri', message: 'unknown key; did you mean "url"?' },
      {
        path: 'destination.url',
        message:
          'required: a URL (postgres://…, postgresql://…, pglite:<directory>, mongodb://…, mongodb+srv://…)',
      },
    ]);
    expect(
      issuesOf(() => resolveDestination({ file: { url: 'postgres://db/x', database: 'y' }, cwd })),
    ).toEqual([
      {
        path: 'destination.database',
        message:
          'only applies to mongodb:// destinations; for Postgres the dataset is the schema (pipeline.dataset)',
      },
    ]);
    expect(issuesOf(() => resolveDestination({ file: 42, cwd }))[0]?.path).toBe('destination');
  });
});

describe('createDestination', () => {
  it('should build Postgres, PGlite and MongoDB destinations whose description hides the password', async () => {
    const server = await createDestination(
      resolveDestination({ file: 'postgres://root:hunter2@127.0.0.1:5432/test', cwd }),
    );
    expect(server.type).toBe('postgres');
    expect(server.description).not.toContain('hunter2');
    expect((await createDestination(resolveDestination({ file: 'pglite:memory', cwd }))).type).toBe(
      'postgres',
    );
    const mongo = await createDestination(
      resolveDestination({ file: { url: 'mongodb://app:pw123@127.0.0.1:27017', database: 'sync' }, cwd }),
    );
    expect(mongo.type).toBe('mongodb');
    expect(mongo.description).not.toContain('pw123');
  });

  it('should report a URL the driver rejects under the given path', async () => {
    const error = await createDestination(
      { type: 'postgres', url: 'mysql://db/x', secrets: [] },
      '--destination',
    ).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['--destination']);
  });
});
