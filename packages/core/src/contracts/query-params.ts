/**
 * Sets query parameters on an absolute URL, with exactly the result of
 * `new URL(url)`, `url.searchParams.set(name, value)` per parameter, then `url.toString()`.
 *
 * Paginators and query auth do this once or twice per page. For a URL this function returned
 * before (its query is then the form-urlencoded serialization of `URLSearchParams`, and its base
 * and fragment are `URL`'s own), the parameters are set by splicing that query: no URL is parsed
 * or serialized again. Any other URL takes the `URL` path, and its result is remembered.
 */
export function setQueryParams(url: string, params: readonly (readonly [string, string])[]): string {
  // A hit moves to the newest end, so a template a paginator uses on every page stays.
  if (!serialized.delete(url)) return viaUrl(url, params);
  serialized.add(url);
  const hashAt = url.indexOf('#');
  const end = hashAt === -1 ? url.length : hashAt;
  const queryAt = url.indexOf('?');
  let query = url.slice(queryAt + 1, end);
  for (const [name, value] of params) query = setPair(query, `${formEncoded(name)}=`, formEncoded(value));
  return remember(`${url.slice(0, queryAt)}?${query}${url.slice(end)}`);
}

/**
 * `query` (serialized pairs) with the pair of `key` (`name=`) set to `value`, as `set` does: the
 * first pair of the name takes the value, later ones go, and a new name goes last. A name found
 * once (a paginator's position, an auth's key) is replaced in the text; a repeated one through
 * the list of pairs.
 */
function setPair(query: string, key: string, value: string): string {
  const first = query.startsWith(key) ? 0 : pairStart(query, key, 0);
  if (first === -1) return `${query}&${key}${value}`;
  const after = query.indexOf('&', first);
  if (after === -1) return `${query.slice(0, first)}${key}${value}`;
  if (pairStart(query, key, after) === -1)
    return `${query.slice(0, first)}${key}${value}${query.slice(after)}`;
  const pairs = query.split('&');
  const index = pairs.findIndex((item) => item.startsWith(key));
  pairs[index] = key + value;
  for (let later = pairs.length - 1; later > index; later--) {
    if ((pairs[later] as string).startsWith(key)) pairs.splice(later, 1);
  }
  return pairs.join('&');
}

/** Where a pair starting with `key` begins after position `from` (after an `&`), or -1. */
function pairStart(query: string, key: string, from: number): number {
  for (let at = query.indexOf(key, from); at !== -1; at = query.indexOf(key, at + 1)) {
    if (at > 0 && query.charCodeAt(at - 1) === 38) return at;
  }
  return -1;
}

/**
 * Whether `url` is one `setQueryParams` returned lately: then it is exactly as `URL` writes it, and
 * parsing and writing it again would give it back unchanged.
 */
export function isSerializedUrl(url: string): boolean {
  return serialized.has(url);
}

/**
 * URLs returned by `setQueryParams` (their queries are serialized pairs), the least recently used
 * first: a `Set` iterates in insertion order.
 */
const serialized = new Set<string>();
const rememberedLimit = 256;

function remember(url: string): string {
  if (serialized.size >= rememberedLimit) serialized.delete(serialized.values().next().value as string);
  serialized.add(url);
  return url;
}

function viaUrl(url: string, params: readonly (readonly [string, string])[]): string {
  const parsed = new URL(url);
  for (const [name, value] of params) parsed.searchParams.set(name, value);
  const result = parsed.toString();
  // Without a parameter, `URL` leaves the query as it was written: not a serialized one.
  return params.length > 0 ? remember(result) : result;
}

/** Characters the form-urlencoded serializer leaves as they are. */
const unreserved = /^[A-Za-z0-9*._-]*$/;

/** One name or value as `URLSearchParams` serializes it. */
function formEncoded(text: string): string {
  if (unreserved.test(text)) return text;
  return new URLSearchParams([['', text]]).toString().slice(1);
}
