export type { OAuth2ClientCredentialsOptions } from './oauth2-auth';
export { fromConfig, oauth2ClientCredentials, oauth2ClientCredentialsAdapter } from './oauth2-auth';
