import { apiKeyAdapter } from '@restsync/auth-api-key';
import { httpBasicAdapter } from '@restsync/auth-basic';
import { bearerAdapter } from '@restsync/auth-bearer';
import { oauth2ClientCredentialsAdapter } from '@restsync/auth-oauth2';
import { createAdapterRegistry } from '@restsync/core';
import { cursorAdapter, headerCursorAdapter } from '@restsync/paginator-cursor';
import { headerLinkAdapter, jsonLinkAdapter, jsonResponseAdapter } from '@restsync/paginator-link';
import { offsetAdapter } from '@restsync/paginator-offset';
import { pageNumberAdapter } from '@restsync/paginator-page-number';

/**
 * The paginators and auths the CLI ships with, one line each (add the package to package.json
 * too). Destinations are not here: `destination.ts` loads their package when a URL needs it. Other
 * `type`s resolve through core's resolver: official packages and third-party packages named
 * `restsync-<kind>-<name>`, installed in the project.
 */
export const bundledAdapters = createAdapterRegistry({
  adapters: [
    offsetAdapter,
    jsonLinkAdapter,
    jsonResponseAdapter,
    headerLinkAdapter,
    pageNumberAdapter,
    cursorAdapter,
    headerCursorAdapter,
    apiKeyAdapter,
    bearerAdapter,
    httpBasicAdapter,
    oauth2ClientCredentialsAdapter,
  ],
});
