export type { DatasetChangeResult, DatasetChanges } from './dataset';
export type { TestServerOptionIssue } from './errors';
export { TestServerOptionsError } from './errors';
export type { FaultKind, ReferenceApiFaults } from './faults';
export { faultKinds, retryableFaultKinds } from './faults';
export type { OAuth2Tokens } from './oauth2';
export type { ReferenceApiOptions } from './options';
export type { ServerRateLimit } from './rate-limit';
export type { ReferenceRecord } from './records';
export { referenceRecord, referenceRecordJson, referenceRecords } from './records';
export type { ReferenceApi, ReferenceApiStats } from './reference-api';
export { startReferenceApi } from './reference-api';
export { inSequence } from './routes';
export type { TestCollection, TestServer, TestServerStats } from './test-server';
export { startTestServer } from './test-server';
export type {
  AuthCheck,
  CollectionOptions,
  IncrementalOptions,
  LoggedRequest,
  OAuth2ServerOptions,
  PaginationOptions,
  RouteHandler,
  RouteReply,
  TestServerOptions,
} from './test-server-options';
