import {
  type Attributes,
  type Context,
  type Counter,
  context as contextApi,
  type Histogram,
  type Meter,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { RestsyncEvent } from '@restsync/core';
import { safeText, safeUrl, serverOf } from './safe-url';

const instrumentationName = '@restsync/otel';

export interface OtelOptions {
  /** Where spans go. @default the global tracer provider's `@restsync/otel` tracer */
  tracer?: Tracer;
  /** Where metrics go. @default the global meter provider's `@restsync/otel` meter */
  meter?: Meter;
  /**
   * The context the run span is a child of: the active one by default, or one read from a job with
   * `extractTraceContext` (a distributed engine's worker continues the trace of the run that
   * planned the job). @default context.active()
   */
  parent?: Context;
  /** Attributes on the run span, e.g. `{ 'restsync.pipeline': 'github' }`. */
  attributes?: Attributes;
}

/** One run's telemetry: pass `onEvent` to `pipeline({ onEvent })`, call `end()` when the run settles. */
export interface RestsyncTelemetry {
  /**
   * Receives the pipeline's (redacted) events and turns them into spans and metrics. Starts the run
   * span at the first event (or at `start()`). Never throws.
   */
  onEvent(event: RestsyncEvent): void;
  /** Starts the run span now (otherwise the first event starts it); returns its context. */
  start(): Context;
  /**
   * Ends every open span: the run span is `ERROR` with the error's message when one is given (a
   * failed or cancelled run), `OK` otherwise. Call it once the run's promise settled.
   */
  end(error?: unknown): void;
  /**
   * Writes the run span's trace context into `carrier` with the global propagator (W3C
   * `traceparent`), for a job a distributed engine enqueues; a worker reads it back with
   * `extractTraceContext` and passes it as `parent`.
   */
  injectTraceContext(carrier: Record<string, string>): void;
}

/** The context a carrier written by `injectTraceContext` holds (for `OtelOptions.parent`). */
export function extractTraceContext(carrier: Record<string, string>): Context {
  return propagation.extract(contextApi.active(), carrier);
}

interface OpenRequest {
  span: Span;
  startedAt: number;
  attributes: Attributes;
}

interface Instruments {
  rows: Counter;
  pages: Counter;
  retries: Counter;
  waitTime: Counter;
  batchDuration: Histogram;
  requestDuration: Histogram;
}

function createInstruments(meter: Meter): Instruments {
  return {
    rows: meter.createCounter('restsync.rows', {
      unit: '{row}',
      description: 'Rows loaded into the destination',
    }),
    pages: meter.createCounter('restsync.pages', {
      unit: '{page}',
      description: 'Pages fetched from the API',
    }),
    retries: meter.createCounter('restsync.retries', {
      unit: '{retry}',
      description: 'Requests and destination operations retried',
    }),
    waitTime: meter.createCounter('restsync.wait_time', {
      unit: 's',
      description: 'Time waited before retries (backoff and Retry-After) and for the client rate limit',
    }),
    batchDuration: meter.createHistogram('restsync.batch.duration', {
      unit: 's',
      description: 'How long the destination took to write a batch',
    }),
    requestDuration: meter.createHistogram('http.client.request.duration', {
      unit: 's',
      description: 'Duration of HTTP client requests',
    }),
  };
}

/** `GET https://host/path?q` and where it came from, as the request key (a page's URL lacks the auth's parameters). */
function requestKey(resource: string, url: string): string {
  return `${resource}\u0000${safeUrl(url, { dropRedactedParameters: true })}`;
}

/**
 * OpenTelemetry for one restsync run, from its events: a `restsync.run` span with one
 * `restsync.resource` span per resource, under which every HTTP request is a client span (HTTP
 * semantic-convention attributes, the URL without credentials) and every batch written is a
 * `restsync.batch` span. Metrics: rows, pages, retries, wait time, batch and request durations.
 * Depends only on `@opentelemetry/api`: the application chooses and configures the SDK.
 */
export function otel(options: OtelOptions = {}): RestsyncTelemetry {
  const tracer = options.tracer ?? trace.getTracer(instrumentationName);
  const instruments = createInstruments(options.meter ?? metrics.getMeter(instrumentationName));
  let runSpan: Span | undefined;
  let runContext: Context | undefined;
  let ended = false;
  const resourceSpans = new Map<string, { span: Span; context: Context }>();
  const openRequests = new Map<string, OpenRequest[]>();

  const start = (): Context => {
    if (runSpan && runContext) return runContext;
    const parent = options.parent ?? contextApi.active();
    runSpan = tracer.startSpan(
      'restsync.run',
      { kind: SpanKind.INTERNAL, ...(options.attributes ? { attributes: options.attributes } : {}) },
      parent,
    );
    runContext = trace.setSpan(parent, runSpan);
    return runContext;
  };

  const resourceSpan = (name: string) => {
    const known = resourceSpans.get(name);
    if (known) return known;
    const span = tracer.startSpan(
      'restsync.resource',
      { kind: SpanKind.INTERNAL, attributes: { 'restsync.resource': name } },
      start(),
    );
    const entry = { span, context: trace.setSpan(start(), span) };
    resourceSpans.set(name, entry);
    return entry;
  };

  const takeRequest = (resource: string, url: string): OpenRequest | undefined => {
    const key = requestKey(resource, url);
    const queue = openRequests.get(key);
    const request = queue?.shift();
    if (queue?.length === 0) openRequests.delete(key);
    return request;
  };

  const endRequest = (request: OpenRequest | undefined, attributes: Attributes, failure?: string) => {
    if (!request) return;
    request.span.setAttributes(attributes);
    if (failure !== undefined) {
      request.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    }
    request.span.end();
    instruments.requestDuration.record((Date.now() - request.startedAt) / 1000, {
      'http.request.method': request.attributes['http.request.method'] ?? 'GET',
      ...(attributes['http.response.status_code'] === undefined
        ? {}
        : { 'http.response.status_code': attributes['http.response.status_code'] }),
      ...(attributes['error.type'] === undefined ? {} : { 'error.type': attributes['error.type'] }),
    });
  };

  const handle = (event: RestsyncEvent) => {
    switch (event.type) {
      case 'request': {
        const url = safeUrl(event.url);
        const attributes: Attributes = {
          'http.request.method': event.method,
          'url.full': url,
          ...serverOf(url),
          'restsync.resource': event.resource,
          ...(event.attempt > 1 ? { 'http.request.resend_count': event.attempt - 1 } : {}),
        };
        const span = tracer.startSpan(
          event.method,
          { kind: SpanKind.CLIENT, attributes },
          resourceSpan(event.resource).context,
        );
        const key = requestKey(event.resource, event.url);
        const queue = openRequests.get(key) ?? [];
        queue.push({ span, startedAt: Date.now(), attributes });
        openRequests.set(key, queue);
        return;
      }
      case 'page':
        instruments.pages.add(1, { 'restsync.resource': event.resource });
        endRequest(takeRequest(event.resource, event.url), {
          'http.response.status_code': event.status,
          'restsync.page.index': event.index,
          'restsync.page.records': event.records,
        });
        return;
      case 'response_ignored':
        endRequest(takeRequest(event.resource, event.url), {
          'http.response.status_code': event.status,
          'restsync.response.ignored': safeText(event.reason),
        });
        return;
      case 'retry': {
        instruments.retries.add(1, { 'restsync.resource': event.resource, 'restsync.retry.target': 'api' });
        instruments.waitTime.add(event.delayMs / 1000, { 'restsync.resource': event.resource });
        const errorType = event.status === undefined ? safeText(event.reason) : String(event.status);
        endRequest(
          takeRequest(event.resource, event.url),
          {
            ...(event.status === undefined ? {} : { 'http.response.status_code': event.status }),
            'error.type': errorType,
            'restsync.retry.delay_ms': event.delayMs,
            'restsync.retry.retry_after': event.retryAfter,
          },
          safeText(event.reason),
        );
        return;
      }
      case 'rate_limit_wait':
        instruments.waitTime.add(event.waitMs / 1000, {
          'restsync.resource': event.resource,
          'restsync.wait.reason': 'rate_limit',
        });
        return;
      case 'resume':
        resourceSpan(event.resource).span.setAttribute('restsync.resumed_from', safeText(event.from));
        return;
      case 'destination_retry':
        instruments.retries.add(1, { 'restsync.retry.target': 'destination' });
        instruments.waitTime.add(event.delayMs / 1000, {});
        runSpan?.addEvent('restsync.destination_retry', {
          'restsync.operation': safeText(event.operation),
          'restsync.retry.attempt': event.attempt,
          'restsync.retry.delay_ms': event.delayMs,
          'error.type': safeText(event.reason),
        });
        return;
      case 'batch_loaded': {
        const now = Date.now();
        const durationMs = event.durationMs ?? 0;
        const span = tracer.startSpan(
          'restsync.batch',
          {
            kind: SpanKind.INTERNAL,
            startTime: now - durationMs,
            attributes: {
              'restsync.resource': event.resource,
              'restsync.batch.rows': event.rows,
              'restsync.batch.tables': Object.keys(event.tables),
            },
          },
          resourceSpan(event.resource).context,
        );
        span.end(now);
        instruments.rows.add(event.rows, { 'restsync.resource': event.resource });
        if (event.durationMs !== undefined) {
          instruments.batchDuration.record(event.durationMs / 1000, { 'restsync.resource': event.resource });
        }
        return;
      }
      case 'paginator_detected':
        resourceSpan(event.resource).span.setAttribute('restsync.paginator', event.paginator);
        return;
      case 'pagination_done':
        resourceSpan(event.resource).span.setAttribute('restsync.stop_reason', safeText(event.reason));
        return;
      case 'warning':
        resourceSpan(event.resource).span.addEvent('restsync.warning', {
          'restsync.warning.code': event.code,
          'restsync.warning.message': safeText(event.message),
        });
        return;
      case 'schema_changed':
        runSpan?.addEvent('restsync.schema_changed', {
          'restsync.table': event.table,
          'restsync.schema.version': event.version,
          'restsync.columns.added': event.added,
        });
        return;
      case 'lease_wait':
        runSpan?.addEvent('restsync.lease_wait', { 'restsync.lease.wait_ms': event.waitMs });
        return;
      case 'resource_done': {
        const entry = resourceSpan(event.resource);
        entry.span.setAttributes({ 'restsync.rows': event.rows, 'restsync.pages': event.pages });
        entry.span.setStatus({ code: SpanStatusCode.OK });
        entry.span.end();
        return;
      }
      case 'log':
        return;
    }
  };

  return {
    onEvent(event) {
      if (ended) return;
      try {
        start();
        handle(event);
      } catch {
        // Telemetry must never break a sync.
      }
    },
    start,
    end(error) {
      if (ended) return;
      ended = true;
      start();
      const message =
        error === undefined ? undefined : safeText(error instanceof Error ? error.message : String(error));
      for (const queue of openRequests.values()) {
        for (const request of queue) {
          request.span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? 'the run ended first' });
          request.span.end();
        }
      }
      openRequests.clear();
      for (const { span } of resourceSpans.values()) {
        if (span.isRecording()) {
          if (message !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message });
          span.end();
        }
      }
      if (message === undefined) runSpan?.setStatus({ code: SpanStatusCode.OK });
      else runSpan?.setStatus({ code: SpanStatusCode.ERROR, message });
      runSpan?.end();
    },
    injectTraceContext(carrier) {
      propagation.inject(start(), carrier);
    },
  };
}
