/**
 * The cancellation of one request attempt, without an `AbortController` per attempt.
 *
 * Node's `AbortController` and `EventTarget` listeners cost more per page than the rest of a
 * page's request bookkeeping: a 5 000-page profile spent 0.13 s of CPU creating a controller per
 * attempt and adding and removing its listeners. A scope is a flag, a reason and a small set of
 * callbacks; it makes an `AbortSignal` only when something asks for one (a `fetch` transport).
 */
export class AbortScope {
  #aborted = false;
  #reason: unknown;
  #listeners: Set<(reason: unknown) => void> | undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why the scope aborted; undefined while it has not. */
  get reason(): unknown {
    return this.#reason;
  }

  /** An `AbortSignal` that aborts with this scope (with its reason), made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /**
   * Calls `listener` once, with the reason, when the scope aborts; at once if it already has.
   * Returns a function that removes the listener.
   */
  onAbort(listener: (reason: unknown) => void): () => void {
    if (this.#aborted) {
      listener(this.#reason);
      return noop;
    }
    this.#listeners ??= new Set();
    this.#listeners.add(listener);
    return () => this.#listeners?.delete(listener);
  }

  /** Aborts the scope: the first reason wins, later calls do nothing. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }
}

function noop(): void {}

const signalScopes = new WeakMap<AbortSignal, AbortScope>();

/**
 * The scope that aborts with `signal`. One listener on the signal for its whole life, however many
 * attempts it covers: each attempt then costs a set entry, not an `EventTarget` listener.
 */
export function scopeOfSignal(signal: AbortSignal): AbortScope {
  let scope = signalScopes.get(signal);
  if (scope === undefined) {
    const created = new AbortScope();
    if (signal.aborted) created.abort(signal.reason);
    else signal.addEventListener('abort', () => created.abort(signal.reason), { once: true });
    signalScopes.set(signal, created);
    scope = created;
  }
  return scope;
}

/** The error an attempt aborts with when its time runs out (as `AbortController.abort()` makes one). */
export function timeoutAbortReason(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}
