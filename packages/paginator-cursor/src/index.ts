export type { CursorPaginatorOptions, HeaderCursorPaginatorOptions } from './cursor-options';
export { cursor, cursorAdapter } from './cursor-paginator';
export { headerCursor, headerCursorAdapter } from './header-cursor-paginator';
