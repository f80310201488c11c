import { keyIn, type Spelling } from '../config/forms';
import type { ProcessingStep } from '../config/types';
import type { Auth } from '../contracts/auth';
import { type Paginator, singlePage } from '../contracts/paginator';
import type { ResourceInfo } from '../contracts/source';
import type { ConfigIssue } from '../errors';
import type { RateLimitOptions } from '../http/rate-limit';
import type { ResponseAction } from '../http/response-actions';
import type { RetryOptions } from '../http/retry-policy';
import type { IncrementalSettings } from '../incremental/incremental';
import { resolveIncremental } from '../incremental/resolve-incremental';
import { readRateLimit } from './api-limit-settings';
import { didYouMean } from './config-issues';
import { type ConfigPath, formatPath, isPlainObject } from './config-keys';
import { checkDataSelector, compileDataSelector, type RecordSelector } from './data-selector';
import { camelRetry, fieldPath, type Located, type ReadConfig, type ResourceSettings } from './read-config';
import { compileRequestTemplate, type RequestTemplate } from './request-template';
import type { AdapterResolver } from './resolve-adapters';
import { checkTableNames, readResourceHints } from './resource-hints';
import type { SecretContext } from './secret-values';
import { readWriteDisposition } from './write-disposition-settings';

/** A resource ready to run. */
export interface ResolvedResource {
  info: ResourceInfo;
  /** Where the resource is in the config, for messages. */
  path: ConfigPath;
  request: RequestTemplate;
  paginator: Paginator;
  /** Endpoint auth (overrides the client's); undefined: the client's auth. */
  auth: Auth | undefined;
  selectRecords: RecordSelector;
  responseActions: ResponseAction[] | undefined;
  processingSteps: ProcessingStep[];
  includeFromParent: string[];
  maxPages: number | undefined;
  concurrency: number | undefined;
  retry: RetryOptions | undefined;
  timeoutMs: number | undefined;
  selected: boolean;
  /** Runs alongside other sequences (see `runSource`). */
  parallelized: boolean;
  /** The resource's own limit, within the client's. */
  rateLimit: RateLimitOptions | undefined;
  /** The endpoint's incremental loading, if any. */
  incremental: IncrementalSettings | undefined;
  /** Deprecation notices for the config forms the resource uses. */
  deprecations: string[];
  /** Child resources whose placeholders name this one, in config order. */
  children: ResolvedResource[];
  /** This resource or one of its descendants is selected (otherwise it is never fetched). */
  needed: boolean;
}

export interface ResolveContext {
  spelling: Spelling;
  issues: ConfigIssue[];
  adapters: AdapterResolver;
  secrets: SecretContext;
}

const asNumber = (located: Located | undefined) =>
  typeof located?.value === 'number' ? located.value : undefined;

function stringList(located: Located | undefined): string[] {
  const value = located?.value;
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function responseActions(located: Located | undefined): ResponseAction[] | undefined {
  if (!Array.isArray(located?.value)) return undefined;
  return located.value.filter(isPlainObject).map((action) => {
    const status = action.status ?? action.status_code;
    return {
      ...(status === undefined ? {} : { status: Number(status) }),
      ...(typeof action.content === 'string' ? { content: action.content } : {}),
      action: 'ignore' as const,
    };
  });
}

function resolveResource(
  settings: ResourceSettings,
  context: ResolveContext,
  clientPaginator: Paginator | undefined,
): ResolvedResource | undefined {
  const { issues, spelling, adapters } = context;
  const { fields, endpoint } = settings;
  const name = settings.name;
  const request = compileRequestTemplate(endpoint, context.secrets, issues);
  if (name === undefined) return undefined;
  const incremental = resolveIncremental(endpoint, request.incrementalReferences, name, issues);

  const disposition = readWriteDisposition(fields.writeDisposition, spelling, issues);
  const { writeDisposition } = disposition;
  const hints = readResourceHints(fields, spelling, issues);
  const primaryKey = [...new Set([...stringList(fields.primaryKey), ...hints.primaryKey])];
  if (
    writeDisposition === 'merge' &&
    primaryKey.length === 0 &&
    (disposition.mergeStrategy ?? 'upsert') === 'upsert'
  ) {
    const dispositionKey = keyIn('writeDisposition', spelling);
    const defaultsKey = fields.writeDisposition?.path[0];
    const fromDefaults = defaultsKey === 'resource_defaults' || defaultsKey === 'resourceDefaults';
    issues.push(
      fromDefaults
        ? {
            path: formatPath([defaultsKey, keyIn('primaryKey', spelling)]),
            message: `${dispositionKey} "merge" needs a primary key: set it here or on every resource`,
          }
        : {
            path: formatPath(fieldPath(settings.path, 'primaryKey', spelling)),
            message: `${dispositionKey} "merge" needs a primary key`,
          },
    );
  }

  const selector = endpoint.fields.dataSelector;
  if (typeof selector?.value === 'string') {
    const problem = checkDataSelector(selector.value);
    if (problem) issues.push({ path: formatPath(selector.path), message: problem });
  }
  const selectorText = typeof selector?.value === 'string' ? selector.value : undefined;

  // Precedence: the endpoint's own, then the resource defaults' endpoint, then the client's;
  // a single-entity endpoint does not inherit the client's. None: detected from the first page
  // (one page for a single-entity endpoint, as in dlt).
  const endpointPaginator = adapters.paginator(endpoint.fields.paginator);
  const inherited = request.singleEntity ? undefined : clientPaginator;
  const nested = fields.nested?.value === 'json' ? 'json' : 'flatten';
  const parentNames = [...new Set(request.references.map((reference) => reference.resource))];

  return {
    info: {
      name,
      primaryKey,
      writeDisposition,
      ...(disposition.mergeStrategy === undefined ? {} : { mergeStrategy: disposition.mergeStrategy }),
      ...(disposition.scd2 === undefined ? {} : { scd2: disposition.scd2 }),
      nested,
      ...(parentNames.length === 1 ? { parent: parentNames[0] } : {}),
      ...(hints.tableName === undefined ? {} : { tableName: hints.tableName }),
      ...(hints.columns === undefined ? {} : { columns: hints.columns }),
      ...(hints.maxTableNesting === undefined ? {} : { maxTableNesting: hints.maxTableNesting }),
      ...(hints.schemaContract === undefined ? {} : { schemaContract: hints.schemaContract }),
      ...(hints.mergeKey === undefined ? {} : { mergeKey: hints.mergeKey }),
    },
    path: settings.path,
    request,
    paginator: endpointPaginator ?? inherited ?? (request.singleEntity ? singlePage() : adapters.detected()),
    auth: adapters.auth(endpoint.fields.auth),
    selectRecords: compileDataSelector(selectorText, { wholeBody: request.singleEntity }),
    responseActions: responseActions(endpoint.fields.responseActions),
    processingSteps: Array.isArray(fields.processingSteps?.value)
      ? (fields.processingSteps.value as ProcessingStep[])
      : [],
    includeFromParent: stringList(fields.includeFromParent),
    maxPages: asNumber(fields.maxPages),
    concurrency: asNumber(fields.concurrency),
    retry: fields.retry ? camelRetry(fields.retry.value) : undefined,
    timeoutMs: asNumber(fields.timeoutMs),
    selected: fields.selected?.value !== false,
    parallelized: fields.parallelized?.value === true,
    rateLimit: readRateLimit(fields.rateLimit),
    incremental: incremental.settings,
    deprecations: incremental.deprecations,
    children: [],
    needed: false,
  };
}

/** Reports resources with the same name. */
function checkDuplicates(resources: ResourceSettings[], issues: ConfigIssue[]): void {
  const seen = new Map<string, ResourceSettings>();
  for (const resource of resources) {
    if (resource.name === undefined) continue;
    const first = seen.get(resource.name);
    if (first) {
      issues.push({
        path: formatPath([...resource.path, 'name']),
        message: `duplicate resource name "${resource.name}" (also ${formatPath(first.path)}); names must be unique`,
      });
    } else {
      seen.set(resource.name, resource);
    }
  }
}

/** Checks the parent links (unknown parents, several parents, cycles) and wires children. */
function linkResources(resolved: ResolvedResource[], context: ResolveContext): void {
  const { issues, spelling } = context;
  const byName = new Map(resolved.map((resource) => [resource.info.name, resource]));
  const names = [...byName.keys()];
  const linked = new Map<ResolvedResource, ResolvedResource>();
  for (const resource of resolved) {
    const references = resource.request.references;
    const parents = [...new Set(references.map((reference) => reference.resource))];
    if (parents.length > 1) {
      issues.push({
        path: formatPath([...resource.path, keyIn('endpoint', spelling)]),
        message: `placeholders name more than one parent resource (${parents.join(', ')}); a child resource has exactly one parent`,
      });
      continue;
    }
    const parentName = parents[0];
    if (parentName === undefined) {
      if (resource.includeFromParent.length > 0) {
        issues.push({
          path: formatPath([...resource.path, keyIn('includeFromParent', spelling)]),
          message:
            'the resource has no parent: add a {resources.<parent>.<field>} placeholder to its endpoint',
        });
      }
      continue;
    }
    const where = references[0]?.usedIn ?? formatPath(resource.path);
    if (parentName === resource.info.name) {
      issues.push({ path: where, message: `resource "${parentName}" cannot be its own parent` });
      continue;
    }
    const parent = byName.get(parentName);
    if (!parent) {
      const suggestion = didYouMean(parentName, names);
      issues.push({
        path: where,
        message: `unknown parent resource "${parentName}"${suggestion ? `; did you mean "${suggestion}"?` : ` (resources: ${names.join(', ')})`}`,
      });
      continue;
    }
    linked.set(resource, parent);
  }

  const inCycle = new Set<ResolvedResource>();
  for (const start of linked.keys()) {
    const chain: ResolvedResource[] = [start];
    let current = linked.get(start);
    while (current && !chain.includes(current)) {
      chain.push(current);
      current = linked.get(current);
    }
    if (current === start && !inCycle.has(start)) {
      for (const member of chain) inCycle.add(member);
      const names = [...chain, start].map((member) => member.info.name).join(' → ');
      issues.push({
        path: formatPath(start.path),
        message: `dependency cycle: ${names} (each resource's placeholders name the next as its parent)`,
      });
    }
  }
  for (const [child, parent] of linked) if (!inCycle.has(child)) parent.children.push(child);
}

function markNeeded(resource: ResolvedResource): boolean {
  let needed = resource.selected;
  for (const child of resource.children) needed = markNeeded(child) || needed;
  resource.needed = needed;
  return needed;
}

/** Builds every resource (defaults merged, adapters built, requests compiled) and links parents to children. */
export function resolveResources(
  read: ReadConfig,
  context: ResolveContext,
  clientPaginator: Paginator | undefined,
): { all: ResolvedResource[]; roots: ResolvedResource[] } {
  checkDuplicates(read.resources, context.issues);
  const all = read.resources
    .map((settings) => resolveResource(settings, context, clientPaginator))
    .filter((resource): resource is ResolvedResource => resource !== undefined);
  linkResources(all, context);
  checkTableNames(
    all.map((resource) => ({ ...resource.info, path: resource.path })),
    context.spelling,
    context.issues,
  );
  const roots = all.filter((resource) => resource.info.parent === undefined);
  for (const root of roots) markNeeded(root);
  return { all, roots };
}
