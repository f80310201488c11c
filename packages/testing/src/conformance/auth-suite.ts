import { inspect } from 'node:util';
import type { Auth, RequestSpec } from '@restsync/core';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from './paginator-suite';

export interface AuthConformanceOptions {
  /** Shown in the suite name: `<name>: auth conformance`. */
  name: string;
  /** Returns the auth under test, holding the secrets in `secretValues`. */
  create: () => Auth;
  /** Every secret value the auth holds (key, token, password...). */
  secretValues: string[];
  /** Whether the request carries this auth's credentials. */
  hasCredentials: (request: RequestSpec) => boolean;
  /**
   * A request without credentials to apply the auth to.
   * @default POST https://api.example.test/items?filter=active with an `accept` header and a JSON body
   */
  request?: RequestSpec;
}

/**
 * Runs the auth contract against an adapter: credentials are added, the input is left alone,
 * applying twice changes nothing, and every secret is declared so the engine can redact it.
 */
export function testAuthConformance(options: AuthConformanceOptions): void {
  const baseRequest: RequestSpec = options.request ?? {
    method: 'POST',
    url: 'https://api.example.test/items?filter=active',
    headers: { accept: 'application/json' },
    json: { query: { status: 'active' } },
  };
  const fresh = () => structuredClone(baseRequest);

  describe(`${options.name}: auth conformance`, () => {
    it('type - should be a non-empty string', () => {
      const auth = options.create();
      expect(auth.kind).toBe('auth');
      expect(typeof auth.type).toBe('string');
      expect(auth.type.length).toBeGreaterThan(0);
    });

    it('apply - should add credentials', async () => {
      expect(options.hasCredentials(fresh()), 'the base request must not carry credentials').toBe(false);
      const applied = await options.create().apply(fresh());
      expect(options.hasCredentials(applied)).toBe(true);
    });

    it('apply - should not mutate the input request', async () => {
      const input = deepFreeze(fresh());
      await options.create().apply(input);
      expect(input).toEqual(baseRequest);
      expect(options.hasCredentials(input)).toBe(false);
    });

    it('apply - should keep the method, body, other headers and query parameters', async () => {
      const applied = await options.create().apply(fresh());
      expect(applied.method).toBe(baseRequest.method);
      expect(applied.json).toEqual(baseRequest.json);
      expect(applied.headers).toMatchObject(baseRequest.headers);
      const expected = new URL(baseRequest.url);
      const actual = new URL(applied.url);
      expect(actual.origin + actual.pathname).toBe(expected.origin + expected.pathname);
      for (const [key, value] of expected.searchParams) expect(actual.searchParams.get(key)).toBe(value);
    });

    it('apply - should be idempotent', async () => {
      const auth = options.create();
      const once = await auth.apply(fresh());
      const twice = await auth.apply(once);
      expect(twice).toEqual(once);
    });

    it('secrets - should list every secret value', async () => {
      const auth = options.create();
      const before = auth.secrets();
      for (const value of options.secretValues) expect(before).toContain(value);
      await auth.apply(fresh());
      const after = auth.secrets();
      for (const value of options.secretValues) expect(after).toContain(value);
    });

    it('secrets - should not expose a secret through JSON.stringify or inspect', async () => {
      const auth = options.create();
      await auth.apply(fresh());
      const shown = `${JSON.stringify(auth)} ${inspect(auth, { depth: 5, showHidden: true })}`;
      for (const value of options.secretValues) expect(shown).not.toContain(value);
    });
  });
}
