export type { AuthConformanceOptions, TestAuthContext, TestAuthContextOptions } from './auth-suite';
export { createTestAuthContext, testAuthConformance } from './auth-suite';
export { testDestinationDispositions } from './destination-dispositions';
export type { ColumnSpec, TestTableOptions } from './destination-fixtures';
export {
  childRow,
  childTable,
  resourceState,
  rootRow,
  rootTable,
  testLoadId,
  uniqueDatasetName,
} from './destination-fixtures';
export type { DestinationConformanceOptions } from './destination-harness';
export { testDestinationLease } from './destination-lease';
export { testDestinationMerge } from './destination-merge';
export { testDestinationMergeStrategies } from './destination-merge-strategies';
export { testDestinationNames } from './destination-names';
export { testDestinationNesting } from './destination-nesting';
export { testDestinationSchemaEvolution } from './destination-schema-evolution';
export { testDestinationStateAndAtomicity } from './destination-state';
export { testDestinationConformance } from './destination-suite';
export { testDestinationWriteCounts } from './destination-write-counts';
export type { FakeResponse, PaginatorConformanceOptions } from './paginator-suite';
export { testPaginatorConformance } from './paginator-suite';
