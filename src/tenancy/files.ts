/**
 * The tenant's view of R2: every object lives under `tenants/<tenantId>/`. Keys are normalised
 * (`a//b/./c` -> `a/b/c`) and any `..` segment is refused, so no key can leave the prefix.
 */
export class TenantFiles {
  readonly #bucket: R2Bucket;
  readonly prefix: string;

  constructor(bucket: R2Bucket, tenantId: string) {
    this.#bucket = bucket;
    this.prefix = tenantFilesPrefix(tenantId);
  }

  put(key: string, value: Parameters<R2Bucket['put']>[1], options?: R2PutOptions): Promise<R2Object | null> {
    return this.#bucket.put(this.prefix + normalizeFileKey(key), value, options);
  }

  get(key: string): Promise<R2ObjectBody | null> {
    return this.#bucket.get(this.prefix + normalizeFileKey(key));
  }

  head(key: string): Promise<R2Object | null> {
    return this.#bucket.head(this.prefix + normalizeFileKey(key));
  }

  /** A multipart upload under the prefix (for files of unknown length, written part by part). */
  createMultipartUpload(key: string, options?: R2MultipartOptions): Promise<R2MultipartUpload> {
    return this.#bucket.createMultipartUpload(this.prefix + normalizeFileKey(key), options);
  }

  delete(key: string): Promise<void> {
    return this.#bucket.delete(this.prefix + normalizeFileKey(key));
  }

  /** Objects of this tenant, with keys relative to its prefix. */
  async list(prefix = ''): Promise<Array<{ key: string; size: number }>> {
    const listPrefix = this.prefix + (prefix ? normalizeFileKey(prefix) : '');
    const objects: Array<{ key: string; size: number }> = [];
    for await (const object of listObjects(this.#bucket, listPrefix)) {
      objects.push({ key: object.key.slice(this.prefix.length), size: object.size });
    }
    return objects;
  }
}

export function tenantFilesPrefix(tenantId: string): string {
  return `tenants/${tenantId}/`;
}

export function normalizeFileKey(key: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(key))
    throw new FileKeyError('File keys may not contain control characters or backslashes');
  const segments = key.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) throw new FileKeyError('File keys may not contain ".."');
  if (segments.length === 0) throw new FileKeyError('File key is empty');
  const normalized = segments.join('/');
  if (normalized.length > 900) throw new FileKeyError('File key is too long');
  return normalized;
}

export class FileKeyError extends Error {
  override name = 'FileKeyError';
}

/** Deletes every object under the tenant's prefix, a page (up to 1000 keys) at a time. */
export async function deleteTenantFiles(bucket: R2Bucket, tenantId: string): Promise<number> {
  const prefix = tenantFilesPrefix(tenantId);
  let removed = 0;
  for (;;) {
    const page = await bucket.list({ prefix, limit: 1000 });
    if (page.objects.length === 0) return removed;
    await bucket.delete(page.objects.map((object) => object.key));
    removed += page.objects.length;
  }
}

async function* listObjects(bucket: R2Bucket, prefix: string): AsyncGenerator<R2Object> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    yield* page.objects;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
