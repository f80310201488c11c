export { fromConfig } from './from-config';
export { offset } from './offset-paginator';
export type { OffsetPaginatorOptions } from './options';
