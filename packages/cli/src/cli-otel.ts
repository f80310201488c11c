import { ConfigError, type RestsyncEvent } from '@restsync/core';

/** `--otel`: the run's telemetry, exported over OTLP by the OpenTelemetry Node SDK. */
export interface CliTelemetry {
  onEvent(event: RestsyncEvent): void;
  /** Ends the run's spans (with the error of a failed run) and flushes the exporters. Never throws. */
  end(error?: unknown): Promise<void>;
}

/** The command that installs what `--otel` needs (both are optional peers of the CLI). */
const otelInstallCommand = 'npm install @restsync/otel @opentelemetry/sdk-node';

async function load<Module>(packageName: string, importModule: () => Promise<Module>): Promise<Module> {
  try {
    return await importModule();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    throw new ConfigError(
      [
        {
          path: '--otel',
          message: missing
            ? `needs ${packageName}, which is not installed: ${otelInstallCommand}`
            : `could not load ${packageName}: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      { cause: error },
    );
  }
}

/**
 * Starts the OpenTelemetry Node SDK (configured by the standard `OTEL_*` variables:
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_EXPORTER_OTLP_HEADERS`,
 * `OTEL_SERVICE_NAME`, ...) and `@restsync/otel` on the run's events. Both are optional packages,
 * loaded only with `--otel`; a missing one is a `ConfigError` with the install command.
 */
export async function startCliTelemetry(options: {
  env: Record<string, string | undefined>;
  pipeline: string;
  dataset: string;
}): Promise<CliTelemetry> {
  const { otel } = await load('@restsync/otel', () => import('@restsync/otel'));
  const { NodeSDK } = await load('@opentelemetry/sdk-node', () => import('@opentelemetry/sdk-node'));
  const sdk = new NodeSDK({ serviceName: options.env.OTEL_SERVICE_NAME ?? 'restsync' });
  sdk.start();
  const telemetry = otel({
    attributes: { 'restsync.pipeline': options.pipeline, 'restsync.dataset': options.dataset },
  });
  telemetry.start();
  return {
    onEvent: (event) => telemetry.onEvent(event),
    async end(error) {
      telemetry.end(error);
      await sdk.shutdown().catch(() => undefined);
    },
  };
}
