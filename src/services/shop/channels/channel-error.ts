/**
 * A provider refused or could not be reached. `retryable`: the same request may succeed later
 * (5xx, 429, network error, timeout); otherwise it never will as it stands (bad token, bad number,
 * free text outside WhatsApp's 24-hour window) and the message is marked failed with `message`.
 */
export class ChannelError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly code?: string;

  constructor(init: { retryable: boolean; message: string; status?: number; code?: string }) {
    super(init.message);
    this.name = 'ChannelError';
    this.retryable = init.retryable;
    this.status = init.status;
    this.code = init.code;
  }
}

/** Whether an HTTP status is worth retrying: the provider's trouble or its rate limit. */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** fetch with a deadline; a timeout or network failure becomes a retryable ChannelError. */
export async function providerFetch(
  provider: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ChannelError({
      retryable: true,
      code: timedOut ? 'timeout' : 'network',
      message: timedOut
        ? `${provider} did not answer within ${timeoutMs / 1000} s`
        : `${provider} could not be reached: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** The body as JSON, or undefined when it is not JSON (a proxy's HTML error page). */
export async function jsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
