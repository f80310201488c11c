import type { Destination, DestinationSession } from '../contracts/destination';
import { createEventBus, type EventBus, type EventListener } from '../events';
import type { Redactor } from '../redact';
import { type ResolvedDestinationRetryOptions, retryingSession } from './destination-retry';
import { secretFreeStateSession } from './state-secrets';

/** What `openRunSession` opens: the run's event bus, its retry count and its destination session. */
export interface RunSession {
  /** Redacts every event with the source's secrets before any listener sees it. */
  events: EventBus;
  /** The number of `retry` events emitted so far. */
  retries: () => number;
  /** Retries every operation; no state document reaches the destination with a secret in it. */
  session: DestinationSession;
}

/**
 * Creates the event bus of a run (or of a distributed unit) that counts retries, then opens the
 * destination under `pipeline` and `dataset` with every operation retried and every state document
 * cleaned of secrets (a next link echoing a token).
 */
export async function openRunSession(options: {
  destination: Destination;
  pipeline: string;
  dataset: string;
  redactor: Redactor;
  listeners: EventListener[];
  retry: ResolvedDestinationRetryOptions;
  signal?: AbortSignal | undefined;
}): Promise<RunSession> {
  let retries = 0;
  const events = createEventBus({
    redactor: options.redactor,
    listeners: [
      (event) => {
        if (event.type === 'retry') retries += 1;
      },
      ...options.listeners,
    ],
  });
  const session = secretFreeStateSession(
    retryingSession(
      await options.destination.open({ pipeline: options.pipeline, dataset: options.dataset }),
      {
        events,
        options: options.retry,
        signal: options.signal,
      },
    ),
    { redactor: options.redactor, events },
  );
  return { events, retries: () => retries, session };
}
