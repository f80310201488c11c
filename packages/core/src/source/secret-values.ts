import type { SecretReference } from '../config/types';
import { RestsyncError, type SecretError } from '../errors';
import type { Redactor } from '../redact';
import { isSecret, resolveSecret, type SecretResolveOptions, secret } from '../secrets';
import { isPlainObject } from './config-keys';

/** Where secrets are read from, where they are registered, and the failures met so far. */
export interface SecretContext extends SecretResolveOptions {
  redactor: Redactor;
  /** Secrets that could not be resolved (reported together, before any request). */
  failures: SecretError[];
}

/** `{ "secret": "api_key" }`: an object with exactly one string `secret` key. */
export function isSecretReference(value: unknown): value is SecretReference {
  return (
    isPlainObject(value) &&
    typeof value.secret === 'string' &&
    value.secret.trim() !== '' &&
    Object.keys(value).length === 1
  );
}

/**
 * Resolves `secret('name')` and `{ secret: 'name' }` to their value and registers it with the
 * redactor. Other values are returned unchanged; a literal string is registered when `sensitive`.
 * An unresolvable secret is recorded in `context.failures` and left as the reference it was, so an
 * adapter's own checks see a well-formed secret and the problem is reported once, by name.
 */
export function resolveSecretValue(value: unknown, context: SecretContext, sensitive = false): unknown {
  const reference = isSecretReference(value) ? secret(value.secret) : isSecret(value) ? value : undefined;
  if (reference === undefined) {
    if (sensitive && typeof value === 'string') context.redactor.add(value);
    return value;
  }
  try {
    const resolved = resolveSecret(reference, { env: context.env, cwd: context.cwd });
    context.redactor.add(resolved);
    return resolved;
  } catch (error) {
    if (RestsyncError.isInstance(error) && error.code === 'secret') {
      context.failures.push(error as SecretError);
      return value;
    }
    throw error;
  }
}

/**
 * Deeply resolves secrets inside adapter data: every `{ secret }` reference and `secret()` object,
 * and registers literal values under secret-like keys (`api_key`, `token`, ...) with the redactor.
 */
export function resolveSecretsDeep(
  value: unknown,
  context: SecretContext,
  isSensitiveKey: (key: string) => boolean,
  sensitive = false,
): unknown {
  if (isSecretReference(value) || isSecret(value)) return resolveSecretValue(value, context);
  if (typeof value === 'string') return resolveSecretValue(value, context, sensitive);
  if (Array.isArray(value))
    return value.map((item) => resolveSecretsDeep(item, context, isSensitiveKey, sensitive));
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = resolveSecretsDeep(item, context, isSensitiveKey, isSensitiveKey(key));
    }
    return result;
  }
  return value;
}
