import { adapterOptions, defineAdapter, z } from '@restsync/core/adapter-utils';
import type { UserClient } from './client-provider';
import { postgres } from './postgres-destination';

/**
 * The Postgres destination as the resolver sees it: `postgres://`, `postgresql://` and
 * `pglite:` URLs load here. Its options are declared once; `client` can only be passed in code.
 */
export const postgresAdapter = defineAdapter({
  kind: 'destination',
  type: 'postgres',
  schemes: ['postgres', 'postgresql', 'pglite'],
  options: adapterOptions(
    z.object({
      /** `postgres://user:password@host:5432/database`, `pglite:<directory>` or `pglite:memory`. @default PGlite on disk in `.restsync/pglite` */
      url: z.string().optional(),
      /** A `pg` Pool or a PGlite instance you built; the destination never closes it. */
      client: z.custom<UserClient>((value) => typeof value === 'object' && value !== null).optional(),
    }),
    { codeOnly: ['client'] },
  ),
  create: (options) => postgres(options),
});
