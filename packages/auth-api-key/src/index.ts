export type { ApiKeyAuthOptions, ApiKeyLocation } from './api-key-auth';
export { apiKey } from './api-key-auth';
export { apiKeyAdapter, fromConfig } from './from-config';
