export type { HttpBasicAuthOptions } from './basic-auth';
export { fromConfig, httpBasic, httpBasicAdapter } from './basic-auth';
