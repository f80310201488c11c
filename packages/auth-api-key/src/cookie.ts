import { ConfigError } from '@restsync/core';

/**
 * Returns a Cookie header with `name=value` set: an existing cookie of that name is replaced,
 * every other cookie is kept in its place. `keyPath` names the option in the error raised when
 * the value cannot be sent as a cookie (the value itself is never shown).
 */
export function setCookie(
  existing: string | undefined,
  name: string,
  value: string,
  keyPath: string,
): string {
  if (!/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/.test(value)) {
    throw new ConfigError([
      {
        path: keyPath,
        message:
          'the API key contains characters a cookie value cannot hold (whitespace, quotes, commas, ' +
          'semicolons, backslashes or non-ASCII); send it with location "header" or "query"',
      },
    ]);
  }
  const cookies = (existing ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const position = cookies.findIndex((part) => part.split('=', 1)[0]?.trim() === name);
  if (position === -1) cookies.push(`${name}=${value}`);
  else cookies[position] = `${name}=${value}`;
  return cookies.join('; ');
}
