/**
 * The DGII registry as a byte stream straight from its URL. The request is made on the first read,
 * so a failed download (DNS, HTTP error, dropped connection) surfaces inside the importer and is
 * recorded as a failed import like any other error.
 */
export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called once the response arrives: its Content-Length, or null when the server does not say. */
  onLength?: (bytes: number | null) => void;
}

export function downloadRegistry(url: string, options: DownloadOptions = {}): ReadableStream<Uint8Array> {
  let body: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (body === null) {
        const response = await fetch(url, { signal: options.signal }).catch((error: unknown) => {
          throw new Error(`download from ${url} failed: ${networkReason(error)}`, { cause: error });
        });
        if (!response.ok || response.body === null) {
          await response.body?.cancel();
          throw new Error(`download failed: HTTP ${response.status} ${response.statusText} from ${url}`.trim());
        }
        const length = Number(response.headers.get('content-length'));
        options.onLength?.(Number.isSafeInteger(length) && length > 0 ? length : null);
        body = response.body.getReader();
      }
      const { done, value } = await body.read().catch((error: unknown) => {
        throw new Error(`download from ${url} broke off: ${networkReason(error)}`, { cause: error });
      });
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await body?.cancel(reason);
    },
  });
}

/** Node's fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, ...). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const detail = cause instanceof Error ? cause.message : null;
  const message = error instanceof Error ? error.message : String(error);
  return detail ? `${message} (${detail})` : message;
}
