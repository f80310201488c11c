export type { OfficialAdapter } from './adapters/official-adapters';
export { isThirdPartyPackageType, officialAdapters } from './adapters/official-adapters';
export { configJsonSchema } from './config/forms';
export type {
  AdapterConfig,
  AuthConfig,
  ClientConfig,
  DltRestApiSourceConfig,
  EndpointConfig,
  PaginatorConfig,
  ParamScalar,
  ParamValue,
  ProcessingStep,
  ResolveParam,
  ResourceConfig,
  ResourceDefaultsConfig,
  RestApiSourceConfig,
  RestApiSourceOptions,
  SecretReference,
  SecretValue,
} from './config/types';
export type { Auth, AuthContext, AuthFetch, AuthFetchRequest } from './contracts/auth';
export type {
  Destination,
  DestinationCapabilities,
  DestinationOpenOptions,
  DestinationSession,
  EncodedRows,
  IncrementalCursor,
  IncrementalState,
  Lease,
  LeaseAttempt,
  LeaseHolder,
  LeaseOwner,
  LeaseRequest,
  LoadBatch,
  LoadRecord,
  ParentPosition,
  ResourceCompletion,
  ResourceLease,
  ResourceState,
  TableBatch,
  TableWriteCounts,
  WriteResult,
} from './contracts/destination';
export { resourceStateFormatVersion, tableBatchRowCount } from './contracts/destination';
export type {
  PageExpectation,
  Paginator,
  PaginatorCheckpoint,
  PaginatorInstance,
  PaginatorStep,
} from './contracts/paginator';
export { nextRequest, paginationDone, singlePage } from './contracts/paginator';
export type {
  PaginatorDetection,
  PaginatorDetectionReport,
  PaginatorDetector,
} from './contracts/paginator-detection';
export { paginatorDetectionOrder } from './contracts/paginator-detection';
export type { Page, RequestSpec, ResponseInfo } from './contracts/request';
export { withHeaders, withQuery } from './contracts/request';
export type {
  ColumnHint,
  ColumnSchema,
  ColumnType,
  ContractMode,
  MergeStrategy,
  Row,
  Scd2Settings,
  Schema,
  SchemaContract,
  TableSchema,
  WriteDisposition,
} from './contracts/schema';
export { columnTypes, systemColumns } from './contracts/schema';
export type {
  ResourceInfo,
  Source,
  SourceDefinition,
  SourcePage,
  SourceRunOptions,
} from './contracts/source';
export type { AdapterContractKind } from './contracts/specification-version';
export {
  assertSpecificationVersion,
  specificationVersion,
  specificationVersionProblem,
} from './contracts/specification-version';
export type { Engine, EngineRun, UnitJob, UnitResult, WorkUnit } from './engine/engine';
export { unitPipelineName } from './engine/engine';
export type { PlanOptions } from './engine/plan';
export { defaultPagesPerUnit, planWorkUnits, unitDefinition } from './engine/plan';
export type { UnitEnvironment } from './engine/run-unit';
export { runUnit } from './engine/run-unit';
export type { ConfigIssue, HttpErrorDetails, RestsyncErrorCode, RestsyncErrorOptions } from './errors';
export {
  AuthError,
  ConfigError,
  DestinationError,
  describeLeaseHolder,
  HttpError,
  LeaseError,
  leaseTakenOverError,
  PaginationError,
  RateLimitError,
  ResponseError,
  RestsyncError,
  RunCancelledError,
  SchemaError,
  SecretError,
} from './errors';
export type { EventBus, EventBusOptions, EventListener, LogLevel, RestsyncEvent } from './events';
export { createEventBus } from './events';
export type { ApiLimits, ApiLimitsOptions } from './http/api-limits';
export { createApiLimits } from './http/api-limits';
export type { CircuitBreakerOptions } from './http/circuit-breaker';
export { parseExactJson, stringifyExactJson } from './http/exact-json';
export type { PageContext, PaginateOptions } from './http/paginate';
export { defaultSelectRecords, paginate } from './http/paginate';
export type { RateLimitOptions } from './http/rate-limit';
export type {
  ResponseAction,
  RestClient,
  RestClientOptions,
  RetryOptions,
  SendOptions,
  SendResult,
} from './http/rest-client';
export { createRestClient } from './http/rest-client';
export type { JsonPath } from './json-path/json-path';
export { checkJsonPath, compileJsonPath, findJsonPath, readJsonPath } from './json-path/json-path';
export { normalizeIdentifier } from './normalize/identifier';
export type { Normalizer, NormalizerOptions, SchemaChange } from './normalize/normalizer';
export { createNormalizer } from './normalize/normalizer';
export { scd2ChildPart, scd2RowHash, scd2ValueText } from './normalize/scd2-row-hash';
export { migrateSchema } from './normalize/schema-migration';
export { createIsoDateTimeParts, type IsoDateTimeParts, readIsoDateTime } from './normalize/value-types';
export type { DestinationRetryOptions } from './pipeline/destination-retry';
export type { Pipeline, PipelineOptions, RunOptions } from './pipeline/pipeline';
export { pipeline } from './pipeline/pipeline';
export { migrateResourceState } from './pipeline/resource-state';
export type { LeaseOptions } from './pipeline/run-lease';
export type { ResourceRunStats, RunResult } from './pipeline/run-result';
export type { StoredStateTarget } from './pipeline/stored-state';
export { readStoredStates, resetStoredState } from './pipeline/stored-state';
export type { Redactor } from './redact';
export { createRedactor } from './redact';
export type { Secret, SecretInput, SecretResolveOptions } from './secrets';
export { isSecret, resolveSecret, secret, secretEnvName } from './secrets';
export type {
  AdapterKind,
  AdapterRegistry,
  AdapterRegistryOptions,
  AdapterTypeResolution,
  AuthFromConfig,
  PaginatorFromConfig,
} from './source/adapter-registry';
export {
  adapterPackageName,
  availableTypes,
  createAdapterRegistry,
  destinationSchemes,
  resolveDestinationUrl,
  urlScheme,
} from './source/adapter-registry';
export { didYouMean, isSecretHeader, isSecretKey } from './source/config-issues';
export { loadRestApiSource, restApiSource } from './source/rest-api-source';
export { unknownKeyIssues, unknownKeyMessage } from './source/unknown-keys';
