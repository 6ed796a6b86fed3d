/**
 * Host identification: what a request's Host header names. Only the Host header counts;
 * X-Forwarded-Host and friends are never read, so no client can choose a tenant.
 */

export type HostMatch =
  | { kind: 'invalid' }
  | { kind: 'central'; hostname: string }
  /** `lookupKey` is a subdomain label (`acme`, no dot) or a full custom host name (has a dot). */
  | { kind: 'tenant'; hostname: string; lookupKey: string }
  /** Deeper than one label under a central domain (`x.acme.localhost`): never a tenant. */
  | { kind: 'unknown'; hostname: string };

const labelPattern = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const maxHostnameLength = 253;

/** Lower-cases, strips the port and a trailing dot. Returns null when it is not a valid DNS name. */
export function normalizeHost(rawHost: string | null | undefined): string | null {
  if (!rawHost) return null;
  let host = rawHost.trim().toLowerCase();
  if (host.startsWith('[')) return null; // IP literals never name a shop
  const colon = host.indexOf(':');
  if (colon !== -1) {
    const port = host.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port)) return null;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  return isValidHostname(host) ? host : null;
}

export function isValidHostname(host: string): boolean {
  if (host.length === 0 || host.length > maxHostnameLength) return false;
  return host.split('.').every((label) => labelPattern.test(label));
}

/** A tenant id and a subdomain label share one shape: a lower-case DNS label. */
export function isValidLabel(label: string): boolean {
  return labelPattern.test(label);
}

export function matchHost(rawHost: string | null | undefined, centralDomains: readonly string[]): HostMatch {
  const hostname = normalizeHost(rawHost);
  if (hostname === null) return { kind: 'invalid' };
  if (centralDomains.includes(hostname)) return { kind: 'central', hostname };
  for (const central of centralDomains) {
    const suffix = `.${central}`;
    if (hostname.endsWith(suffix)) {
      const label = hostname.slice(0, -suffix.length);
      return label.includes('.') ? { kind: 'unknown', hostname } : { kind: 'tenant', hostname, lookupKey: label };
    }
  }
  // A single-label host that is not central (e.g. `acme` alone) is not a custom domain.
  if (!hostname.includes('.')) return { kind: 'unknown', hostname };
  return { kind: 'tenant', hostname, lookupKey: hostname };
}

/**
 * Validates a domain as an operator types it for `domains:add`: a subdomain label (`acme`) or a full
 * custom host name (`opticaacme.com`). Returns the normalised value or an error message.
 */
export function parseDomainInput(
  input: string,
  centralDomains: readonly string[],
): { ok: true; value: string } | { ok: false; error: string } {
  const value = input.trim().toLowerCase().replace(/\.$/, '');
  if (!value.includes('.')) {
    return isValidLabel(value)
      ? { ok: true, value }
      : {
          ok: false,
          error: `"${input}" is not a valid subdomain label (a-z, 0-9 and inner hyphens, at most 63 characters)`,
        };
  }
  if (!isValidHostname(value)) return { ok: false, error: `"${input}" is not a valid host name` };
  for (const central of centralDomains) {
    if (value === central) return { ok: false, error: `"${input}" is a central domain` };
    if (value.endsWith(`.${central}`)) {
      return { ok: false, error: `"${input}" is under the central domain ${central}: add the label alone` };
    }
  }
  return { ok: true, value };
}

/** The Host header (what the browser asked for); the URL's host only if the header is missing. */
export function requestHost(request: Request): string {
  return request.headers.get('host') ?? new URL(request.url).host;
}
