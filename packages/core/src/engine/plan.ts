import type { ResourceInfo, Source, SourcePage } from '../contracts/source';
import { ConfigError } from '../errors';
import { createEventBus } from '../events';
import { readJsonPath } from '../json-path/json-path';
import { isPlainObject } from '../source/config-keys';
import type { WorkUnit } from './engine';

type ConfigObject = Record<string, unknown>;

export interface PlanOptions {
  /** The source config as data; see `UnitJob.definition`. */
  definition: ConfigObject;
  /** The source built from `definition` (its resources, parents and write dispositions). */
  source: Source;
  /** Builds a source from a config document (the probe of a resource's total). */
  loadSource: (definition: ConfigObject) => Promise<Source>;
  /**
   * Pages per unit when a resource's paginator knows its total (offset, page_number): the resource is
   * split into ranges of this many pages. @default 20
   */
  pagesPerUnit?: number;
  signal?: AbortSignal;
}

/** Pages per unit of a resource split by page ranges when nothing else is asked for. */
export const defaultPagesPerUnit = 20;

/**
 * Plans the units of work of a run: a whole resource with its child resources; or, for a
 * top-level resource whose resources (itself and its children) have no incremental cursor, and
 * whose `offset` or `page_number` paginator's first
 * response gives the total, page ranges of `pagesPerUnit` pages (the last range is open-ended, so
 * records added since the plan are read). A range of a parent is a group of parents: the unit loads
 * those parents and every child sequence of each of them, so a parent with many children spreads
 * across workers. The ranges of a `replace` resource all load to one staging table
 * (`sharedStaging`), and a `swap` unit (`<resource>@swap`, `after` every range) swaps it in once,
 * when the last range completed. One request per split resource is made to learn its total.
 */
export async function planWorkUnits(options: PlanOptions): Promise<WorkUnit[]> {
  const pagesPerUnit = options.pagesPerUnit ?? defaultPagesPerUnit;
  const infos = options.source.resources;
  const units: WorkUnit[] = [];
  for (const root of infos.filter((info) => info.parent === undefined)) {
    const resources = [root.name, ...descendants(root.name, infos)];
    const whole: WorkUnit = { id: root.name, kind: 'resource', resource: root.name, resources };
    const paginator = splittablePaginator(
      options.definition,
      root,
      infos.filter((info) => resources.includes(info.name)),
    );
    if (!paginator) {
      units.push(whole);
      continue;
    }
    const pages = await probePageCount(options, root.name, paginator);
    const replace = infos.some(
      (info) => resources.includes(info.name) && info.writeDisposition === 'replace',
    );
    if (pages === undefined || pages <= pagesPerUnit) {
      units.push(whole);
      continue;
    }
    for (let from = 0; from < pages; from += pagesPerUnit) {
      const to = from + pagesPerUnit;
      const last = to >= pages;
      units.push({
        id: `${root.name}@${from}-${last ? 'end' : to}`,
        kind: 'pages',
        resource: root.name,
        resources,
        paginator: rangePaginator(paginator, from, last ? undefined : to),
        pages: { from, to: last ? pages : to },
        // Children carry no checkpoint of their parents' pages: the range commits once, whole.
        ...(resources.length > 1 ? { commitOnce: true } : {}),
        // `replace` rows of every range go to one staging table, swapped in once when all are done.
        ...(replace ? { sharedStaging: true } : {}),
      });
    }
    if (replace) {
      const ranges = units.filter((unit) => unit.resource === root.name).map((unit) => unit.id);
      units.push({ id: `${root.name}@swap`, kind: 'swap', resource: root.name, resources, after: ranges });
    }
  }
  return units;
}

function descendants(name: string, infos: readonly ResourceInfo[]): string[] {
  return infos
    .filter((info) => info.parent === name)
    .flatMap((child) => [child.name, ...descendants(child.name, infos)]);
}

/** The config object of the named resource (a string entry is `{ name, endpoint: name }`). */
function resourceConfig(definition: ConfigObject, name: string): ConfigObject | undefined {
  const resources = Array.isArray(definition.resources) ? definition.resources : [];
  for (const entry of resources) {
    if (entry === name) return { name, endpoint: name };
    if (isPlainObject(entry) && entry.name === name) return entry;
  }
  return undefined;
}

function endpointOf(resource: ConfigObject | undefined): ConfigObject | undefined {
  const endpoint = resource?.endpoint;
  return isPlainObject(endpoint) ? endpoint : undefined;
}

/** The paginator config the resource runs with: its own, the resource defaults', or the client's. */
function effectivePaginator(definition: ConfigObject, name: string): unknown {
  const own = endpointOf(resourceConfig(definition, name))?.paginator;
  if (own !== undefined) return own;
  const defaults = definition.resource_defaults ?? definition.resourceDefaults;
  const fromDefaults = isPlainObject(defaults) ? endpointOf(defaults)?.paginator : undefined;
  if (fromDefaults !== undefined) return fromDefaults;
  return isPlainObject(definition.client) ? definition.client.paginator : undefined;
}

/** What the planner needs of a paginator it can split: its config and how positions count. */
interface SplittablePaginator {
  config: ConfigObject;
  type: 'offset' | 'page_number';
  /** Position of the first page. */
  start: number;
  /** Records per page (offset) or 1 (page numbers). */
  step: number;
  /** Where the total is, and whether it counts records or pages. */
  totalPath: string;
  camelCase: boolean;
}

function pick(config: ConfigObject, snake: string, camel: string): unknown {
  return config[snake] ?? config[camel];
}

function splittablePaginator(
  definition: ConfigObject,
  info: ResourceInfo,
  unitResources: readonly ResourceInfo[],
): SplittablePaginator | undefined {
  const configs = unitResources.map((entry) => resourceConfig(definition, entry.name));
  const defaults = definition.resource_defaults ?? definition.resourceDefaults;
  // A resource with an incremental cursor is one unit: its cursor moves through its pages in order.
  if (JSON.stringify([configs, defaults]).includes('incremental')) return undefined;
  const config = effectivePaginator(definition, info.name);
  if (!isPlainObject(config)) return undefined;
  const camelCase = Object.keys(config).some((key) => /[A-Z]/.test(key));
  const totalPath = pick(config, 'total_path', 'totalPath');
  if (totalPath === null) return undefined;
  const path = typeof totalPath === 'string' ? totalPath : 'total';
  if (config.type === 'offset' && typeof config.limit === 'number') {
    const start = config.offset;
    return {
      config,
      type: 'offset',
      start: typeof start === 'number' ? start : 0,
      step: config.limit,
      totalPath: path,
      camelCase,
    };
  }
  if (config.type === 'page_number') {
    const base = pick(config, 'base_page', 'basePage');
    const page = config.page;
    const start = typeof page === 'number' ? page : typeof base === 'number' ? base : 0;
    return { config, type: 'page_number', start, step: 1, totalPath: path, camelCase };
  }
  return undefined;
}

/** The paginator config for pages `from` to `to` (exclusive; open-ended without `to`). */
function rangePaginator(paginator: SplittablePaginator, from: number, to: number | undefined): ConfigObject {
  const { config, start, step, camelCase } = paginator;
  const [position, maximum, maximumCamel] =
    paginator.type === 'offset'
      ? (['offset', 'maximum_offset', 'maximumOffset'] as const)
      : (['page', 'maximum_page', 'maximumPage'] as const);
  const { [maximum]: _snake, [maximumCamel]: _camel, ...rest } = config;
  return {
    ...rest,
    [position]: start + from * step,
    ...(to === undefined ? {} : { [camelCase ? maximumCamel : maximum]: start + to * step }),
  };
}

/** The source config of one unit: only its resources, and a page range's paginator. */
export function unitDefinition(definition: ConfigObject, unit: WorkUnit): ConfigObject {
  const resources = Array.isArray(definition.resources) ? definition.resources : [];
  const kept = resources.flatMap((entry): unknown[] => {
    const name = typeof entry === 'string' ? entry : isPlainObject(entry) ? entry.name : undefined;
    if (typeof name !== 'string' || !unit.resources.includes(name)) return [];
    if (unit.paginator === undefined || name !== unit.resource) return [entry];
    const config = resourceConfig(definition, name) ?? { name };
    const endpoint = config.endpoint;
    return [
      {
        ...config,
        endpoint: {
          ...(isPlainObject(endpoint) ? endpoint : { path: typeof endpoint === 'string' ? endpoint : name }),
          paginator: unit.paginator,
        },
      },
    ];
  });
  return { ...definition, resources: kept };
}

/** The number of pages the resource has, from the total in its first response; undefined when unknown. */
async function probePageCount(
  options: PlanOptions,
  name: string,
  paginator: SplittablePaginator,
): Promise<number | undefined> {
  const probe: WorkUnit = {
    id: name,
    kind: 'pages',
    resource: name,
    resources: [name],
    paginator: rangePaginator(paginator, 0, 1),
  };
  const source = await options.loadSource(unitDefinition(options.definition, probe));
  const pages = source.pages({
    events: createEventBus(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let first: SourcePage | undefined;
  for await (const page of pages) {
    first = page;
    break;
  }
  const total = first ? Number(readJsonPath(first.response.body, paginator.totalPath)) : Number.NaN;
  if (!(Number.isSafeInteger(total) && total >= 0)) return undefined;
  if (paginator.type === 'page_number') return total;
  return Math.ceil(total / paginator.step);
}

/**
 * Checks that a source config can travel to workers: plain JSON (no functions, no code-built
 * adapters, no `secret()` objects). Throws a `ConfigError` naming the first place that is not.
 */
export function assertPlainDefinition(definition: unknown): asserts definition is ConfigObject {
  const problem = findNonJson(definition, 'source');
  if (problem) {
    throw new ConfigError([
      {
        path: problem,
        message:
          'a distributed run sends the source config to its workers as data: write adapters as ' +
          '{ "type": … } objects and secrets as { "secret": "name" } (not code-built objects or functions)',
      },
    ]);
  }
}

function findNonJson(value: unknown, path: string): string | undefined {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNonJson(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return path;
  for (const [key, item] of Object.entries(value)) {
    const found = findNonJson(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
