import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { SecretError } from './errors';

const secretMarker = Symbol.for('restsync.secret');

/** A reference to a secret, resolved when the source is built (never stored in config output). */
export interface Secret {
  readonly [secretMarker]: true;
  /** The secret's name, e.g. `api_key`. */
  readonly name: string;
  /** The environment variable it is read from, e.g. `API_KEY`. */
  readonly envName: string;
}

/** A value that is either given directly or referenced as a secret. */
export type SecretInput = string | Secret;

export interface SecretResolveOptions {
  /** The environment to read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Directory whose `.env` file is read when the variable is not set. @default process.cwd() */
  cwd?: string;
}

/** `api_key` → `API_KEY`, `apiKey` → `API_KEY`, `my-token` → `MY_TOKEN`. */
export function secretEnvName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * References a secret by name. It resolves from the environment variable named in upper snake
 * case (`secret('api_key')` → `API_KEY`), then from a `.env` file in the working directory.
 */
export function secret(name: string): Secret {
  return Object.freeze({ [secretMarker]: true as const, name, envName: secretEnvName(name) });
}

export function isSecret(value: unknown): value is Secret {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[secretMarker] === true
  );
}

/** Resolves a secret or returns a plain string as is. Throws `SecretError` naming every place it looked. */
export function resolveSecret(input: SecretInput, options: SecretResolveOptions = {}): string {
  if (!isSecret(input)) return input;
  const env = options.env ?? process.env;
  const fromEnv = env[input.envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const envFile = join(options.cwd ?? process.cwd(), '.env');
  if (existsSync(envFile)) {
    const parsed = parseEnv(readFileSync(envFile, 'utf8'));
    const fromFile = parsed[input.envName];
    if (fromFile !== undefined && fromFile !== '') return fromFile;
  }
  throw new SecretError(input.name, [
    `environment variable ${input.envName}`,
    `${envFile} (${existsSync(envFile) ? `no ${input.envName} entry` : 'file not found'})`,
  ]);
}
