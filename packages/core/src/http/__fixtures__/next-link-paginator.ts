import { nextRequest, type Paginator, paginationDone } from '../../contracts/paginator';

/** Follows the absolute `next` URL of each response body until it is missing or null, as dlt's json_link does. */
export function nextLinkPaginator(): Paginator {
  return {
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
}
