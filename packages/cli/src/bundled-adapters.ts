import { apiKeyAdapter } from '@restsync/auth-api-key';
import { createAdapterRegistry } from '@restsync/core';
import { mongodbAdapter } from '@restsync/destination-mongodb';
import { postgresAdapter } from '@restsync/destination-postgres';
import { offsetAdapter } from '@restsync/paginator-offset';

/**
 * The adapters the CLI ships with, one line each (add the package to package.json too). Other
 * `type`s resolve through core's resolver: official packages and third-party packages named
 * `restsync-<kind>-<name>`, installed in the project.
 */
export const bundledAdapters = createAdapterRegistry({
  adapters: [offsetAdapter, apiKeyAdapter, postgresAdapter, mongodbAdapter],
});
