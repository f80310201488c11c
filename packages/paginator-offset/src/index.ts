export { fromConfig } from './from-config';
export { offset, offsetAdapter } from './offset-paginator';
export type { OffsetPaginatorOptions } from './options';
