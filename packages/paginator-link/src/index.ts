export { type HeaderLinkPaginatorOptions, headerLink, headerLinkAdapter } from './header-link';
export {
  type JsonLinkPaginatorOptions,
  jsonLink,
  jsonLinkAdapter,
  jsonResponseAdapter,
} from './json-link';
export type { HeaderLink, LinkHeaderProblem } from './link-header';
export { parseLinkHeader } from './link-header';
