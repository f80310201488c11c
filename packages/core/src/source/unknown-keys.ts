import type { ConfigIssue } from '../errors';
import { didYouMean } from './config-issues';

/** `unknown key` plus a did-you-mean hint, or the list of the keys allowed there. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = didYouMean(key, allowed);
  if (allowed.length === 0) return 'unknown key (no options are accepted here)';
  return suggestion === undefined
    ? `unknown key (expected one of: ${allowed.join(', ')})`
    : `unknown key; did you mean "${suggestion}"?`;
}

/**
 * One issue per key of `config` that is not in `allowed` (nor in `accepted`, keys tolerated but
 * not suggested, such as `type`). Paths are relative: `limt`, or `["page size"]` for odd names.
 * Adapters use it in `fromConfig`; the core prefixes the paths with where the adapter config sits.
 */
export function unknownKeyIssues(
  config: Record<string, unknown>,
  allowed: readonly string[],
  accepted: readonly string[] = [],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(config)) {
    if (allowed.includes(key) || accepted.includes(key)) continue;
    issues.push({
      path: /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`,
      message: unknownKeyMessage(key, allowed),
    });
  }
  return issues;
}
