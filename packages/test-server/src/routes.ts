import type { RouteHandler } from './test-server-options';

/** A route handler that answers its first call with the first handler, its second with the second, and so on; the last one answers every further call. */
export function inSequence(...handlers: RouteHandler[]): RouteHandler {
  let calls = 0;
  return (request) => {
    const handler = handlers[Math.min(calls, handlers.length - 1)];
    calls += 1;
    return handler?.(request);
  };
}
