import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretError } from './errors';
import { resolveSecret, secret, secretEnvName } from './secrets';

function emptyDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'restsync-secrets-'));
}

describe('secretEnvName', () => {
  it('should turn names into upper snake case', () => {
    expect(secretEnvName('api_key')).toBe('API_KEY');
    expect(secretEnvName('apiKey')).toBe('API_KEY');
    expect(secretEnvName('my-token')).toBe('MY_TOKEN');
  });
});

describe('resolveSecret', () => {
  it('should read the environment variable first', () => {
    const directory = emptyDirectory();
    writeFileSync(join(directory, '.env'), 'API_KEY=from-file\n');
    expect(resolveSecret(secret('api_key'), { env: { API_KEY: 'from-env' }, cwd: directory })).toBe(
      'from-env',
    );
  });

  it('should fall back to the .env file in the working directory', () => {
    const directory = emptyDirectory();
    writeFileSync(join(directory, '.env'), '# comment\nAPI_KEY="from-file"\nOTHER=1\n');
    expect(resolveSecret(secret('api_key'), { env: {}, cwd: directory })).toBe('from-file');
  });

  it('should return plain strings unchanged', () => {
    expect(resolveSecret('literal', { env: {} })).toBe('literal');
  });

  it('should throw a SecretError that names API_KEY and every place it looked', () => {
    const directory = emptyDirectory();
    let caught: unknown;
    try {
      resolveSecret(secret('api_key'), { env: {}, cwd: directory });
    } catch (error) {
      caught = error;
    }
    expect(SecretError.isInstance(caught)).toBe(true);
    const error = caught as SecretError;
    expect(error.code).toBe('secret');
    expect(error.message).toContain('environment variable API_KEY');
    expect(error.message).toContain(join(directory, '.env'));
    expect(error.searched).toHaveLength(2);
  });
});
