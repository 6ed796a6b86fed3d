import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

export type WhatsappDeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface WhatsappStatusUpdate {
  providerMessageId: string;
  status: WhatsappDeliveryStatus;
  /** When Meta saw it happen (the webhook's timestamp). */
  at: Date;
  /** For 'failed': why, in words for the log. */
  reason?: string | null;
}

/**
 * One status of one WhatsApp message, never going backwards (read > delivered > sent; a failure only
 * over a message not yet delivered), so webhooks arriving out of order or twice change nothing more.
 * Unexecuted: the caller batches a webhook's statuses in one round trip.
 */
export function whatsappStatusUpdate(db: TenantDb, update: WhatsappStatusUpdate) {
  const rank = (status: unknown) =>
    sql`(CASE ${status} WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'failed' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)`;
  const at = update.at.toISOString();
  return db.execute(sql`
    UPDATE outbound_messages
       SET status = ${update.status},
           delivered_at = CASE WHEN ${update.status} IN ('delivered', 'read') THEN coalesce(delivered_at, ${at}::timestamptz) ELSE delivered_at END,
           read_at = CASE WHEN ${update.status} = 'read' THEN coalesce(read_at, ${at}::timestamptz) ELSE read_at END,
           failed_at = CASE WHEN ${update.status} = 'failed' THEN ${at}::timestamptz ELSE failed_at END,
           reason = CASE WHEN ${update.status} = 'failed' THEN ${update.reason ?? null} ELSE reason END,
           updated_at = now()
     WHERE provider_message_id = ${update.providerMessageId}
       AND channel = 'whatsapp'
       AND status IN ('sending', 'sent', 'delivered', 'read', 'failed')
       AND ${rank(sql`${update.status}::text`)} > ${rank(sql`status`)}
    RETURNING id`);
}
