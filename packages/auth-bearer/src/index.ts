export type { BearerAuthOptions } from './bearer-auth';
export { bearer, bearerAdapter, fromConfig } from './bearer-auth';
