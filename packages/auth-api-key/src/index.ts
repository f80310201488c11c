export type { ApiKeyAuthOptions, ApiKeyLocation } from './api-key-auth';
export { apiKey } from './api-key-auth';
export { fromConfig } from './from-config';
