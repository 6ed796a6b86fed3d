import { cacheKeys } from './record';

/** The tenant's view of KV: every key lives under `t:<tenantId>:`, so no key of A can name one of B. */
export class TenantCache {
  readonly #kv: KVNamespace;
  readonly #prefix: string;

  constructor(kv: KVNamespace, tenantId: string) {
    this.#kv = kv;
    this.#prefix = cacheKeys.tenantCachePrefix(tenantId);
  }

  get<T>(key: string): Promise<T | null> {
    return this.#kv.get<T>(this.#key(key), 'json');
  }

  put(key: string, value: unknown, options?: { expirationTtl?: number }): Promise<void> {
    return this.#kv.put(this.#key(key), JSON.stringify(value), options);
  }

  delete(key: string): Promise<void> {
    return this.#kv.delete(this.#key(key));
  }

  /** Keys of this tenant only, without the tenant prefix. */
  async list(prefix = ''): Promise<string[]> {
    const keys: string[] = [];
    for await (const name of listKeys(this.#kv, this.#prefix + prefix)) keys.push(name.slice(this.#prefix.length));
    return keys;
  }

  /** Removes every cache entry of the tenant (tenant deletion, `cache:clear` task). */
  async clear(): Promise<number> {
    let removed = 0;
    for await (const name of listKeys(this.#kv, this.#prefix)) {
      await this.#kv.delete(name);
      removed++;
    }
    return removed;
  }

  #key(key: string): string {
    if (key.length === 0 || key.length > 400) throw new RangeError('Cache keys must have 1 to 400 characters');
    return this.#prefix + key;
  }
}

async function* listKeys(kv: KVNamespace, prefix: string): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix, cursor });
    for (const key of page.keys) yield key.name;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}
