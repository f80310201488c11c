export type { AuthConformanceOptions, TestAuthContext, TestAuthContextOptions } from './auth-suite';
export { createTestAuthContext, testAuthConformance } from './auth-suite';
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
export type { DestinationConformanceOptions } from './destination-suite';
export { testDestinationConformance } from './destination-suite';
export type { FakeResponse, PaginatorConformanceOptions } from './paginator-suite';
export { testPaginatorConformance } from './paginator-suite';
