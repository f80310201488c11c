import { defineConfig } from '@restsync/cli';
import { nextRequest, type Paginator, paginationDone } from '@restsync/core';

/** Follows each page's `next` URL wherever it points, as dlt's json_link paginator does. */
const nextLink: Paginator = {
  kind: 'paginator',
  specificationVersion: 'v1',
  type: 'next_link',
  create: () => ({
    first: (request) => request,
    next: (page) => {
      const next = (page.response.body as { next?: string | null }).next;
      return next ? nextRequest({ ...page.request, url: next }) : paginationDone('no next link');
    },
  }),
};

/** An API whose next links lead to another origin; the auth comes in dlt's form from AUTH_CONFIG. */
export default defineConfig({
  pipeline: { name: 'next_link' },
  source: {
    client: {
      base_url: process.env.AUTH_API_URL ?? 'http://127.0.0.1:1',
      auth: JSON.parse(process.env.AUTH_CONFIG ?? '{}'),
    },
    resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
    resources: [
      { name: 'items', endpoint: { path: '/v1/items', data_selector: 'data', paginator: nextLink } },
    ],
  },
});
