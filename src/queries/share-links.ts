import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { LabStageOutcome } from '../db/tenant-schema';
import { branchAllowed, type ShareLinkRow, type Viewer } from './documents';

export const shareKinds = ['invoice', 'quotation', 'prescription', 'payment', 'lab_order'] as const;
export type ShareKind = (typeof shareKinds)[number];

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** The share_links column that names a subject of each kind (exactly one is set per row). */
const subjectColumn: Record<ShareKind, SQL> = {
  invoice: sql.raw('invoice_id'),
  quotation: sql.raw('quotation_id'),
  prescription: sql.raw('prescription_id'),
  payment: sql.raw('payment_id'),
  lab_order: sql.raw('lab_order_id'),
};

/**
 * One subject as a row (id, label, branch_id, contact_id, shareable): what a link can point to.
 * Draft invoices and quotations have no customer copy yet, voided payments no receipt.
 */
function subjectRow(kind: ShareKind, id: string): SQL {
  switch (kind) {
    case 'invoice':
      return sql`SELECT i.id, i.ncf AS label, i.branch_id, i.customer_id AS contact_id, i.status <> 'draft' AS shareable
                   FROM invoices i WHERE i.id = ${id}::uuid AND i.kind = 'invoice'`;
    case 'quotation':
      return sql`SELECT q.id, q.number AS label, q.branch_id, q.customer_id AS contact_id, q.status <> 'cancelled' AS shareable
                   FROM quotations q WHERE q.id = ${id}::uuid`;
    case 'prescription':
      return sql`SELECT p.id, to_char(p.examined_on, 'DD/MM/YYYY') AS label, p.branch_id, p.patient_id AS contact_id, true AS shareable
                   FROM prescriptions p WHERE p.id = ${id}::uuid`;
    case 'payment':
      return sql`SELECT y.id, y.number AS label, y.branch_id, i.customer_id AS contact_id, y.status = 'active' AS shareable
                   FROM payments y JOIN invoices i ON i.id = y.invoice_id WHERE y.id = ${id}::uuid`;
    case 'lab_order':
      return sql`SELECT o.id, 'LAB-' || lpad(o.number::text, 6, '0') AS label, o.branch_id, o.customer_id AS contact_id, true AS shareable
                   FROM lab_orders o WHERE o.id = ${id}::uuid`;
  }
}

const shareLinkJson =
  sql.raw(`json_build_object('id', s.id, 'createdAt', s.created_at, 'expiresAt', s.expires_at, 'revokedAt', s.revoked_at,
    'lastOpenedAt', s.last_opened_at, 'active', s.revoked_at IS NULL AND s.expires_at > now())`);

export interface ShareRecipient {
  id: string;
  name: string;
  /** The mobile, else the phone: what WhatsApp is tried on. */
  phone: string | null;
  email: string | null;
  optedOut: boolean;
}

export interface SubjectShareLinks {
  kind: ShareKind;
  subjectId: string;
  label: string | null;
  shareable: boolean;
  recipient: ShareRecipient | null;
  links: ShareLinkRow[];
}

/** A subject's links, newest first, with its label and customer (one query); null outside the viewer's branches. */
export async function subjectShareLinks(
  db: TenantDb,
  kind: ShareKind,
  id: string,
  viewer: Viewer,
): Promise<SubjectShareLinks | null> {
  if (!isUuid(id)) return null;
  const result = await db.execute<Omit<SubjectShareLinks, 'kind'> & Record<string, unknown>>(sql`
    WITH subject AS (${subjectRow(kind, id)})
    SELECT subject.id AS "subjectId", subject.label, subject.shareable,
           CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name, 'phone', coalesce(c.mobile, c.phone),
             'email', c.email, 'optedOut', c.opted_out_at IS NOT NULL) END AS recipient,
           (SELECT coalesce(json_agg(${shareLinkJson} ORDER BY s.created_at DESC, s.id), '[]'::json)
              FROM share_links s WHERE s.${subjectColumn[kind]} = subject.id) AS links
      FROM subject LEFT JOIN contacts c ON c.id = subject.contact_id
     WHERE ${branchAllowed(viewer, sql`subject.branch_id`)}`);
  const row = result.rows[0];
  return row ? { kind, ...row } : null;
}

export type SubjectCheck = { outcome: 'not_found' } | { outcome: 'not_shareable' } | { outcome: 'ok' };

/** Whether the subject exists, is visible to the viewer (null: no branch check, a job) and may be shared. */
export async function checkShareSubject(
  db: TenantDb,
  kind: ShareKind,
  id: string,
  viewer: Viewer | null,
): Promise<SubjectCheck> {
  if (!isUuid(id)) return { outcome: 'not_found' };
  const visible = viewer ? branchAllowed(viewer, sql`subject.branch_id`) : sql`true`;
  const result = await db.execute<{ shareable: boolean }>(sql`
    WITH subject AS (${subjectRow(kind, id)}) SELECT subject.shareable FROM subject WHERE ${visible}`);
  const row = result.rows[0];
  if (!row) return { outcome: 'not_found' };
  return row.shareable ? { outcome: 'ok' } : { outcome: 'not_shareable' };
}

/**
 * The INSERT of a link (unexecuted, for a batch with the event it causes). The subject must exist
 * (its foreign key), so a subject deleted meanwhile fails the whole batch. A link made in a support
 * session expires with that session at the latest.
 */
export function insertShareLink(
  db: TenantDb,
  values: {
    id: string;
    kind: ShareKind;
    subjectId: string;
    tokenHash: string;
    days: number;
    createdBy: string | null;
    supportSessionHash?: string | null;
  },
) {
  return db.execute<{ link: ShareLinkRow }>(sql`
    WITH s AS (
      INSERT INTO share_links (id, ${subjectColumn[values.kind]}, token_hash, expires_at, created_by)
      VALUES (${values.id}::uuid, ${values.subjectId}::uuid, ${values.tokenHash},
              LEAST(now() + make_interval(days => ${values.days}::int),
                    (SELECT expires_at FROM sessions WHERE id_hash = ${values.supportSessionHash ?? null}::text AND impersonated_by IS NOT NULL)),
              ${values.createdBy}::uuid)
      RETURNING *
    )
    SELECT ${shareLinkJson} AS link FROM s`);
}

/** Revokes a link of `kind` and subject (idempotent); null when the viewer cannot see it. */
export async function revokeSubjectShareLink(
  db: TenantDb,
  kind: ShareKind,
  subjectId: string,
  linkId: string,
  viewer: Viewer,
): Promise<ShareLinkRow | null> {
  if (!isUuid(linkId) || !isUuid(subjectId)) return null;
  const result = await db.execute<{ link: ShareLinkRow }>(sql`
    WITH subject AS (${subjectRow(kind, subjectId)}), s AS (
      UPDATE share_links s SET revoked_at = coalesce(s.revoked_at, now())
        FROM subject
       WHERE s.id = ${linkId}::uuid AND s.${subjectColumn[kind]} = subject.id AND ${branchAllowed(viewer, sql`subject.branch_id`)}
      RETURNING s.*
    )
    SELECT ${shareLinkJson} AS link FROM s`);
  return result.rows[0]?.link ?? null;
}

/** What a valid token opens: its kind and subject, marked opened in the same statement. */
export interface OpenedShareLink {
  kind: ShareKind;
  subjectId: string;
  pdfKey: string | null;
  ncf: string | null;
}

/**
 * The subject of a valid share token (not expired, not revoked; an invoice not a draft, a payment
 * not voided), marking the link opened. Null for anything else.
 */
export async function openAnyShareLink(db: TenantDb, tokenHash: string): Promise<OpenedShareLink | null> {
  const result = await db.execute<OpenedShareLink & Record<string, unknown>>(sql`
    UPDATE share_links s SET last_opened_at = now()
      FROM share_links l
      LEFT JOIN invoices i ON i.id = l.invoice_id
      LEFT JOIN payments y ON y.id = l.payment_id
     WHERE s.id = l.id AND l.token_hash = ${tokenHash} AND l.revoked_at IS NULL AND l.expires_at > now()
       AND (l.invoice_id IS NULL OR i.status <> 'draft')
       AND (l.payment_id IS NULL OR y.status = 'active')
    RETURNING CASE WHEN s.invoice_id IS NOT NULL THEN 'invoice' WHEN s.quotation_id IS NOT NULL THEN 'quotation'
                   WHEN s.prescription_id IS NOT NULL THEN 'prescription' WHEN s.payment_id IS NOT NULL THEN 'payment'
                   ELSE 'lab_order' END AS kind,
              coalesce(s.invoice_id, s.quotation_id, s.prescription_id, s.payment_id, s.lab_order_id) AS "subjectId",
              i.pdf_key AS "pdfKey", i.ncf`);
  return result.rows[0] ?? null;
}

/** The lab order as its customer may see it: no prices, no Rx, no notes. */
export interface LabOrderStatus {
  number: number;
  customerName: string;
  stageName: string;
  stagePosition: number;
  isInitial: boolean;
  isFinal: boolean;
  outcome: LabStageOutcome | null;
  /** Where the order's stage sits among the shop's open stages: 'initial', 'ready' (the last open one) or 'lab'. */
  phase: 'initial' | 'lab' | 'ready' | 'delivered' | 'cancelled';
  promisedOn: string | null;
  stageEnteredAt: string;
  shop: { name: string; address: string | null; phones: string | null; email: string | null };
  branch: { name: string; address: string | null; phone: string | null };
}

/** One query: the order, its stage placed among the active stages, the shop and the branch. */
export async function labOrderStatus(db: TenantDb, labOrderId: string): Promise<LabOrderStatus | null> {
  const result = await db.execute<LabOrderStatus & Record<string, unknown>>(sql`
    SELECT o.number, c.name AS "customerName", st.name AS "stageName", st.position AS "stagePosition",
           st.is_initial AS "isInitial", st.is_final AS "isFinal", st.outcome,
           CASE WHEN st.outcome = 'delivered' THEN 'delivered'
                WHEN st.outcome = 'cancelled' THEN 'cancelled'
                WHEN st.is_initial THEN 'initial'
                WHEN st.position >= (SELECT max(x.position) FROM lab_stages x WHERE x.archived_at IS NULL AND NOT x.is_final) THEN 'ready'
                ELSE 'lab' END AS phase,
           o.promised_on::text AS "promisedOn", o.stage_entered_at AS "stageEnteredAt",
           json_build_object('name', co.name, 'address', co.address, 'phones', co.phones, 'email', co.email) AS shop,
           json_build_object('name', b.name, 'address', b.address, 'phone', b.phone) AS branch
      FROM lab_orders o
      JOIN lab_stages st ON st.id = o.stage_id
      JOIN contacts c ON c.id = o.customer_id
      JOIN branches b ON b.id = o.branch_id
      LEFT JOIN company co ON co.id = 1
     WHERE o.id = ${labOrderId}::uuid`);
  return result.rows[0] ?? null;
}
