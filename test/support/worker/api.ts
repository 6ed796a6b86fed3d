import { SELF } from 'cloudflare:test';

/**
 * A request to the shop's JSON API (/api/v1) as a client sends it: `bearer` is the whole
 * Authorization value (`Bearer …`, none when undefined). JSON bodies and DELETEs carry a JSON
 * Content-Type: without one the app-wide csrf() middleware (src/app.ts) takes the request for a
 * form post (it defaults a missing type to text/plain) and answers 403.
 */
export function api(host: string, path: string, bearer?: string, init: RequestInit = {}): Promise<Response> {
  const json = init.body || init.method === 'DELETE';
  return SELF.fetch(`http://${host}/api/v1${path}`, {
    ...init,
    headers: {
      ...(bearer ? { Authorization: bearer } : {}),
      ...(json ? { 'Content-Type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

/** The status and the parsed JSON body of an API request. */
export async function apiJson<T = Record<string, any>>(
  host: string,
  path: string,
  bearer?: string,
  init: RequestInit = {},
) {
  const response = await api(host, path, bearer, init);
  return { status: response.status, body: (await response.json()) as T };
}
