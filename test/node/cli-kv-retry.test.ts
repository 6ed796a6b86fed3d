import { describe, expect, it } from 'vitest';
import { retryingKv } from '../../src/cli/environment';

/** A KV whose `delete` fails with `error` the first `failures` times. */
function flakyKv(failures: number, error: Error) {
  let calls = 0;
  const kv = {
    async delete(_key: string) {
      calls += 1;
      if (calls <= failures) throw error;
    },
  };
  return { kv: kv as unknown as KVNamespace, calls: () => calls };
}

describe("the CLI's KV", () => {
  it('retries a transient failure of the local store (HTTP 5xx) and succeeds', async () => {
    const flaky = flakyKv(2, new Error('KV DELETE failed: 500 Internal Server Error'));
    await expect(retryingKv(flaky.kv).delete('k')).resolves.toBeUndefined();
    expect(flaky.calls()).toBe(3);
  });

  it('gives up after five attempts, and never retries other errors', async () => {
    const down = flakyKv(10, new Error('KV DELETE failed: 503 Service Unavailable'));
    await expect(retryingKv(down.kv).delete('k')).rejects.toThrow('503');
    expect(down.calls()).toBe(5);
    const bad = flakyKv(10, new Error('KV DELETE failed: 400 Bad Request'));
    await expect(retryingKv(bad.kv).delete('k')).rejects.toThrow('400');
    expect(bad.calls()).toBe(1);
  });
});
