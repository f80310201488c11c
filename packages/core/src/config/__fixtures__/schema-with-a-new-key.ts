import { z } from 'zod';
import { clientSchema, restApiSourceConfigSchema } from '../schema';

/*
 * What adding a config key looks like: one field in schema.ts. Here the client gets `userAgent`
 * (the extend stands in for editing the client's shape in schema.ts).
 */
export const clientWithUserAgent = clientSchema.extend({
  userAgent: z.string().min(1).describe('User-Agent header sent with every request.').optional(),
});

export const configWithUserAgent = restApiSourceConfigSchema.extend({ client: clientWithUserAgent });
