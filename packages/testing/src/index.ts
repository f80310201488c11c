export type { MemoryDataset, MemoryDestinationOptions } from './memory-destination';
export { memoryDestination } from './memory-destination';
export type { MockApi, MockApiOptions, RecordedCall } from './msw/mock-api';
export { mockApi } from './msw/mock-api';
export type {
  MockResponse,
  MockRoute,
  MockRouteFunction,
  MockRouteResult,
  MockRoutes,
} from './msw/mock-response';
