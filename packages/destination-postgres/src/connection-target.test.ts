import { ConfigError } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { parseConnectionUrl, redactConnectionUrl } from './connection-target';

describe('parseConnectionUrl', () => {
  it('should choose in-memory PGlite only when the URL says memory', () => {
    for (const url of ['pglite:memory', 'pglite://memory']) {
      expect(parseConnectionUrl(url)).toEqual({
        kind: 'pglite',
        directory: undefined,
        description: 'pglite:memory',
      });
    }
  });

  // Regression: an unset DATABASE_URL loaded into an in-memory PGlite, exited 0, and the data was gone.
  it('should keep PGlite on disk in .restsync/pglite when the URL is left out or empty', () => {
    for (const url of [undefined, '', '  ']) {
      expect(parseConnectionUrl(url)).toEqual({
        kind: 'pglite',
        directory: '.restsync/pglite',
        description: 'pglite:.restsync/pglite',
      });
    }
    expect(() => parseConnectionUrl('pglite:')).toThrow(/needs a directory/);
  });

  it('should choose PGlite persisted in a directory for pglite:<directory> and pglite://<directory>', () => {
    expect(parseConnectionUrl('pglite:./data')).toMatchObject({ kind: 'pglite', directory: './data' });
    expect(parseConnectionUrl('pglite:///var/db')).toMatchObject({ kind: 'pglite', directory: '/var/db' });
  });

  it('should parse a server URL with its host, port and password kept out of the description', () => {
    expect(parseConnectionUrl('postgresql://user:p%40ss@db.example.com/app')).toEqual({
      kind: 'server',
      url: 'postgresql://user:p%40ss@db.example.com/app',
      description: 'postgresql://user:***@db.example.com/app',
      host: 'db.example.com',
      port: '5432',
      secrets: ['p%40ss', 'p@ss'],
    });
  });

  it('should reject other schemes with a ConfigError that lists the accepted forms', () => {
    expect(() => parseConnectionUrl('mysql://root:secret@localhost/db')).toThrow(ConfigError);
    expect(() => parseConnectionUrl('mysql://root:secret@localhost/db')).toThrow(
      /unsupported URL scheme "mysql:"/,
    );
    expect(() => parseConnectionUrl('mysql://root:secret@localhost/db')).not.toThrow(/secret/);
  });
});

describe('redactConnectionUrl', () => {
  it('should mask the password and a password query parameter', () => {
    expect(redactConnectionUrl('postgres://root:supersecret@127.0.0.1:1/test')).toBe(
      'postgres://root:***@127.0.0.1:1/test',
    );
    expect(redactConnectionUrl('postgres://root@host/db?sslmode=require&password=x1')).toBe(
      'postgres://root@host/db?sslmode=require&password=***',
    );
    expect(redactConnectionUrl('postgres://root@host/db')).toBe('postgres://root@host/db');
  });
});
