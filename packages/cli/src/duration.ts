const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration from the command line into milliseconds: a number with a unit (`500ms`, `30s`,
 * `2m`, `1h`, `1.5m`) or a bare number of seconds (`90`). Undefined when the text is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  const [, amount = '', unit = 's'] = match;
  return Math.round(Number(amount) * (units[unit] ?? 1_000));
}
