/**
 * A process that loads batches of 100 keys into `pglite:<directory>` until it is killed or done:
 * `node --import tsx pglite-batch-writer.ts <directory> <first id> <end id>`. Each batch stores the
 * next id to load as its state; after each write it prints `committed <next id>`. (No vitest
 * fixture here: this runs outside the test runner.)
 */
import { systemColumns, type TableSchema } from '@restsync/core';
import { postgres } from '../postgres-destination';

const [directory, first, end] = process.argv.slice(2);
const table: TableSchema = {
  name: 'items',
  resource: 'items',
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: systemColumns.loadId, type: 'text', nullable: false },
    { name: systemColumns.id, type: 'text', nullable: false },
  ],
  primaryKey: ['id'],
  writeDisposition: 'merge',
};
const session = await postgres({ url: `pglite:${directory}` }).open({ pipeline: 'p', dataset: 'killed' });
const loadId = `load-${process.pid}`;
for (let next = Number(first); next < Number(end); ) {
  const rows = Array.from({ length: 100 }, (_, index) => ({
    id: next + index,
    [systemColumns.loadId]: loadId,
    [systemColumns.id]: `row-${next + index}`,
  }));
  next += rows.length;
  await session.write({
    loadId,
    tables: [{ table, rows }],
    states: [
      {
        formatVersion: 1,
        resource: 'items',
        status: 'in_progress',
        checkpoint: { offset: next },
        loadId,
        updatedAt: new Date().toISOString(),
      },
    ],
  });
  process.stdout.write(`committed ${next}\n`);
}
await session.close();
