import { adapterOptions, defineAdapter, option, z } from '@restsync/core/adapter-utils';
import type { MongoClientOptions } from 'mongodb';
import { mongodb } from './mongodb-destination';

/**
 * The MongoDB destination as the resolver sees it: `mongodb://` and `mongodb+srv://` URLs load
 * here. Its options are declared once; `clientOptions` can only be passed in code.
 */
export const mongodbAdapter = defineAdapter({
  kind: 'destination',
  type: 'mongodb',
  schemes: ['mongodb', 'mongodb+srv'],
  options: adapterOptions(
    z.object({
      /** A MongoDB connection string, e.g. `mongodb://user:password@127.0.0.1:27017`. The password is never shown. */
      url: z.string().min(1),
      /** Write every dataset into this one database, prefixing each collection with `<dataset>_`. @default undefined (the dataset names the database) */
      database: option.name().optional(),
      /** How timestamps are stored: `string` as sent, or `date` as a BSON date. @default 'string' */
      dates: z.enum(['string', 'date']).optional(),
      /** Documents per `insertMany` / `bulkWrite` call. @default 1000 */
      chunkSize: option.positiveInteger().optional(),
      /** Extra driver options for the client the destination builds. @default {} */
      clientOptions: z
        .custom<MongoClientOptions>((value) => typeof value === 'object' && value !== null)
        .optional(),
    }),
    { codeOnly: ['clientOptions'] },
  ),
  create: (options) => mongodb(options),
});
