/** A queue message always carries the id of the tenant that produced it, stamped here, never by callers. */
export interface JobMessage<P = unknown> {
  tenantId: string;
  job: string;
  payload: P;
  requestId?: string;
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
