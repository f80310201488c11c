export type { UserClient as PostgresClient } from './client-provider';
export { postgresAdapter } from './postgres-adapter';
export type { PostgresDestinationOptions } from './postgres-destination';
export { postgres } from './postgres-destination';
