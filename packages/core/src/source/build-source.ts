import { configForms, type Spelling } from '../config/forms';
import { detectSpelling } from '../config/keys';
import type { RestApiSourceOptions } from '../config/types';
import type { Source } from '../contracts/source';
import { ConfigError, type ConfigIssue, type SecretError } from '../errors';
import { createRedactor } from '../redact';
import { type AdapterRegistry, builtInAdapters, mergeAdapterRegistries } from './adapter-registry';
import { readCircuitBreaker, readRateLimit } from './api-limit-settings';
import { configIssuesFromZod, isSecretHeader } from './config-issues';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';
import { camelRetry, fieldPath, type Located, type ReadConfig, readConfig } from './read-config';
import { createAdapterResolver } from './resolve-adapters';
import { resolveResources } from './resolve-resources';
import { type ResolvedClient, runSource } from './run-source';
import { resolveSecretValue, type SecretContext } from './secret-values';

/** Adapters found by `loadRestApiSource`, and why the others are unavailable. */
export interface LoadedAdapters {
  registry: AdapterRegistry | undefined;
  unavailable: ReadonlyMap<string, string>;
}

function startsWithPath(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Zod's issues first, then the others not already covered by a zod issue at or above their path. */
function combineIssues(shapeIssues: ConfigIssue[], otherIssues: ConfigIssue[]): ConfigIssue[] {
  const combined = [...shapeIssues];
  for (const issue of otherIssues) {
    if (shapeIssues.some((shape) => startsWithPath(issue.path, shape.path) && shape.path !== '')) continue;
    if (combined.some((existing) => existing.path === issue.path && existing.message === issue.message))
      continue;
    combined.push(issue);
  }
  return combined.sort((first, second) => first.path.localeCompare(second.path, 'en', { numeric: true }));
}

function checkBaseUrl(
  located: Located | undefined,
  path: ConfigPath,
  context: SecretContext,
  issues: ConfigIssue[],
) {
  if (located === undefined) {
    issues.push({
      path: formatPath(path),
      message: 'required: the API base URL, e.g. https://api.example.com/v1',
    });
    return undefined;
  }
  if (typeof located.value !== 'string') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(located.value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    issues.push({
      path: formatPath(path),
      message: `"${context.redactor.redactUrl(located.value)}" is not an absolute http(s) URL, e.g. https://api.example.com/v1`,
    });
    return undefined;
  }
  return located.value;
}

function clientHeaders(read: ReadConfig, secrets: SecretContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, located] of read.client.headers) {
    const value = resolveSecretValue(located.value, secrets, isSecretHeader(name));
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

function secretIssues(failures: SecretError[]): ConfigIssue[] {
  const unique = new Map(failures.map((failure) => [failure.secretName, failure]));
  return [...unique.values()].map((failure) => ({
    path: `secret "${failure.secretName}"`,
    message: failure.message,
  }));
}

/** Validates the config, builds adapters and secrets, and returns the source; throws every problem at once. */
export function buildSource(config: unknown, options: RestApiSourceOptions, loaded: LoadedAdapters): Source {
  if (!isPlainObject(config)) {
    throw new ConfigError([{ path: '', message: 'expected a config object with "client" and "resources"' }]);
  }
  const spelling: Spelling = detectSpelling(config);
  const parsed = configForms.code.safeParse(config);
  const shapeIssues = parsed.success ? [] : configIssuesFromZod(parsed.error.issues, config, spelling);
  const issues: ConfigIssue[] = [];
  const redactor = createRedactor();
  const secrets: SecretContext = { redactor, env: options.env, cwd: options.cwd, failures: [] };
  const read = readConfig(config, spelling, issues);
  const adapters = createAdapterResolver({
    registry: mergeAdapterRegistries(options.registry, loaded.registry, builtInAdapters),
    unavailable: loaded.unavailable,
    secrets,
    issues,
  });

  const { fields } = read.client;
  const clientPath: ConfigPath = ['client'];
  const baseUrl = checkBaseUrl(
    fields.baseUrl,
    fieldPath(clientPath, 'baseUrl', spelling, fields.baseUrl),
    secrets,
    issues,
  );
  const client: ResolvedClient = {
    baseUrl: baseUrl ?? '',
    headers: clientHeaders(read, secrets),
    auth: adapters.auth(fields.auth),
    retry: fields.retry ? camelRetry(fields.retry.value) : undefined,
    timeoutMs: typeof fields.timeoutMs?.value === 'number' ? fields.timeoutMs.value : undefined,
    fetch: options.fetch,
    rateLimit: readRateLimit(fields.rateLimit),
    circuitBreaker: readCircuitBreaker(fields.circuitBreaker),
  };
  const clientPaginator = adapters.paginator(fields.paginator);
  const { all, roots } = resolveResources(read, { spelling, issues, adapters, secrets }, clientPaginator);

  const problems = combineIssues(shapeIssues, issues);
  if (problems.length === 0 && secrets.failures.length > 0) {
    const [first] = secrets.failures;
    if (secrets.failures.every((failure) => failure.secretName === first?.secretName)) throw first;
  }
  problems.push(...secretIssues(secrets.failures));
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: options.name ?? 'rest_api',
    resources: all.filter((resource) => resource.selected).map((resource) => resource.info),
    redactor,
    warnings: all.flatMap((resource) => resource.deprecations),
    // Every request reads (GET), none depends on a stored cursor, and no rate limit or circuit
    // breaker (kept per `pages()` call) would be split between a dropped early start and the run:
    // pages can come while the destination opens.
    earlyStart:
      client.rateLimit === undefined &&
      client.circuitBreaker === undefined &&
      all.every(
        (resource) =>
          resource.incremental === undefined &&
          resource.request.method === 'GET' &&
          resource.rateLimit === undefined,
      ),
    pages: (runOptions) => runSource(roots, client, redactor, runOptions),
    definition: {
      config: config as Record<string, unknown>,
      load: async (next) => buildSource(next, options, loaded),
    },
  };
}
