export { z } from 'zod';
export type {
  AdapterOptions,
  AdapterOptionsSettings,
  OptionSpelling,
} from '../adapters/adapter-options';
export { adapterOptions, describeOptionValue, snakeCase } from '../adapters/adapter-options';
export type {
  AdapterByKind,
  AdapterCreateContext,
  AdapterDefinition,
  AdapterKind,
  DefineAdapterOptions,
} from '../adapters/define-adapter';
export { defineAdapter, isAdapterDefinition } from '../adapters/define-adapter';
export { option } from '../adapters/option-schemas';
export { sleep } from '../http/retry-policy';
export type { JsonPath } from '../json-path/json-path';
export { checkJsonPath, compileJsonPath, findJsonPath, readJsonPath } from '../json-path/json-path';
export { orderedDistinct } from '../normalize/ordered-keys';
export type { FoundKey } from './find-key';
export { findKey } from './find-key';
export { parseJsonPath, writeJsonPath } from './json-path';
export type { RangePaginatorSettings } from './range-paginator';
export { rangePaginator } from './range-paginator';
export type { RequestValueTarget } from './request-values';
export { setRequestValue } from './request-values';
