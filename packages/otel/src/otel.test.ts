import { propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { apiKey } from '@restsync/auth-api-key';
import { type EventListener, pipeline, restApiSource, secret } from '@restsync/core';
import { postgres } from '@restsync/destination-postgres';
import { offset } from '@restsync/paginator-offset';
import { type ReferenceApi, startReferenceApi } from '@restsync/test-server';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTraceContext, otel } from './index';

const key = 'otel-secret-key-7f3a9c21';
const apis: ReferenceApi[] = [];
process.env.OTEL_TEST_API_KEY = key;

afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

function telemetrySetup() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracer: tracerProvider.getTracer('test'),
    meter: meterProvider.getMeter('test'),
    spans,
    async metricSums(): Promise<Record<string, number>> {
      await reader.forceFlush();
      const sums: Record<string, number> = {};
      for (const batch of metricExporter.getMetrics()) {
        for (const scope of batch.scopeMetrics) {
          for (const metric of scope.metrics) {
            sums[metric.descriptor.name] = metric.dataPoints.reduce((sum, point) => {
              const value = point.value as number | { sum?: number; count?: number };
              return sum + (typeof value === 'number' ? value : (value.count ?? 0));
            }, 0);
          }
        }
      }
      return sums;
    },
  };
}

/** Two resources over the reference API (the key in the query), the second request answered 503 once. */
async function runTwoResources(onEvent: EventListener) {
  const api = await startReferenceApi({ records: 25, apiKey: key, script: { 2: '503' } });
  apis.push(api);
  const source = restApiSource({
    client: {
      baseUrl: api.url,
      auth: apiKey({ name: 'api_key', apiKey: secret('otel_test_api_key'), location: 'query' }),
      retry: { initialDelayMs: 10 },
    },
    resourceDefaults: {
      primaryKey: 'id',
      endpoint: { dataSelector: 'data', paginator: offset({ limit: 10 }) },
    },
    resources: [
      { name: 'first', endpoint: { path: '/v1/resource' } },
      { name: 'second', endpoint: { path: '/v1/resource' } },
    ],
  });
  return pipeline({
    name: 'otel_test',
    dataset: 'otel_test',
    destination: postgres({ url: 'pglite:memory' }),
    onEvent,
  }).run(source);
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}

describe('otel', () => {
  it('should export the span tree run → resource → requests and batches, with a retried request', async () => {
    const setup = telemetrySetup();
    const telemetry = otel({ tracer: setup.tracer, meter: setup.meter });
    const result = await runTwoResources(telemetry.onEvent);
    telemetry.end();
    const spans = setup.spans.getFinishedSpans();

    const runs = spans.filter((span) => span.name === 'restsync.run');
    expect(runs).toHaveLength(1);
    const run = runs[0] as ReadableSpan;
    expect(run.status.code).toBe(SpanStatusCode.OK);
    const resources = childrenOf(spans, run);
    expect(resources.map((span) => [span.name, span.attributes['restsync.resource']]).sort()).toEqual([
      ['restsync.resource', 'first'],
      ['restsync.resource', 'second'],
    ]);
    for (const resource of resources) {
      const name = resource.attributes['restsync.resource'] as string;
      const children = childrenOf(spans, resource);
      const requests = children.filter((span) => span.kind === SpanKind.CLIENT);
      const batches = children.filter((span) => span.name === 'restsync.batch');
      expect(requests.length, name).toBeGreaterThanOrEqual(3);
      for (const request of requests) {
        expect(request.name).toBe('GET');
        expect(request.attributes['http.request.method']).toBe('GET');
        expect(request.attributes['url.full']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/resource\?/);
        expect(request.attributes['server.address']).toBe('127.0.0.1');
      }
      const rows = batches.reduce((sum, span) => sum + Number(span.attributes['restsync.batch.rows']), 0);
      expect(rows, name).toBe(result.resources[name]?.rows);
      expect(resource.attributes['restsync.rows']).toBe(25);
    }
    // The scripted 503 (request 2): one failed attempt, then the same URL again with a resend count.
    const failed = spans.filter(
      (span) => span.kind === SpanKind.CLIENT && span.status.code === SpanStatusCode.ERROR,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.attributes['http.response.status_code']).toBe(503);
    expect(failed[0]?.attributes['error.type']).toBe('503');
    const resent = spans.filter((span) => span.attributes['http.request.resend_count'] === 1);
    expect(resent).toHaveLength(1);
    expect(resent[0]?.attributes['url.full']).toBe(failed[0]?.attributes['url.full']);
    expect(resent[0]?.attributes['http.response.status_code']).toBe(200);

    const sums = await setup.metricSums();
    expect(sums['restsync.rows']).toBe(50);
    expect(sums['restsync.pages']).toBe(result.pages);
    expect(sums['restsync.retries']).toBe(1);
    expect(sums['restsync.wait_time']).toBeGreaterThan(0);
    expect(sums['restsync.batch.duration']).toBeGreaterThanOrEqual(2);
    expect(sums['http.client.request.duration']).toBe(
      spans.filter((span) => span.kind === SpanKind.CLIENT).length,
    );
  });

  it('should put no secret in any span name, attribute, event or status', async () => {
    const setup = telemetrySetup();
    const telemetry = otel({ tracer: setup.tracer, meter: setup.meter });
    await runTwoResources(telemetry.onEvent);
    telemetry.end(new Error(`failed at http://user:${key}@example.com/x?api_key=${key}`));
    const spans = setup.spans.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(6);
    const exported = JSON.stringify(
      spans.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      })),
    );
    expect(exported).not.toContain(key);
    expect(exported).toContain('api_key=***');
  });

  it('should count client rate-limit waits in restsync.wait_time and mark where a resumed resource continued', async () => {
    const setup = telemetrySetup();
    const telemetry = otel({ tracer: setup.tracer, meter: setup.meter });
    telemetry.onEvent({ type: 'resume', resource: 'issues', from: 'offset 5000 (load 1 interrupted)' });
    telemetry.onEvent({ type: 'rate_limit_wait', resource: 'issues', waitMs: 1500 });
    telemetry.onEvent({ type: 'rate_limit_wait', resource: 'issues', waitMs: 500 });
    telemetry.onEvent({ type: 'resource_done', resource: 'issues', rows: 0, pages: 0 });
    telemetry.end();
    const sums = await setup.metricSums();
    expect(sums['restsync.wait_time']).toBe(2);
    const resource = setup.spans.getFinishedSpans().find((span) => span.name === 'restsync.resource');
    expect(resource?.attributes['restsync.resumed_from']).toBe('offset 5000 (load 1 interrupted)');
  });

  it('should end open spans with an error when the run fails, and carry the trace context into a job', () => {
    const setup = telemetrySetup();
    const telemetry = otel({ tracer: setup.tracer, meter: setup.meter });
    telemetry.onEvent({
      type: 'request',
      resource: 'r',
      method: 'GET',
      url: 'https://api.example.com/r',
      attempt: 1,
    });
    const carrier: Record<string, string> = {};
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    telemetry.injectTraceContext(carrier);
    telemetry.end(new Error('HTTP 500'));
    propagation.disable();
    const spans = setup.spans.getFinishedSpans();
    expect(spans.map((span) => [span.name, span.status.code])).toEqual([
      ['GET', SpanStatusCode.ERROR],
      ['restsync.resource', SpanStatusCode.ERROR],
      ['restsync.run', SpanStatusCode.ERROR],
    ]);
    const run = spans[2]?.spanContext();
    expect(carrier.traceparent).toBe(`00-${run?.traceId}-${run?.spanId}-01`);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const worker = otel({ tracer: setup.tracer, meter: setup.meter, parent: extractTraceContext(carrier) });
    worker.start();
    worker.end();
    propagation.disable();
    const continued = setup.spans.getFinishedSpans().at(-1);
    expect(continued?.spanContext().traceId).toBe(run?.traceId);
    expect(continued?.parentSpanContext?.spanId).toBe(run?.spanId);
  });
});
