export type { DateMode } from './documents';
export { mongodbAdapter } from './mongodb-adapter';
export type {
  MongodbClientOptions,
  MongodbDestinationOptions,
  MongodbUrlOptions,
} from './mongodb-destination';
export { mongodb } from './mongodb-destination';
export type { WriteMode } from './mongodb-session';
