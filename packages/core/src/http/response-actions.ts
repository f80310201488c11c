/**
 * Tells the engine to accept a response instead of failing on it (dlt's `response_actions`).
 * Given fields must all match; e.g. `{ status: 404, action: 'ignore' }`.
 */
export interface ResponseAction {
  /** Matches a response with this status. */
  status?: number;
  /** Matches a response whose body contains this text. */
  content?: string;
  /** What to do with a matching response: `ignore` returns it (marked ignored) instead of throwing. */
  action: 'ignore';
}

/** Returns why the response is ignored, or undefined when no action matches. */
export function matchResponseAction(
  actions: readonly ResponseAction[] | undefined,
  status: number,
  bodyText: string,
): string | undefined {
  for (const action of actions ?? []) {
    if (action.action !== 'ignore') continue;
    if (action.status !== undefined && action.status !== status) continue;
    if (action.content !== undefined && !bodyText.includes(action.content)) continue;
    const matched = [
      action.status !== undefined ? `status ${status}` : undefined,
      action.content !== undefined ? 'body content' : undefined,
    ].filter(Boolean);
    return `${matched.length > 0 ? matched.join(' and ') : 'response'} matched a response action`;
  }
  return undefined;
}
