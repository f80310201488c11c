import {
  ConfigError,
  type ConfigIssue,
  didYouMean,
  nextRequest,
  type Page,
  PaginationError,
  type Paginator,
  type PaginatorInstance,
  paginationDone,
  withQuery,
} from '@restsync/core';

/** Options of `pageNumber()`. A config file uses dlt's names: `base_page`, `page_param`, ... */
export interface PageNumberPaginatorOptions {
  /** Number of the first page (0 or 1 for most APIs). @default 0 */
  basePage?: number;
  /** Query parameter that carries the page number. @default 'page' */
  pageParam?: string;
  /**
   * Dot path in the response body to the total number of pages (`meta.pages`). Missing or null
   * means unknown: the paginator then stops at the first empty page. @default 'total'
   */
  totalPath?: string;
  /** Exclusive upper bound: no page at or above it is requested. @default undefined (no bound) */
  maximumPage?: number;
}

/** dlt's config key for each option. */
const configKeys = {
  basePage: 'base_page',
  pageParam: 'page_param',
  totalPath: 'total_path',
  maximumPage: 'maximum_page',
} as const satisfies Record<keyof PageNumberPaginatorOptions, string>;

type OptionName = (option: keyof PageNumberPaginatorOptions) => string;

interface Settings {
  basePage: number;
  pageParam: string;
  totalPath: string[];
  maximumPage: number | undefined;
}

/**
 * Page-number pagination: `?page=0`, `?page=1`, ... Stops at the first empty page, after the last
 * page when the API sends the number of pages, or before `maximumPage`.
 *
 * @example pageNumber({ basePage: 1, totalPath: 'meta.pages' })
 */
export function pageNumber(options: PageNumberPaginatorOptions = {}): Paginator {
  return build(options, (option) => option, []);
}

/**
 * Builds the paginator from a config file's `{ "type": ..., "base_page": 1, ... }`. restsync
 * calls it with `type` removed; problems are reported with the keys the user wrote.
 */
export function fromConfig(config: Record<string, unknown>): Paginator {
  const known: string[] = Object.values(configKeys);
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(config)) {
    if (key === 'type' || known.includes(key)) continue;
    const suggestion = didYouMean(key, known);
    issues.push({
      path: key,
      message: suggestion
        ? `unknown key; did you mean "${suggestion}"?`
        : `unknown key (expected one of: ${known.join(', ')})`,
    });
  }
  const options = {
    basePage: config.base_page ?? undefined,
    pageParam: config.page_param ?? undefined,
    totalPath: config.total_path ?? undefined,
    maximumPage: config.maximum_page ?? undefined,
  } as PageNumberPaginatorOptions;
  return build(options, (option) => configKeys[option], issues);
}

/** Validates every option at once: one `ConfigError` lists each problem with its path. */
function build(options: PageNumberPaginatorOptions, nameOf: OptionName, issues: ConfigIssue[]): Paginator {
  const report = (option: keyof PageNumberPaginatorOptions, message: string) =>
    issues.push({ path: nameOf(option), message });
  const basePage = options.basePage ?? 0;
  if (!Number.isSafeInteger(basePage) || basePage < 0) {
    report('basePage', `expected an integer >= 0, got ${JSON.stringify(options.basePage)}`);
  }
  const pageParam = options.pageParam ?? 'page';
  if (typeof pageParam !== 'string' || pageParam === '') {
    report('pageParam', 'expected a non-empty query parameter name');
  }
  const totalPath = options.totalPath ?? 'total';
  if (typeof totalPath !== 'string' || totalPath === '') {
    report('totalPath', 'expected a dot path such as "meta.pages"');
  }
  const maximumPage = options.maximumPage;
  if (maximumPage !== undefined && !(Number.isSafeInteger(maximumPage) && maximumPage > basePage)) {
    report('maximumPage', `expected an integer above ${nameOf('basePage')} (${basePage})`);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  const settings: Settings = { basePage, pageParam, totalPath: totalPath.split('.'), maximumPage };
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: 'page_number',
    create: () => createInstance(settings),
  });
}

/** The state of one request sequence: the engine calls `create()` for every sequence. */
function createInstance(settings: Settings): PaginatorInstance {
  let page = settings.basePage;
  let totalPages: number | undefined;

  return {
    first(request) {
      return withQuery(request, { [settings.pageParam]: page });
    },

    next(current) {
      totalPages = readTotalPages(current, settings.totalPath) ?? totalPages;
      // From here on `page` is the page after `current`: what a checkpoint resumes from.
      page += 1;
      if (current.records.length === 0) return paginationDone('empty page');
      if (totalPages !== undefined && page >= settings.basePage + totalPages) {
        return paginationDone(`last page reached (${totalPages} pages)`);
      }
      if (settings.maximumPage !== undefined && page >= settings.maximumPage) {
        return paginationDone('maximumPage reached');
      }
      return nextRequest(withQuery(current.request, { [settings.pageParam]: page }));
    },

    checkpoint() {
      return { page };
    },

    resume(checkpoint) {
      const value = checkpoint.page;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < settings.basePage) {
        throw new PaginationError(
          `page_number paginator: cannot resume from ${JSON.stringify(checkpoint)}; expected ` +
            `{ "page": <integer >= ${settings.basePage}> }. Clear the stored state of this resource to start over.`,
        );
      }
      page = value;
    },
  };
}

function readTotalPages(current: Page, path: string[]): number | undefined {
  let value: unknown = current.response.body;
  for (const key of path) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new PaginationError(
    `page_number paginator: resource "${current.resource}", page ${current.index}: the value at ` +
      `"${path.join('.')}" is not a whole number of pages. Point totalPath (total_path) at it.`,
  );
}
