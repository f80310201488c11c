export type { MongoWireServer, MongoWireServerOptions } from './mongo-wire/mongo-wire-server';
export { startMongoWireServer } from './mongo-wire/mongo-wire-server';
export type { MockApi, MockApiOptions, RecordedCall } from './msw/mock-api';
export { mockApi } from './msw/mock-api';
export type {
  MockResponse,
  MockRoute,
  MockRouteFunction,
  MockRouteResult,
  MockRoutes,
} from './msw/mock-response';
export type { FaultKind, ReferenceApiFaults } from './reference-api/faults';
export { faultKinds, retryableFaultKinds } from './reference-api/faults';
export type { ReferenceApiOptions } from './reference-api/options';
export type { ReferenceRecord } from './reference-api/records';
export { referenceRecord, referenceRecordJson, referenceRecords } from './reference-api/records';
export type { ReferenceApi, ReferenceApiStats } from './reference-api/reference-api';
export { startReferenceApi } from './reference-api/reference-api';
