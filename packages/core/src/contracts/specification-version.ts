import { ConfigError } from '../errors';

/** The contract version this engine implements. Every adapter declares the version it was written against. */
export const specificationVersion = 'v1';

/** The contract versions this engine can run. */
const supportedVersions: readonly string[] = [specificationVersion];

/** The adapter kinds that carry a `specificationVersion`. */
export type AdapterContractKind = 'paginator' | 'auth' | 'destination' | 'source';

function describeAdapter(kind: AdapterContractKind, adapter: object): string {
  const type = (adapter as { type?: unknown }).type;
  const name = (adapter as { name?: unknown }).name;
  if (typeof type === 'string' && type !== '') return `${kind} "${type}"`;
  if (kind === 'source' && typeof name === 'string' && name !== '') return `source "${name}"`;
  return kind;
}

function describeVersion(version: unknown): string {
  if (version === undefined) return 'no specificationVersion';
  if (typeof version === 'string') return `specificationVersion "${version}"`;
  return `specificationVersion ${JSON.stringify(version) ?? String(version)}`;
}

/**
 * Why the engine cannot run `adapter`, or `undefined` when it declares a supported contract
 * version. For callers that collect every config problem before throwing.
 */
export function specificationVersionProblem(kind: AdapterContractKind, adapter: unknown): string | undefined {
  const isObject = typeof adapter === 'object' && adapter !== null;
  const version = isObject ? (adapter as { specificationVersion?: unknown }).specificationVersion : undefined;
  if (typeof version === 'string' && supportedVersions.includes(version)) return undefined;
  const subject = isObject ? describeAdapter(kind, adapter) : kind;
  return (
    `${subject} declares ${describeVersion(version)}, but this version of @restsync/core supports ` +
    `specificationVersion ${supportedVersions.map((supported) => `"${supported}"`).join(', ')}. ` +
    'Upgrade @restsync/core or the adapter so both speak the same contract version'
  );
}

/**
 * Throws a `ConfigError` unless `adapter` declares a contract version this engine supports.
 * The engine calls it where an adapter enters: a destination in `pipeline()`, a source in
 * `pipeline.run()`, paginators and auths when a source is built.
 *
 * @param path where the adapter was configured (e.g. `destination`), for the message.
 */
export function assertSpecificationVersion(kind: AdapterContractKind, adapter: unknown, path = ''): void {
  const problem = specificationVersionProblem(kind, adapter);
  if (problem !== undefined) throw new ConfigError([{ path, message: problem }]);
}
