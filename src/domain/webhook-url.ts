/**
 * Where a shop may send its webhooks. Production: https only, to a public host name or address -
 * never a loopback, private, link-local or carrier-grade NAT address, nor `localhost` or a
 * `.local`/`.internal` name, so a shop cannot point the Worker at the platform's own network.
 * Development and test also accept http to 127.0.0.1 / localhost (the local receivers).
 * A host name that resolves to a private address is not caught here (Workers' fetch does not
 * reach private networks anyway); this refuses what can be seen in the URL itself.
 */

export type WebhookUrlProblem = 'invalid' | 'https' | 'private' | 'credentials';

const localHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function privateIpv4(host: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return false;
  const [a, b] = [Number(match[1]), Number(match[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

function privateHost(host: string): boolean {
  if (host.startsWith('[')) {
    const inner = host.slice(1, -1);
    return (
      inner === '::' ||
      inner === '::1' ||
      /^f[cd]/.test(inner) ||
      /^fe[89ab]/.test(inner) ||
      inner.startsWith('::ffff:')
    );
  }
  if (localHosts.has(host) || host.endsWith('.localhost')) return true;
  if (host.endsWith('.local') || host.endsWith('.internal') || !host.includes('.')) return true;
  return privateIpv4(host);
}

/** Null when `raw` is an acceptable webhook URL for the environment, else what is wrong with it. */
export function webhookUrlProblem(raw: string, environment: string): WebhookUrlProblem | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalid';
  }
  if (url.username || url.password) return 'credentials';
  const host = url.hostname.toLowerCase();
  const local = environment === 'development' || environment === 'test';
  if (url.protocol === 'http:' && local && localHosts.has(host)) return null;
  if (url.protocol !== 'https:') return url.protocol === 'http:' ? 'https' : 'invalid';
  if (privateHost(host)) return local && localHosts.has(host) ? null : 'private';
  return null;
}
