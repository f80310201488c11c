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
  const pairs = url.slice(queryAt + 1, end).split('&');
  for (const [name, value] of params) {
    const key = `${formEncoded(name)}=`;
    const pair = key + formEncoded(value);
    const first = pairs.findIndex((item) => item.startsWith(key));
    if (first === -1) {
      pairs.push(pair);
      continue;
    }
    pairs[first] = pair;
    // `set` keeps the first pair of the name and removes the others.
    for (let index = pairs.length - 1; index > first; index--) {
      if ((pairs[index] as string).startsWith(key)) pairs.splice(index, 1);
    }
  }
  return remember(`${url.slice(0, queryAt)}?${pairs.join('&')}${url.slice(end)}`);
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
