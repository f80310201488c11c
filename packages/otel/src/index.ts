export type { OtelOptions, RestsyncTelemetry } from './otel';
export { extractTraceContext, otel } from './otel';
