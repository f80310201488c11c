import { describe, expect, it } from 'vitest';
import type { ResourceInfo, Source, SourcePage } from '../contracts/source';
import { createRedactor } from '../redact';
import { memoryDestination } from './__fixtures__/memory-destination';
import { pipeline } from './pipeline';

const resources: ResourceInfo[] = [
  { name: 'parents', primaryKey: [], writeDisposition: 'append', nested: 'flatten' },
  { name: 'kids', primaryKey: [], writeDisposition: 'append', nested: 'flatten', parent: 'parents' },
];

function page(resource: string, index: number, records: Record<string, unknown>[]): SourcePage {
  const url = `http://api.test/${resource}/${index}`;
  return {
    resource,
    index,
    request: { method: 'GET', url, headers: {} },
    response: { status: 200, headers: new Headers(), body: records },
    records,
  };
}

/** Three page trees: a page of two parents, then one page of two kids per parent. */
function treeSource(): Source {
  return {
    kind: 'source',
    specificationVersion: 'v1',
    name: 'trees',
    resources,
    redactor: createRedactor([]),
    async *pages() {
      for (let tree = 0; tree < 3; tree += 1) {
        const ids = [tree * 2 + 1, tree * 2 + 2];
        yield {
          ...page(
            'parents',
            tree,
            ids.map((id) => ({ id })),
          ),
          tree: { root: 'parents' },
        };
        for (const [position, id] of ids.entries()) {
          const kids = page('kids', id, [{ parent: id }, { parent: id }]);
          const last = position === ids.length - 1;
          yield {
            ...kids,
            tree: last ? { root: 'parents', end: { checkpoint: { offset: ids[1] } } } : { root: 'parents' },
          };
        }
      }
    },
  };
}

describe('page trees in the pipeline', () => {
  // Regression: a batch could commit a parent's page with part of its children and no checkpoint,
  // so the rerun loaded the parent page and the committed children again.
  it('should commit each page tree whole with the parent checkpoint, even when a batch fills up inside it', async () => {
    const destination = memoryDestination();

    await pipeline({ name: 'test', destination, batchSize: 1 }).run(treeSource());

    expect(
      destination.store.batches.map((batch) => ({
        rows: Object.fromEntries(batch.tables.map((entry) => [entry.table.name, entry.rows.length])),
        checkpoint: batch.states.find((state) => state.resource === 'parents')?.checkpoint,
      })),
    ).toEqual([
      { rows: { parents: 2, kids: 4 }, checkpoint: { offset: 2 } },
      { rows: { parents: 2, kids: 4 }, checkpoint: { offset: 4 } },
      { rows: { parents: 2, kids: 4 }, checkpoint: { offset: 6 } },
    ]);
  });

  // Regression: a page tree being held had no byte cap, so the rows of other resources that came
  // while it was open stayed in memory beside it until the tree's last page.
  it('should write the rows held beside an open page tree once the tree reaches batchBytes', async () => {
    const destination = memoryDestination();
    const wide = 'x'.repeat(2_000);
    const source: Source = {
      ...treeSource(),
      resources: [
        ...resources,
        { name: 'events', primaryKey: [], writeDisposition: 'append', nested: 'flatten' },
      ],
      async *pages() {
        yield page('events', 0, [{ id: 1 }]);
        yield { ...page('parents', 0, [{ id: 1, text: wide }]), tree: { root: 'parents' } };
        yield page('events', 1, [{ id: 2 }]);
        yield {
          ...page('kids', 1, [{ parent: 1, text: wide }]),
          tree: { root: 'parents', end: { checkpoint: { offset: 1 } } },
        };
      },
    };

    await pipeline({ name: 'test', destination, batchBytes: 1_000 }).run(source);

    expect(
      destination.store.batches.map((batch) =>
        Object.fromEntries(batch.tables.map((entry) => [entry.table.name, entry.rows.length])),
      ),
    ).toEqual([{ events: 1 }, { events: 1 }, { parents: 1, kids: 1 }]);
  });
});
