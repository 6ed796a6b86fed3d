/**
 * A small HTTP load generator: N requests at concurrency C over keep-alive connections, with latency
 * percentiles. Requests go to 127.0.0.1 with an explicit Host header: Node's fetch neither resolves
 * `*.localhost` (ENOTFOUND) nor lets a caller set Host, so this uses node:http with a keep-alive Agent.
 */
import http from 'node:http';

export interface LoadOptions {
  port: number;
  path: string;
  /** Host header of request i (a tenant subdomain, a different one per request for the KV-miss row). */
  host: (i: number) => string;
  requests: number;
  concurrency: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Every request's latency in ms, sorted. */
  latencies: number[];
  /** Responses that were not 2xx, or failed requests. */
  errors: number;
  firstError?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.requests) {
      const i = next++;
      const t0 = performance.now();
      try {
        const status = await get(agent, options.port, options.path, options.host(i));
        if (status < 200 || status > 299) throw new Error(`HTTP ${status} from ${options.host(i)}${options.path}`);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: options.requests,
    seconds,
    rps: options.requests / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    latencies,
    errors,
    firstError,
  };
}

function get(agent: http.Agent, port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { host } }, (res) => {
      res.resume(); // read the whole body: the response is only complete then
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
