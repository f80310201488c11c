import type { PaginatorCheckpoint } from '../../contracts/paginator';
import type { ResourceInfo, Source, SourcePage, SourceRunOptions } from '../../contracts/source';
import { createRedactor } from '../../redact';

export interface MemorySourceOptions {
  resource?: Partial<ResourceInfo>;
  /** Records per page. */
  pageSize: number;
  records: Record<string, unknown>[];
  /** Emitted as a retry event before the first page, to test counting. */
  retries?: number;
  /** Throw instead of yielding this page (0-based), as a failing API would. */
  failAtPage?: number;
}

/** A one-resource source that serves records from memory with offset checkpoints. */
export function memorySource(options: MemorySourceOptions): Source & { startedFrom: PaginatorCheckpoint[] } {
  const resource: ResourceInfo = {
    name: 'items',
    primaryKey: ['id'],
    writeDisposition: 'merge',
    nested: 'flatten',
    ...options.resource,
  };
  const startedFrom: PaginatorCheckpoint[] = [];
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'memory',
    resources: [resource],
    redactor: createRedactor(['secret-value']),
    startedFrom,
    async *pages(run: SourceRunOptions): AsyncGenerator<SourcePage> {
      const checkpoint = run.checkpoints?.[resource.name];
      startedFrom.push(checkpoint ?? {});
      for (let attempt = 1; attempt <= (options.retries ?? 0); attempt += 1) {
        run.events.emit({
          type: 'retry',
          resource: resource.name,
          method: 'GET',
          url: 'http://api.test/items?key=secret-value',
          attempt,
          reason: 'HTTP 503',
          status: 503,
          delayMs: 0,
          retryAfter: false,
        });
      }
      let offset = typeof checkpoint?.offset === 'number' ? checkpoint.offset : 0;
      let index = 0;
      while (offset < options.records.length) {
        if (index === options.failAtPage) throw new Error(`API failed at page ${index}`);
        const records = options.records.slice(offset, offset + options.pageSize);
        offset += records.length;
        const url = `http://api.test/items?offset=${offset - records.length}`;
        run.events.emit({
          type: 'page',
          resource: resource.name,
          index,
          url,
          status: 200,
          records: records.length,
        });
        yield {
          resource: resource.name,
          index,
          request: { method: 'GET', url, headers: {} },
          response: { status: 200, headers: new Headers(), body: records },
          records,
          checkpoint: { offset },
        };
        index += 1;
      }
    },
  };
}
