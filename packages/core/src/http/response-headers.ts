/** The methods of `Headers`, called on a `ResponseHeaders` once it is filled. */
const base = Headers.prototype;

/** A header name `Headers` accepts (an RFC 9110 token). */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `code` is HTTP whitespace, which `Headers` strips from both ends of a value. */
function isHttpWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** `value` without leading and trailing HTTP whitespace, as `Headers` stores it. */
function normalizeValue(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start += 1;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * The headers of a response as `fetch` gives them, made from the raw name and value pairs of the
 * wire only when first read as a whole. Building a `Headers` per response cost more than the rest
 * of the response's bookkeeping, and most pages are read only for `location` and `content-type`:
 * `get` and `has` answer from the pairs, every other method fills the `Headers` first.
 */
class ResponseHeaders extends (Headers as unknown as new () => object) {
  /** Lower-case names and normalized values, alternating; undefined once filled. */
  #pairs: string[] | undefined;

  /** `raw`: names and values alternating, as they came on the wire. */
  constructor(raw: readonly string[]) {
    super();
    const pairs: string[] = [];
    for (let index = 0; index + 1 < raw.length; index += 2) {
      pairs.push((raw[index] as string).toLowerCase(), normalizeValue(raw[index + 1] as string));
    }
    this.#pairs = pairs;
  }

  #fill(): void {
    const pairs = this.#pairs;
    if (pairs === undefined) return;
    this.#pairs = undefined;
    for (let index = 0; index < pairs.length; index += 2) {
      base.append.call(this, pairs[index] as string, pairs[index + 1] as string);
    }
  }

  /** The pairs, unless `name` is one `Headers` would reject (then `Headers` itself answers, and throws). */
  #pairsFor(name: string): string[] | undefined {
    if (this.#pairs === undefined || !tokenPattern.test(name)) {
      this.#fill();
      return undefined;
    }
    return this.#pairs;
  }

  get(name: string): string | null {
    const pairs = this.#pairsFor(name);
    if (pairs === undefined) return base.get.call(this, name);
    const wanted = name.toLowerCase();
    let value: string | null = null;
    for (let index = 0; index < pairs.length; index += 2) {
      if (pairs[index] !== wanted) continue;
      const item = pairs[index + 1] as string;
      value = value === null ? item : `${value}, ${item}`;
    }
    return value;
  }

  has(name: string): boolean {
    const pairs = this.#pairsFor(name);
    if (pairs === undefined) return base.has.call(this, name);
    const wanted = name.toLowerCase();
    for (let index = 0; index < pairs.length; index += 2) if (pairs[index] === wanted) return true;
    return false;
  }

  append(name: string, value: string): void {
    this.#fill();
    base.append.call(this, name, value);
  }

  set(name: string, value: string): void {
    this.#fill();
    base.set.call(this, name, value);
  }

  delete(name: string): void {
    this.#fill();
    base.delete.call(this, name);
  }

  getSetCookie(): string[] {
    this.#fill();
    return base.getSetCookie.call(this);
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#fill();
    base.forEach.call(this, callback, thisArg);
  }

  keys(): ReturnType<Headers['keys']> {
    this.#fill();
    return base.keys.call(this);
  }

  values(): ReturnType<Headers['values']> {
    this.#fill();
    return base.values.call(this);
  }

  entries(): ReturnType<Headers['entries']> {
    this.#fill();
    return base.entries.call(this);
  }

  [Symbol.iterator](): ReturnType<Headers['entries']> {
    this.#fill();
    return base[Symbol.iterator].call(this);
  }

  /** What `console.log` and `util.inspect` show: the headers, filled. */
  [Symbol.for('nodejs.util.inspect.custom')](depth: number, options: object, inspect: unknown): unknown {
    this.#fill();
    const inherited = (Headers.prototype as unknown as Record<symbol, unknown>)[
      Symbol.for('nodejs.util.inspect.custom')
    ];
    if (typeof inherited === 'function') return inherited.call(this, depth, options, inspect);
    return Object.fromEntries(base.entries.call(this));
  }
}

/** The headers of a response from its raw names and values, alternating, as they came on the wire. */
export function responseHeaders(raw: readonly string[]): Headers {
  return new ResponseHeaders(raw) as unknown as Headers;
}
