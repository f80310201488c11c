import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { seedSource, writeConfig } from './cli-helpers/sync-config';
import { createWorkspace } from './cli-helpers/workspace';

// `restsync run --otel` from the built CLI, exporting with the OpenTelemetry Node SDK over OTLP/HTTP
// (JSON, chosen with the standard OTEL_EXPORTER_OTLP_PROTOCOL) to a receiver this test starts.

const apiKey = 'otel-cli-key-8d41f7c2';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: OtlpAttribute[];
}

interface OtlpTraces {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** An OTLP/HTTP JSON receiver: keeps every payload by path (`/v1/traces`, `/v1/metrics`). */
async function startOtlpReceiver(onFinished: (cleanup: () => Promise<void>) => void) {
  const payloads: { path: string; body: string }[] = [];
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        payloads.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      },
      () => response.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, payloads };
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? value?.intValue ?? value?.boolValue;
}

describe('restsync run --otel (child process)', () => {
  it('should export the run → resource → request and batch span tree and the row metrics over OTLP, with no secret in the payload', async ({
    onTestFinished,
  }) => {
    const { directory, database, dataset, run, startApi } = await createWorkspace(apiKey, (cleanup) =>
      onTestFinished(cleanup),
    );
    const receiver = await startOtlpReceiver((cleanup) => onTestFinished(cleanup));
    const api = await startApi({ records: 150, apiKey });
    const source = seedSource(api.url);
    const [first] = source.resources;
    source.resources.push({ ...first!, name: 'second_resource' });
    const config = await writeConfig(directory, 'sync.json', { source });

    const result = await run(
      ['run', config, '--otel', '--destination', database.url, '--dataset', dataset('cli_otel')],
      {
        API_KEY: apiKey,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'restsync-otel-test',
      },
    );

    expect(result.code, result.stderr).toBe(0);
    const traces = receiver.payloads.filter((payload) => payload.path === '/v1/traces');
    expect(traces.length, JSON.stringify(receiver.payloads.map((payload) => payload.path))).toBeGreaterThan(
      0,
    );
    const spans = traces.flatMap((payload) =>
      (JSON.parse(payload.body) as OtlpTraces).resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans),
      ),
    );
    const runs = spans.filter((span) => span.name === 'restsync.run');
    expect(runs).toHaveLength(1);
    const [runSpan] = runs;
    expect(attribute(runSpan!, 'restsync.dataset')).toMatch(/^cli_otel_/);
    const resources = spans.filter((span) => span.name === 'restsync.resource');
    expect(resources.map((span) => attribute(span, 'restsync.resource')).sort()).toEqual([
      'resource_name',
      'second_resource',
    ]);
    for (const resource of resources) {
      expect(resource.parentSpanId).toBe(runSpan!.spanId);
      expect(resource.traceId).toBe(runSpan!.traceId);
      const children = spans.filter((span) => span.parentSpanId === resource.spanId);
      const requests = children.filter((span) => attribute(span, 'http.request.method') === 'GET');
      // 150 records in pages of 100: two pages per resource.
      expect(requests).toHaveLength(2);
      for (const request of requests) {
        expect(attribute(request, 'http.response.status_code')).toBe(200);
        expect(attribute(request, 'url.full')).toMatch(new RegExp(`^${api.url}/v1/resource`));
      }
      expect(children.filter((span) => span.name === 'restsync.batch').length).toBeGreaterThan(0);
    }
    const metrics = receiver.payloads.filter((payload) => payload.path === '/v1/metrics');
    expect(metrics.map((payload) => payload.body).join('\n')).toContain('"restsync.rows"');
    for (const payload of receiver.payloads) expect(payload.body).not.toContain(apiKey);
  });
});
