/** One link of an RFC 8288 `Link` header: its target and its relation types (lower case). */
export interface HeaderLink {
  /** The URI reference between `<` and `>`, as written (may be relative). */
  target: string;
  /** The relation types of the first `rel` parameter, lower case (`rel="next last"` → `['next', 'last']`). */
  relations: string[];
}

/** Where and why a `Link` header could not be read. */
export interface LinkHeaderProblem {
  /** 1-based character position. */
  position: number;
  /** What was expected there, e.g. `">" to close the URI`. */
  expected: string;
}

const tokenCharacter = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Reads an RFC 8288 `Link` header (`<https://api.example.com/items?page=2>; rel="next", <…>; rel="last"`).
 * Commas and semicolons inside `<…>` and inside quoted strings are part of the value. Returns the
 * links, or the first problem found when the header does not follow the grammar.
 */
export function parseLinkHeader(header: string): HeaderLink[] | LinkHeaderProblem {
  const links: HeaderLink[] = [];
  let position = 0;
  const at = () => header[position];
  const skipWhitespace = () => {
    while (at() === ' ' || at() === '\t') position += 1;
  };
  const problem = (expected: string): LinkHeaderProblem => ({ position: position + 1, expected });

  const readToken = (): string => {
    const start = position;
    while (position < header.length && tokenCharacter.test(header[position] ?? '')) position += 1;
    return header.slice(start, position);
  };

  const readQuoted = (): string | undefined => {
    position += 1;
    let value = '';
    while (position < header.length) {
      const character = header[position];
      if (character === '"') {
        position += 1;
        return value;
      }
      if (character === '\\') position += 1;
      value += header[position] ?? '';
      position += 1;
    }
    return undefined;
  };

  while (position < header.length) {
    skipWhitespace();
    if (at() === ',') {
      position += 1;
      continue;
    }
    if (position >= header.length) break;
    if (at() !== '<') return problem('"<" to open a link target');
    const close = header.indexOf('>', position);
    if (close === -1) return problem('">" to close the link target');
    const target = header.slice(position + 1, close).trim();
    position = close + 1;
    let relations: string[] | undefined;
    while (true) {
      skipWhitespace();
      if (position >= header.length || at() === ',') break;
      if (at() !== ';') return problem('";" before a parameter or "," before the next link');
      position += 1;
      skipWhitespace();
      const name = readToken().toLowerCase();
      if (name === '') return problem('a parameter name such as rel');
      skipWhitespace();
      let value = '';
      if (at() === '=') {
        position += 1;
        skipWhitespace();
        if (at() === '"') {
          const opening = position;
          const quoted = readQuoted();
          if (quoted === undefined) {
            position = opening;
            return problem('a closing quote for the value that starts');
          }
          value = quoted;
        } else {
          value = readToken();
          if (value === '') return problem(`a value for the parameter "${name}"`);
        }
      }
      // RFC 8288: only the first rel parameter counts.
      if (name === 'rel' && relations === undefined) {
        relations = value.toLowerCase().split(/\s+/).filter(Boolean);
      }
    }
    links.push({ target, relations: relations ?? [] });
  }
  return links;
}

/** Whether `parseLinkHeader` returned a problem rather than links. */
export function isLinkHeaderProblem(result: HeaderLink[] | LinkHeaderProblem): result is LinkHeaderProblem {
  return !Array.isArray(result);
}
