export type { PageNumberPaginatorOptions } from './options';
export { pageNumber, pageNumberAdapter } from './page-number-paginator';
