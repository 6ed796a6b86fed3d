/** A queue message always carries the id of the tenant that produced it, stamped here, never by callers. */
export interface JobMessage<P = unknown> {
  tenantId: string;
  job: string;
  payload: P;
  requestId?: string;
}

/** Queues' limit on one `sendBatch`. */
const batchLimit = 100;

/**
 * The same job for many shops (a Cron Trigger's fan-out), each message stamped with its shop's id,
 * sent 100 to a batch instead of one request per shop.
 */
export async function sendToShops<P>(
  queue: Queue,
  tenantIds: readonly string[],
  job: string,
  payload: P,
): Promise<void> {
  for (let start = 0; start < tenantIds.length; start += batchLimit) {
    const messages = tenantIds
      .slice(start, start + batchLimit)
      .map((tenantId) => ({ body: { tenantId, job, payload } satisfies JobMessage<P> }));
    await queue.sendBatch(messages);
  }
}

/** The tenant's Queue producer. */
export class TenantJobs {
  readonly #queue: Queue;
  readonly #tenantId: string;
  readonly #requestId: string | undefined;

  constructor(queue: Queue, tenantId: string, requestId?: string) {
    this.#queue = queue;
    this.#tenantId = tenantId;
    this.#requestId = requestId;
  }

  async send<P>(job: string, payload: P, options?: QueueSendOptions): Promise<void> {
    const message: JobMessage<P> = { tenantId: this.#tenantId, job, payload, requestId: this.#requestId };
    await this.#queue.send(message, options);
  }
}
