export type { MongoWireServer, MongoWireServerOptions } from './mongo-wire-server';
export { startMongoWireServer } from './mongo-wire-server';
