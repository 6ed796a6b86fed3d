import { and, asc, desc, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { TenantDb } from '../db/client';
import {
  branches,
  company,
  contacts,
  invoiceLines,
  invoices,
  labOrderEvents,
  labOrders,
  labStages,
  products,
  users,
} from '../db/tenant-schema';
import type { LabOrderInput } from '../schemas/lab-orders';
import { type BranchScope, inScope } from './branch-scope';

export type LabOrder = typeof labOrders.$inferSelect;
export type LabStage = typeof labStages.$inferSelect;
export type LabOrderEvent = typeof labOrderEvents.$inferSelect;

/** An order with the names around it. */
export interface LabOrderDetail extends LabOrder {
  customerName: string;
  customerPhone: string | null;
  branchName: string;
  labName: string | null;
  stageName: string;
  stageIsFinal: boolean;
  stageOutcome: string | null;
  frameProductName: string | null;
  invoiceNcf: string | null;
  /** The linked invoice's open balance (total - paid - credited), issued invoices only. */
  invoiceBalance: string | null;
  createdByName: string | null;
}

export interface LabTimelineEntry extends LabOrderEvent {
  userName: string | null;
  fromStageName: string | null;
  toStageName: string | null;
}

const labContacts = alias(contacts, 'lab');
const fromStages = alias(labStages, 'from_stage');
const toStages = alias(labStages, 'to_stage');

/** The Rx columns copied from a prescription into an order (same names on both tables). */
const eyeMeasureColumns = [
  'sphere',
  'cylinder',
  'axis',
  'add',
  'prism',
  'prism_base',
  'pd',
  'height',
  'va_sc',
  'va_cc',
  'base_curve',
  'diameter',
  'keratometry',
  'iop',
];
const rxColumns = [...['od', 'oi'].flatMap((eye) => eyeMeasureColumns.map((m) => `${eye}_${m}`)), 'pd'];

const orderScope = (scope: BranchScope): SQL => inScope(sql`${labOrders.branchId}`, scope);

function detailQuery(db: TenantDb, where: SQL | undefined) {
  return db
    .select({
      ...getTableColumns(labOrders),
      customerName: contacts.name,
      customerPhone: sql<string | null>`coalesce(${contacts.mobile}, ${contacts.phone})`,
      branchName: branches.name,
      labName: labContacts.name,
      stageName: labStages.name,
      stageIsFinal: labStages.isFinal,
      stageOutcome: labStages.outcome,
      frameProductName: products.name,
      invoiceNcf: sql<string | null>`(SELECT i.ncf FROM invoices i WHERE i.id = ${labOrders.invoiceId})`,
      invoiceBalance: sql<
        string | null
      >`(SELECT (i.total - i.paid_total - i.credited_total)::text FROM invoices i WHERE i.id = ${labOrders.invoiceId} AND i.status NOT IN ('draft', 'voided'))`,
      createdByName: users.name,
    })
    .from(labOrders)
    .innerJoin(contacts, eq(contacts.id, labOrders.customerId))
    .innerJoin(branches, eq(branches.id, labOrders.branchId))
    .innerJoin(labStages, eq(labStages.id, labOrders.stageId))
    .leftJoin(labContacts, eq(labContacts.id, labOrders.labId))
    .leftJoin(products, eq(products.id, labOrders.frameProductId))
    .leftJoin(users, eq(users.id, labOrders.createdBy))
    .where(where);
}

/** Active stages, board order. */
export function labStagesQuery(db: TenantDb) {
  return db.select().from(labStages).where(isNull(labStages.archivedAt)).orderBy(asc(labStages.position));
}

function timelineQuery(db: TenantDb, id: string) {
  return db
    .select({
      ...getTableColumns(labOrderEvents),
      userName: users.name,
      fromStageName: fromStages.name,
      toStageName: toStages.name,
    })
    .from(labOrderEvents)
    .leftJoin(users, eq(users.id, labOrderEvents.userId))
    .leftJoin(fromStages, eq(fromStages.id, labOrderEvents.fromStageId))
    .leftJoin(toStages, eq(toStages.id, labOrderEvents.toStageId))
    .where(eq(labOrderEvents.labOrderId, id))
    .orderBy(desc(labOrderEvents.createdAt), desc(labOrderEvents.id));
}

/** One order the scope may see, its timeline (newest first), the active stages and the company: one round trip. */
export async function labOrderPage(db: TenantDb, id: string, scope: BranchScope) {
  const [orders, timeline, stages, companies, lines, totals] = await db.batch([
    detailQuery(db, and(eq(labOrders.id, id), orderScope(scope))).limit(1),
    timelineQuery(db, id),
    labStagesQuery(db),
    db.select().from(company).where(eq(company.id, 1)),
    db
      .select({ description: invoiceLines.description, quantity: invoiceLines.quantity, amount: invoiceLines.amount })
      .from(invoiceLines)
      .where(eq(invoiceLines.invoiceId, sql`(SELECT invoice_id FROM lab_orders WHERE id = ${id}::uuid)`))
      .orderBy(asc(invoiceLines.position)),
    db
      .select({ total: invoices.total, currencyCode: invoices.currencyCode })
      .from(invoices)
      .where(eq(invoices.id, sql`(SELECT invoice_id FROM lab_orders WHERE id = ${id}::uuid)`)),
  ]);
  const order = (orders[0] as LabOrderDetail | undefined) ?? null;
  const base = { stages, company: companies[0] ?? null };
  // The timeline and lines were read without the scope: they are only returned with an order the scope sees.
  return order
    ? { ...base, order, timeline: timeline as LabTimelineEntry[], lines, invoiceTotal: totals[0] ?? null }
    : { ...base, order: null, timeline: [], lines: [], invoiceTotal: null };
}

export async function getLabOrder(db: TenantDb, id: string, scope: BranchScope): Promise<LabOrderDetail | null> {
  const [row] = await detailQuery(db, and(eq(labOrders.id, id), orderScope(scope))).limit(1);
  return (row as LabOrderDetail | undefined) ?? null;
}

/** Newest first: keyset on the order number (a shop-wide identity, so it follows creation). */
export async function listLabOrders(
  db: TenantDb,
  filter: { scope: BranchScope; after?: { number: number } | null; limit?: number },
): Promise<{ rows: LabOrderDetail[]; next: { number: number } | null }> {
  const limit = filter.limit ?? 50;
  const rows = (await detailQuery(
    db,
    and(orderScope(filter.scope), filter.after ? sql`${labOrders.number} < ${filter.after.number}` : undefined),
  )
    .orderBy(desc(labOrders.number))
    .limit(limit + 1)) as LabOrderDetail[];
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { number: last.number } : null };
}

export interface LabOrderRefs {
  customer: { id: string; name: string } | null;
  lab: { id: string; kind: string } | null;
  prescription: { id: string; patientId: string } | null;
  invoice: { id: string; customerId: string | null; branchId: string } | null;
  quotation: { id: string; customerId: string | null } | null;
  frame: { id: string } | null;
  lists: LabLists;
}

/** The records a new order names, each null when it does not exist: one round trip. */
export async function labOrderRefs(
  db: TenantDb,
  ids: Pick<LabOrderInput, 'customerId' | 'labId' | 'prescriptionId' | 'invoiceId' | 'quotationId' | 'frameProductId'>,
): Promise<LabOrderRefs> {
  const none = '00000000-0000-0000-0000-000000000000';
  const result = await db.execute<{ refs: LabOrderRefs }>(sql`
    SELECT json_build_object(
      'customer', (SELECT json_build_object('id', id, 'name', name) FROM contacts WHERE id = ${ids.customerId}::uuid),
      'lab', (SELECT json_build_object('id', id, 'kind', kind) FROM contacts WHERE id = ${ids.labId ?? none}::uuid),
      'prescription', (SELECT json_build_object('id', id, 'patientId', patient_id) FROM prescriptions WHERE id = ${ids.prescriptionId ?? none}::uuid),
      'invoice', (SELECT json_build_object('id', id, 'customerId', customer_id, 'branchId', branch_id) FROM invoices WHERE id = ${ids.invoiceId ?? none}::uuid AND kind = 'invoice'),
      'quotation', (SELECT json_build_object('id', id, 'customerId', customer_id) FROM quotations WHERE id = ${ids.quotationId ?? none}::uuid),
      'frame', (SELECT json_build_object('id', id) FROM products WHERE id = ${ids.frameProductId ?? none}::uuid),
      'lists', ${labListsJson}
    ) AS refs`);
  return result.rows[0]!.refs;
}

/**
 * Writes a new order in the initial stage, its Rx copied from the prescription (the named one, else
 * the customer's latest), its 'created' timeline row and the stage_entered event: one statement.
 * Null when the shop has no initial stage.
 */
export async function insertLabOrder(
  db: TenantDb,
  input: LabOrderInput & { branchId: string },
  userId: string | null,
): Promise<{ id: string; number: number } | null> {
  const columns = sql.raw(rxColumns.join(', '));
  const rxValues = sql.raw(rxColumns.map((column) => `rx.${column}`).join(', '));
  const result = await db.execute<{ id: string; number: number }>(sql`
    WITH rx AS (
      SELECT * FROM prescriptions
       WHERE ${input.prescriptionId ? sql`id = ${input.prescriptionId}::uuid` : sql`patient_id = ${input.customerId}::uuid`}
       ORDER BY examined_on DESC, created_at DESC, id DESC LIMIT 1
    ), stage AS (
      SELECT id FROM lab_stages WHERE is_initial AND archived_at IS NULL
    ), inserted AS (
      INSERT INTO lab_orders (branch_id, customer_id, lab_id, invoice_id, quotation_id, prescription_id, stage_id,
                              priority, promised_on, frame_product_id, frame_own, frame_description, frame_a, frame_b,
                              frame_dbl, lens_type, lens_material, lens_index, treatments, tint, lab_reference, notes,
                              created_by, ${columns})
      SELECT ${input.branchId}::uuid, ${input.customerId}::uuid, ${input.labId}::uuid, ${input.invoiceId}::uuid,
             ${input.quotationId}::uuid, rx.id, stage.id, ${input.priority}, ${input.promisedOn}::date,
             ${input.frameProductId}::uuid, ${input.frameOwn}, ${input.frameDescription}, ${input.frameA}::numeric,
             ${input.frameB}::numeric, ${input.frameDbl}::numeric, ${input.lensType}, ${input.lensMaterial},
             ${input.lensIndex}::numeric, ${sql`ARRAY[${sql.join(
               input.treatments.map((value) => sql`${value}`),
               sql`, `,
             )}]::text[]`}, ${input.tint}, ${input.labReference}, ${input.notes}, ${userId}::uuid, ${rxValues}
        FROM stage LEFT JOIN rx ON true
      RETURNING id, number, stage_id
    ), created AS (
      INSERT INTO lab_order_events (lab_order_id, kind, to_stage_id, user_id)
      SELECT id, 'created', stage_id, ${userId}::uuid FROM inserted
      RETURNING id, lab_order_id, to_stage_id
    ), event AS (
      INSERT INTO shop_events (type, key, subject_id, payload)
      SELECT 'lab_order.stage_entered', 'lab_order.stage_entered:' || id, lab_order_id,
             jsonb_build_object('stageId', to_stage_id, 'fromStageId', NULL)
        FROM created
      ON CONFLICT (key) DO NOTHING
    )
    SELECT id, number FROM inserted`);
  return result.rows[0] ?? null;
}

/** Replaces the order's own fields (never its customer, Rx or stage), bumps its version, writes an 'edited' row. */
export async function updateLabOrder(
  db: TenantDb,
  id: string,
  input: LabOrderInput,
  scope: BranchScope,
  userId: string | null,
): Promise<boolean> {
  const result = await db.execute<{ id: string }>(sql`
    WITH changed AS (
      UPDATE lab_orders SET lab_id = ${input.labId}::uuid, priority = ${input.priority},
             promised_on = ${input.promisedOn}::date, frame_product_id = ${input.frameProductId}::uuid,
             frame_own = ${input.frameOwn}, frame_description = ${input.frameDescription},
             frame_a = ${input.frameA}::numeric, frame_b = ${input.frameB}::numeric, frame_dbl = ${input.frameDbl}::numeric,
             lens_type = ${input.lensType}, lens_material = ${input.lensMaterial}, lens_index = ${input.lensIndex}::numeric,
             treatments = ${sql`ARRAY[${sql.join(
               input.treatments.map((value) => sql`${value}`),
               sql`, `,
             )}]::text[]`}, tint = ${input.tint}, lab_reference = ${input.labReference}, notes = ${input.notes},
             version = version + 1, updated_at = now()
       WHERE id = ${id}::uuid AND ${inScope(sql`branch_id`, scope)}
      RETURNING id
    ), entry AS (
      INSERT INTO lab_order_events (lab_order_id, kind, user_id) SELECT id, 'edited', ${userId}::uuid FROM changed
    )
    SELECT id FROM changed`);
  return result.rows.length > 0;
}

export type MoveResult =
  | { ok: true; eventId: string; version: number }
  | {
      ok: false;
      reason: 'not_found' | 'stage' | 'stale' | 'balance';
      currentStageId?: string;
      currentStageName?: string;
      balance?: string;
    };

/**
 * Moves an order from the stage its client saw to another: ONE statement (the UPDATE matches only
 * while the order is still in `expectedStageId`, so of simultaneous moves one wins), with the
 * timeline row and the outbox event. Delivering (a stage with outcome 'delivered') while the linked
 * invoice has an open balance matches only with an override reason. A refused move reads why.
 */
export async function moveLabOrder(
  db: TenantDb,
  id: string,
  move: { toStageId: string; expectedStageId: string; overrideReason: string | null },
  scope: BranchScope,
  userId: string | null,
): Promise<MoveResult> {
  const eventId = crypto.randomUUID();
  const balance = sql`coalesce((SELECT i.total - i.paid_total - i.credited_total FROM invoices i
                                 WHERE i.id = o.invoice_id AND i.status NOT IN ('draft', 'voided')), 0)`;
  const result = await db.execute<{ version: number }>(sql`
    WITH target AS (
      -- FOR SHARE: a stage archived meanwhile is re-read and refused, never left holding an open order.
      SELECT id, is_final, outcome FROM lab_stages WHERE id = ${move.toStageId}::uuid AND archived_at IS NULL FOR SHARE
    ), moved AS (
      UPDATE lab_orders o
         SET stage_id = target.id, stage_entered_at = now(), version = o.version + 1, updated_at = now(),
             closed_at = CASE WHEN target.is_final THEN now() END,
             delivery_override_reason = CASE WHEN target.outcome = 'delivered' AND ${balance} > 0
                                             THEN ${move.overrideReason} ELSE o.delivery_override_reason END
        FROM target
       WHERE o.id = ${id}::uuid AND o.stage_id = ${move.expectedStageId}::uuid AND ${inScope(sql`o.branch_id`, scope)}
         AND (target.outcome IS DISTINCT FROM 'delivered' OR ${move.overrideReason}::text IS NOT NULL OR ${balance} <= 0)
      RETURNING o.id, o.version, o.delivery_override_reason
    ), entry AS (
      INSERT INTO lab_order_events (id, lab_order_id, kind, from_stage_id, to_stage_id, note, user_id)
      SELECT ${eventId}::uuid, id, 'moved', ${move.expectedStageId}::uuid, ${move.toStageId}::uuid,
             CASE WHEN delivery_override_reason IS NOT NULL AND ${move.overrideReason}::text IS NOT NULL
                  THEN ${move.overrideReason} END, ${userId}::uuid
        FROM moved
    ), event AS (
      INSERT INTO shop_events (type, key, subject_id, payload)
      SELECT 'lab_order.stage_entered', ${`lab_order.stage_entered:${eventId}`}, id,
             jsonb_build_object('stageId', ${move.toStageId}::uuid, 'fromStageId', ${move.expectedStageId}::uuid)
        FROM moved
      ON CONFLICT (key) DO NOTHING
    )
    SELECT version FROM moved`);
  const moved = result.rows[0];
  if (moved) return { ok: true, eventId, version: moved.version };
  // Refused: read why, after the statement (a loser's own snapshot predates the winner's commit).
  const why = await db.execute<{
    stageId: string | null;
    stageName: string | null;
    targetOk: boolean;
    delivering: boolean;
    balance: string;
  }>(sql`
    SELECT o.stage_id AS "stageId", s.name AS "stageName",
           EXISTS (SELECT 1 FROM lab_stages WHERE id = ${move.toStageId}::uuid AND archived_at IS NULL) AS "targetOk",
           EXISTS (SELECT 1 FROM lab_stages WHERE id = ${move.toStageId}::uuid AND outcome = 'delivered') AS delivering,
           ${balance}::text AS balance
      FROM lab_orders o JOIN lab_stages s ON s.id = o.stage_id
     WHERE o.id = ${id}::uuid AND ${inScope(sql`o.branch_id`, scope)}`);
  const row = why.rows[0];
  if (!row) return { ok: false, reason: 'not_found' };
  const current = { currentStageId: row.stageId ?? undefined, currentStageName: row.stageName ?? undefined };
  if (!row.targetOk) return { ok: false, reason: 'stage', ...current };
  if (row.stageId !== move.expectedStageId) return { ok: false, reason: 'stale', ...current };
  if (row.delivering && Number(row.balance) > 0)
    return { ok: false, reason: 'balance', balance: row.balance, ...current };
  return { ok: false, reason: 'stale', ...current };
}

/** A note or a photo on the timeline of an order the scope sees; false when there is no such order. */
export async function insertLabOrderEntry(
  db: TenantDb,
  id: string,
  entry: { kind: 'note' | 'photo'; note?: string | null; photoKey?: string | null; photoType?: string | null },
  scope: BranchScope,
  userId: string | null,
): Promise<boolean> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO lab_order_events (lab_order_id, kind, note, photo_key, photo_type, user_id)
    SELECT id, ${entry.kind}, ${entry.note ?? null}, ${entry.photoKey ?? null}, ${entry.photoType ?? null}, ${userId}::uuid
      FROM lab_orders WHERE id = ${id}::uuid AND ${inScope(sql`branch_id`, scope)}
    RETURNING id`);
  return result.rows.length > 0;
}

/** A photo entry of an order the scope sees (its key and type), or null. */
export async function labOrderPhoto(
  db: TenantDb,
  orderId: string,
  entryId: string,
  scope: BranchScope,
): Promise<{ photoKey: string; photoType: string } | null> {
  const result = await db.execute<{ photoKey: string; photoType: string }>(sql`
    SELECT e.photo_key AS "photoKey", e.photo_type AS "photoType"
      FROM lab_order_events e JOIN lab_orders o ON o.id = e.lab_order_id
     WHERE e.id = ${entryId}::uuid AND o.id = ${orderId}::uuid AND e.kind = 'photo' AND e.photo_key IS NOT NULL
       AND ${inScope(sql`o.branch_id`, scope)}`);
  return result.rows[0] ?? null;
}

/** What a new order from an invoice, a quotation or a prescription starts with. */
export async function labOrderSource(
  db: TenantDb,
  source: { invoiceId?: string | null; quotationId?: string | null; prescriptionId?: string | null },
): Promise<{
  customerId: string | null;
  customerName: string | null;
  branchId: string | null;
  prescriptionId: string | null;
  lines: string[];
} | null> {
  const none = '00000000-0000-0000-0000-000000000000';
  const result = await db.execute<{
    customerId: string | null;
    customerName: string | null;
    branchId: string | null;
    prescriptionId: string | null;
    lines: string[] | null;
  }>(sql`
    SELECT d.customer_id AS "customerId", c.name AS "customerName", d.branch_id AS "branchId",
           d.prescription_id AS "prescriptionId", d.lines
      FROM (
        SELECT i.customer_id, i.branch_id, i.prescription_id,
               (SELECT array_agg(l.description ORDER BY l.position) FROM invoice_lines l WHERE l.invoice_id = i.id) AS lines
          FROM invoices i WHERE i.id = ${source.invoiceId ?? none}::uuid
        UNION ALL
        SELECT q.customer_id, q.branch_id, q.prescription_id,
               (SELECT array_agg(l.description ORDER BY l.position) FROM quotation_lines l WHERE l.quotation_id = q.id)
          FROM quotations q WHERE q.id = ${source.quotationId ?? none}::uuid
        UNION ALL
        SELECT p.patient_id, p.branch_id, p.id, NULL FROM prescriptions p WHERE p.id = ${source.prescriptionId ?? none}::uuid
      ) d LEFT JOIN contacts c ON c.id = d.customer_id
     LIMIT 1`);
  const row = result.rows[0];
  return row ? { ...row, lines: row.lines ?? [] } : null;
}

/** Suppliers whose name matches, for the lab picker. */
export async function searchLabs(db: TenantDb, q: string): Promise<Array<{ id: string; name: string }>> {
  const result = await db.execute<{ id: string; name: string }>(sql`
    SELECT id, name FROM contacts
     WHERE kind = 'supplier' AND archived_at IS NULL
       AND (${q} = '' OR search_fold(name) LIKE '%' || search_fold(${q}) || '%')
     ORDER BY name LIMIT 50`);
  return result.rows;
}

export interface LabFormData {
  customer: { id: string; name: string; phone: string | null } | null;
  prescriptions: Array<{ id: string; examinedOn: string }>;
  labs: Array<{ id: string; name: string }>;
  lists: LabLists;
}

/** The catalogue lists a lab order's lens is described with: each list's active values, in order. */
export type LabLists = Partial<Record<'lens_types' | 'materials' | 'indices' | 'treatments', string[]>>;

/** The lens lists alone (a refused form's check). */
export async function labLists(db: TenantDb): Promise<LabLists> {
  const result = await db.execute<{ lists: LabLists }>(sql`SELECT ${labListsJson} AS lists`);
  return result.rows[0]!.lists;
}

const labListsJson = sql`coalesce((SELECT json_object_agg(x.list, x.values) FROM (
    SELECT list, json_agg(value ORDER BY position, id) AS values FROM catalog_values
     WHERE active AND list IN ('lens_types', 'materials', 'indices', 'treatments') GROUP BY list) x), '{}'::json)`;

/** What the order form shows for a customer: the customer, their prescriptions (newest first) and the labs: one round trip. */
export async function labOrderFormData(db: TenantDb, customerId: string): Promise<LabFormData> {
  const result = await db.execute<{ data: LabFormData }>(sql`
    SELECT json_build_object(
      'customer', (SELECT json_build_object('id', id, 'name', name, 'phone', coalesce(mobile, phone)) FROM contacts WHERE id = ${customerId}::uuid),
      'prescriptions', coalesce((SELECT json_agg(json_build_object('id', p.id, 'examinedOn', p.examined_on) ORDER BY p.examined_on DESC, p.created_at DESC, p.id DESC)
                                   FROM prescriptions p WHERE p.patient_id = ${customerId}::uuid), '[]'::json),
      'labs', coalesce((SELECT json_agg(json_build_object('id', l.id, 'name', l.name) ORDER BY l.name)
                          FROM (SELECT id, name FROM contacts WHERE kind = 'supplier' AND archived_at IS NULL ORDER BY name LIMIT 200) l), '[]'::json),
      'lists', ${labListsJson}
    ) AS data`);
  return result.rows[0]!.data;
}
