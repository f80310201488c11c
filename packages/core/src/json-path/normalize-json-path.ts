/**
 * Rewrites a JSONPath as dlt writes it (jsonpath-ng's extended syntax) into RFC 9535 syntax,
 * which the engine evaluates. What changes:
 * - a path may start without `$` (`data.items`, `['@odata.nextLink']`, `[0]`);
 * - dotted names may hold `-` and `@` (`user-id`), and may be quoted (`a.'b.c'`);
 * - bracketed names may be unquoted (`[name]`), and quotes escape any character with `\`;
 * - filters may name fields without `@.` (`[?price > 10]`), and use `=`, `&` and `=~` (a regex
 *   search) besides RFC 9535's `==`, `&&`, `||` and functions.
 * Everything RFC 9535 accepts stays as it is. Throws a `JsonPathSyntaxProblem` naming what is wrong.
 */
export function normalizeJsonPath(path: string): string {
  const reader = new PathReader(path.trim());
  if (reader.atEnd()) throw new JsonPathSyntaxProblem('the path is empty');
  let output = '$';
  if (reader.peek() === '$') {
    reader.advance();
  } else if (reader.peek() !== '[' && reader.peek() !== '.') {
    output += readMember(reader, '.');
  }
  output += readSegments(reader, 'top');
  const rest = reader.text.slice(reader.position).trim().split(/\s/)[0] ?? '';
  if (unsupportedWords.has(rest)) {
    throw new JsonPathSyntaxProblem(`jsonpath-ng's "${rest}" operator is not supported; use a filter`);
  }
  if (!reader.atEnd()) throw reader.unexpected();
  return output;
}

/** A path jsonpath-ng accepts that cannot be rewritten, or a path no JSONPath accepts. */
export class JsonPathSyntaxProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPathSyntaxProblem';
  }
}

const nameCharacter = /[\w@\-\u0080-\uffff]/;
const shorthandName = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*$/;
const sliceOrIndex = /^\s*-?\d*\s*(?::\s*-?\d*\s*){0,2}$/;
const unsupportedWords = new Set(['where', 'wherenot']);

class PathReader {
  position = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.position + offset] ?? '';
  }

  advance(count = 1): string {
    const taken = this.text.slice(this.position, this.position + count);
    this.position += count;
    return taken;
  }

  skipSpaces(): void {
    while (/\s/.test(this.peek())) this.position++;
  }

  unexpected(): JsonPathSyntaxProblem {
    if (this.atEnd()) return new JsonPathSyntaxProblem('the path ends too early');
    const character = this.peek();
    if (character === '`') {
      return new JsonPathSyntaxProblem(
        "jsonpath-ng's named operators (`this`, `len`, ...) are not supported",
      );
    }
    if (character === '|') {
      return new JsonPathSyntaxProblem('a union of paths with "|" is not supported; use one path');
    }
    return new JsonPathSyntaxProblem(`unexpected "${character}" at position ${this.position + 1}`);
  }
}

function quoted(name: string): string {
  return `[${JSON.stringify(name)}]`;
}

function readName(reader: PathReader): string {
  const start = reader.position;
  while (!reader.atEnd() && nameCharacter.test(reader.peek())) reader.advance();
  const name = reader.text.slice(start, reader.position);
  if (name === '') throw reader.unexpected();
  if (unsupportedWords.has(name)) {
    throw new JsonPathSyntaxProblem(`jsonpath-ng's "${name}" operator is not supported; use a filter`);
  }
  return name;
}

function readQuotedString(reader: PathReader): string {
  const quote = reader.advance();
  let value = '';
  while (!reader.atEnd() && reader.peek() !== quote) {
    if (reader.peek() === '\\') {
      reader.advance();
      if (reader.atEnd()) break;
      const escaped = reader.advance();
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
    } else {
      value += reader.advance();
    }
  }
  if (reader.atEnd()) throw new JsonPathSyntaxProblem(`a quoted name or string is not closed (${quote})`);
  reader.advance();
  return value;
}

/** The name after `.` or `..` (or at the start of a relative path) as an RFC 9535 segment: `.name`, `.*`, `["b.c"]`, `..["b.c"]`. */
function readMember(reader: PathReader, dots: '.' | '..'): string {
  const character = reader.peek();
  if (character === '*') {
    reader.advance();
    return `${dots}*`;
  }
  const name = character === "'" || character === '"' ? readQuotedString(reader) : readName(reader);
  return memberSegment(name, dots);
}

function memberSegment(name: string, dots: '.' | '..'): string {
  if (shorthandName.test(name)) return `${dots}${name}`;
  return `${dots === '..' ? '..' : ''}${quoted(name)}`;
}

/** `.member` or `..member`, bracket selectors, repeated; stops at anything else. */
function readSegments(reader: PathReader, context: 'top' | 'filter'): string {
  let output = '';
  for (;;) {
    if (context === 'top') reader.skipSpaces();
    const character = reader.peek();
    if (character === '.' && reader.peek(1) === '.') {
      reader.advance(2);
      if (reader.peek() === '[') {
        output += `..${readBracket(reader)}`;
      } else {
        output += readMember(reader, '..');
      }
    } else if (character === '.') {
      reader.advance();
      if (reader.peek() === '[') {
        output += readBracket(reader);
      } else {
        output += readMember(reader, '.');
      }
    } else if (character === '[') {
      output += readBracket(reader);
    } else {
      return output;
    }
  }
}

/** Reads `[ ... ]` (the reader is on `[`) and returns it in RFC 9535 form. */
function readBracket(reader: PathReader): string {
  reader.advance();
  reader.skipSpaces();
  if (reader.peek() === '?') {
    reader.advance();
    const expression = readFilter(reader);
    reader.skipSpaces();
    if (reader.peek() !== ']') throw reader.unexpected();
    reader.advance();
    return `[?${expression}]`;
  }
  const selectors: string[] = [];
  for (;;) {
    reader.skipSpaces();
    const character = reader.peek();
    if (character === "'" || character === '"') {
      selectors.push(JSON.stringify(readQuotedString(reader)));
    } else if (character === '*') {
      reader.advance();
      selectors.push('*');
    } else if (/[-\d:]/.test(character)) {
      const start = reader.position;
      while (/[-\d:\s]/.test(reader.peek()) && reader.peek() !== '') reader.advance();
      const text = reader.text.slice(start, reader.position).trim();
      if (!sliceOrIndex.test(text)) throw new JsonPathSyntaxProblem(`"${text}" is not an index or a slice`);
      selectors.push(text.replace(/\s+/g, ''));
    } else if (nameCharacter.test(character)) {
      selectors.push(JSON.stringify(readName(reader)));
    } else {
      throw reader.unexpected();
    }
    reader.skipSpaces();
    if (reader.peek() === ',') {
      reader.advance();
      continue;
    }
    if (reader.peek() === ']') {
      reader.advance();
      return `[${selectors.join(',')}]`;
    }
    throw reader.unexpected();
  }
}

type FilterToken = { kind: 'operand' | 'operator' | 'open' | 'close' | 'not' | 'comma'; text: string };

const comparisons: Record<string, string> = {
  '==': '==',
  '=': '==',
  '!=': '!=',
  '<=': '<=',
  '>=': '>=',
  '<': '<',
  '>': '>',
  '=~': '=~',
  '&&': '&&',
  '&': '&&',
  '||': '||',
};

/** Reads a filter expression up to (not including) the `]` that closes its bracket. */
function readFilter(reader: PathReader): string {
  const tokens: FilterToken[] = [];
  let depth = 0;
  for (;;) {
    reader.skipSpaces();
    const character = reader.peek();
    if (reader.atEnd()) throw new JsonPathSyntaxProblem('a filter is not closed with "]"');
    if (character === ']' && depth === 0) break;
    if (character === '(') {
      reader.advance();
      depth++;
      tokens.push({ kind: 'open', text: '(' });
    } else if (character === ')') {
      reader.advance();
      depth--;
      if (depth < 0) throw reader.unexpected();
      tokens.push({ kind: 'close', text: ')' });
    } else if (character === ',') {
      reader.advance();
      tokens.push({ kind: 'comma', text: ', ' });
    } else if (character === "'" || character === '"') {
      tokens.push({ kind: 'operand', text: JSON.stringify(readQuotedString(reader)) });
    } else if (/[-\d]/.test(character) && /[\d.]/.test(reader.peek(character === '-' ? 1 : 0))) {
      const match = /^-?\d*\.?\d+(?:[eE][+-]?\d+)?/.exec(reader.text.slice(reader.position));
      if (!match) throw reader.unexpected();
      reader.advance(match[0].length);
      tokens.push({ kind: 'operand', text: match[0] });
    } else if (character === '@' || character === '$') {
      reader.advance();
      tokens.push({ kind: 'operand', text: character + readSegments(reader, 'filter') });
    } else if (character === '!' && reader.peek(1) !== '=') {
      reader.advance();
      tokens.push({ kind: 'not', text: '!' });
    } else if (/[=!<>&|~]/.test(character)) {
      const match = /^(?:=~|==|=|!=|<=|>=|<|>|&&|&|\|\|)/.exec(reader.text.slice(reader.position));
      if (!match) throw reader.unexpected();
      reader.advance(match[0].length);
      tokens.push({ kind: 'operator', text: comparisons[match[0]] ?? match[0] });
    } else if (nameCharacter.test(character)) {
      tokens.push({ kind: 'operand', text: readFilterWord(reader) });
    } else {
      throw reader.unexpected();
    }
  }
  if (depth !== 0) throw new JsonPathSyntaxProblem('a filter has an unclosed "("');
  return joinFilter(tokens);
}

/** `true`, `false`, `null`, a function call (`length(@.tags)`), or a field of the current item (`price` → `@.price`). */
function readFilterWord(reader: PathReader): string {
  const word = readName(reader);
  if (word === 'true' || word === 'false' || word === 'null') return word;
  if (reader.peek() === '(') return word;
  const rest = readSegments(reader, 'filter');
  return `@${memberSegment(word, '.')}${rest}`;
}

/** Joins filter tokens, turning `a =~ 'x'` into RFC 9535's `search(a, 'x')`. */
function joinFilter(tokens: FilterToken[]): string {
  const parts: string[] = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'operator' && token.text === '=~') {
      const left = parts.pop();
      const right = tokens[index + 1];
      if (left === undefined || right?.kind !== 'operand') {
        throw new JsonPathSyntaxProblem('"=~" needs a value on each side');
      }
      parts.push(`search(${left}, ${right.text})`);
      index++;
    } else if (token.kind === 'operator') {
      parts.push(` ${token.text} `);
    } else {
      parts.push(token.text);
    }
  }
  return parts.join('').replace(/\( /g, '(').trim();
}
