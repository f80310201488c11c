import { testDestinationDispositions } from './destination-dispositions';
import type { DestinationConformanceOptions } from './destination-harness';
import { testDestinationLease } from './destination-lease';
import { testDestinationMerge } from './destination-merge';
import { testDestinationMergeStrategies } from './destination-merge-strategies';
import { testDestinationNames } from './destination-names';
import { testDestinationNesting } from './destination-nesting';
import { testDestinationSchemaEvolution } from './destination-schema-evolution';
import { testDestinationStateAndAtomicity } from './destination-state';
import { testDestinationWriteCounts } from './destination-write-counts';

/**
 * Runs the whole destination contract against an adapter, one `describe` per concern:
 * dispositions (append, replace), merge, merge strategies (delete-insert, hard_delete, scd2), schema evolution (new columns, widening, variant columns,
 * schema versions), nesting, names, state and atomicity (rows and state in one transaction,
 * rerun idempotence, the state document kept whole, the loads records), and the lease (one run per
 * pipeline and dataset, takeover of an expired lease, fencing of a stale run's writes), and write
 * counts (inserted / updated per table, with `writeCounts`). Each part skips the cases
 * the destination's declared capabilities rule out (`merge: false`, `transactions: false`); each
 * test uses its own dataset. Batches are built by hand, so the suite does not depend on the
 * normalizer. Run a single part with its own function (`testDestinationMerge`, …).
 */
export function testDestinationConformance(options: DestinationConformanceOptions): void {
  testDestinationDispositions(options);
  testDestinationMerge(options);
  testDestinationMergeStrategies(options);
  testDestinationSchemaEvolution(options);
  testDestinationNesting(options);
  testDestinationNames(options);
  testDestinationStateAndAtomicity(options);
  testDestinationLease(options);
  testDestinationWriteCounts(options);
}
