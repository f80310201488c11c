import { type Auth, type AuthContext, resolveSecret } from '@restsync/core';
import { defineAdapter, option, z } from '@restsync/core/adapter-utils';
/** Logs in once with an API key and sends the session token it gets back as `X-Session`. */
export const sessionTokenAdapter = defineAdapter({
  kind: 'auth',
  type: 'session_token',
  options: z.object({ loginUrl: z.string(), apiKey: option.secret('the API key') }),
  create: ({ loginUrl, apiKey }): Auth => {
    let session: Promise<string> | undefined;
    const login = async (context: AuthContext) => {
      const { body } = await context.fetch({ url: loginUrl, json: { key: resolveSecret(apiKey) } });
      context.registerSecret((body as { token: string }).token); // before anything can show it
      return (body as { token: string }).token;
    };
    return {
      kind: 'auth',
      specificationVersion: 'v1',
      type: 'session_token',
      async apply(request, context) {
        session ??= login(context); // concurrent requests share one login
        return { ...request, headers: { ...request.headers, 'x-session': await session } };
      },
      async refresh() {
        session = undefined; // the next apply logs in again
      },
      secrets: () => [resolveSecret(apiKey)],
    };
  },
});
export const { create: sessionToken, fromConfig } = sessionTokenAdapter;
