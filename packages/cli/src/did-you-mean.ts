/** Edit distance between two strings (insertions, deletions, substitutions). */
function distance(first: string, second: string): number {
  let previous = Array.from({ length: second.length + 1 }, (_, index) => index);
  for (let row = 1; row <= first.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= second.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (first[row - 1] === second[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[second.length] ?? 0;
}

/**
 * The candidate closest to `input` when it is close enough to be a typo (at most a third of its
 * length, and at most 3 edits), otherwise undefined.
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const normalized = input.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(normalized, candidate.toLowerCase());
    if (best === undefined || score < best.score) best = { candidate, score };
  }
  if (best === undefined) return undefined;
  const allowed = Math.min(3, Math.max(1, Math.floor(input.length / 3)));
  return best.score <= allowed ? best.candidate : undefined;
}

/** `unknown key` plus a did-you-mean hint or the list of the keys allowed there. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = closestMatch(key, allowed);
  return suggestion === undefined
    ? `unknown key (expected ${allowed.join(', ')})`
    : `unknown key; did you mean "${suggestion}"?`;
}
