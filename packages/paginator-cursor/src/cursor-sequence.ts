import {
  nextRequest,
  type Page,
  PaginationError,
  type Paginator,
  type PaginatorInstance,
  type PaginatorStep,
  paginationDone,
  type RequestSpec,
} from '@restsync/core';
import { type RequestValueTarget, setRequestValue } from '@restsync/core/adapter-utils';

/** A cursor to send, or why the sequence ends. */
export type FoundCursor = { cursor: string | number } | { done: string };

export interface CursorSequenceSettings {
  /** The paginator's `type`; starts every message. */
  type: string;
  /** Where the cursor goes. */
  target: RequestValueTarget;
  /** Sent on the first request when set. */
  initialCursor: string | number | undefined;
  /** Reads the next cursor from a page (`isFirst`: the first page of this sequence). */
  findNext(page: Page, isFirst: boolean): FoundCursor;
}

/** `<type> paginator: resource "<name>", page <index>` for messages. */
export function describePage(type: string, page: Page): string {
  return `${type} paginator: resource "${page.resource}", page ${page.index}`;
}

/**
 * A paginator that sends, with each request, the cursor the previous page gave. Every request is
 * the first one with the cursor set (as a query parameter or at a body path); the checkpoint is
 * `{ "cursor": <the next cursor> }` (none after the last page). The engine guards against an API that repeats a cursor.
 */
export function cursorSequence(settings: CursorSequenceSettings): Paginator {
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: settings.type,
    create: (): PaginatorInstance => {
      let baseRequest: RequestSpec | undefined;
      let cursor: string | number | undefined = settings.initialCursor;
      let pagesSeen = 0;
      const place = (request: RequestSpec, value: string | number): RequestSpec => {
        try {
          return setRequestValue(request, settings.target, value);
        } catch (error) {
          if (!PaginationError.isInstance(error)) throw error;
          throw new PaginationError(`${settings.type} paginator: ${error.message}`, { cause: error });
        }
      };
      return {
        first(request: RequestSpec): RequestSpec {
          baseRequest = request;
          return cursor === undefined ? request : place(request, cursor);
        },
        next(page: Page): PaginatorStep {
          const found = settings.findNext(page, pagesSeen === 0);
          pagesSeen += 1;
          if ('done' in found) {
            cursor = undefined;
            return paginationDone(found.done);
          }
          cursor = found.cursor;
          return nextRequest(place(baseRequest ?? page.request, cursor));
        },
        checkpoint() {
          // After the last page there is nothing to resume to.
          return cursor === undefined ? undefined : { cursor };
        },
        resume(checkpoint) {
          const value = checkpoint?.cursor;
          if (typeof value !== 'string' && typeof value !== 'number') {
            throw new PaginationError(
              `${settings.type} paginator: cannot resume from checkpoint ${JSON.stringify(checkpoint)?.slice(0, 200)}; ` +
                'expected { "cursor": <string or number> }. Clear the stored state of this resource to start over.',
            );
          }
          cursor = value;
        },
      };
    },
  });
}
