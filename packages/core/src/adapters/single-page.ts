import { z } from 'zod';
import { singlePage } from '../contracts/paginator';
import { defineAdapter } from './define-adapter';

/** `{ "type": "single_page" }` (or `"single_page"`): one request, no options. Built into core. */
export const singlePageAdapter = defineAdapter({
  kind: 'paginator',
  type: 'single_page',
  options: z.object({}),
  create: () => singlePage(),
});
