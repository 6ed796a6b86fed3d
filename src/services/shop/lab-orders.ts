import { formatMoney } from '../../domain/money';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { branchScope } from '../../queries/branch-scope';
import { listContacts, type Contact } from '../../queries/contacts';
import {
  getLabOrder as selectLabOrder,
  insertLabOrder,
  insertLabOrderEntry,
  labOrderPage as selectLabOrderPage,
  labOrderPhoto as selectLabOrderPhoto,
  labOrderFormData as selectLabOrderFormData,
  labOrderRefs,
  type LabFormData,
  type LabLists,
  labLists,
  labOrderSource as selectLabOrderSource,
  labStagesQuery,
  listLabOrders as selectLabOrders,
  moveLabOrder as moveOrder,
  searchLabs as selectLabs,
  updateLabOrder as changeLabOrder,
  type LabOrderDetail,
  type LabStage,
  type LabTimelineEntry,
} from '../../queries/lab-orders';
import { labMoveFields, labNoteFields, labOrderFields, type LabOrderInput } from '../../schemas/lab-orders';
import { requireRight, type ShopContext } from './context';
import { queueEventDispatch } from './events';

export type { LabFormData, LabOrderDetail, LabStage, LabTimelineEntry };

function invalid(fields: Record<string, string>): never {
  throw new AppError('validation', 'The request has invalid fields', fields);
}

/** Validates a body with a zod schema: 422 with the first message of every field. */
function parsed<T>(
  schema: {
    safeParse(
      body: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  body: unknown,
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[String(issue.path[0] ?? '_form')] ??= issue.message;
  return invalid(fields);
}

export const validLabOrder = (body: unknown): LabOrderInput => parsed(labOrderFields, body);

/**
 * A body's fields checked, the lens fields against the shop's lists included: when the schema
 * refuses other fields, the lens fields are checked too (one more read, on the refusal only), so
 * the form marks every wrong field at once.
 */
async function validOrder(
  ctx: ShopContext,
  body: unknown,
  current: Pick<LabOrderDetail, 'lensType' | 'lensMaterial' | 'lensIndex' | 'treatments'> | null,
): Promise<LabOrderInput> {
  try {
    return validLabOrder(body);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation' || !error.fields) throw error;
    const raw = (body ?? {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
    const treatments = (Array.isArray(raw.treatments) ? raw.treatments : [raw.treatments]).flatMap((value) =>
      text(value) ? [text(value)!] : [],
    );
    const lens = {
      lensType: text(raw.lensType),
      lensMaterial: text(raw.lensMaterial),
      lensIndex: text(raw.lensIndex),
      treatments,
    };
    invalid({ ...listErrors(lens, await labLists(ctx.db), current), ...error.fields });
  }
}

/** A move that lost or was refused: 409 with the order's current stage (and the open balance for a delivery). */
export class LabMoveConflict extends AppError {
  constructor(
    message: string,
    readonly currentStage: { id: string; name: string } | null,
    readonly balance: string | null = null,
  ) {
    super('conflict', message);
  }
}

/** The branch a new order goes to: the chosen one if the actor may work there, else their current branch; 422 otherwise. */
function writeBranch(ctx: ShopContext, branchId: string | null | undefined): string {
  const chosen = branchId ?? ctx.actor.branch?.id ?? ctx.actor.branches[0]?.id ?? null;
  if (!chosen || !ctx.actor.branches.some((branch) => branch.id === chosen))
    invalid({ branchId: t('lab.error.branch') });
  return chosen;
}

/**
 * The lens fields' errors: each value must be one of its catalogue list's active values, or the
 * value the order already has (a value archived since stays on the orders that carry it).
 */
function listErrors(
  input: Pick<LabOrderInput, 'lensType' | 'lensMaterial' | 'lensIndex' | 'treatments'>,
  lists: LabLists,
  current: Pick<LabOrderDetail, 'lensType' | 'lensMaterial' | 'lensIndex' | 'treatments'> | null,
): Record<string, string> {
  const fields: Record<string, string> = {};
  const allowed = (list: keyof LabLists, value: string, kept: readonly (string | null)[]) =>
    (lists[list] ?? []).includes(value) || kept.includes(value);
  const single = [
    ['lensType', 'lens_types'],
    ['lensMaterial', 'materials'],
    ['lensIndex', 'indices'],
  ] as const;
  for (const [field, list] of single) {
    const value = input[field];
    if (value && !allowed(list, value, [current?.[field] ?? null])) fields[field] = t('lab.error.choice');
  }
  if (input.treatments.some((value) => !allowed('treatments', value, current?.treatments ?? [])))
    fields.treatments = t('lab.error.choice');
  return fields;
}

export async function createLabOrder(ctx: ShopContext, body: unknown): Promise<LabOrderDetail> {
  requireRight(ctx, 'labOrders.manage');
  const input = await validOrder(ctx, body, null);
  const branchId = writeBranch(ctx, input.branchId);
  const refs = await labOrderRefs(ctx.db, input);
  const fields: Record<string, string> = listErrors(input, refs.lists, null);
  if (!refs.customer) fields.customerId = t('lab.error.customer');
  if (input.labId && refs.lab?.kind !== 'supplier') fields.labId = t('lab.error.lab');
  if (input.prescriptionId && refs.prescription?.patientId !== input.customerId)
    fields.prescriptionId = t('lab.error.prescription');
  if (input.invoiceId && (!refs.invoice || (refs.invoice.customerId && refs.invoice.customerId !== input.customerId)))
    fields.invoiceId = t('lab.error.invoice');
  if (
    input.quotationId &&
    (!refs.quotation || (refs.quotation.customerId && refs.quotation.customerId !== input.customerId))
  )
    fields.quotationId = t('lab.error.quotation');
  if (input.frameProductId && !refs.frame) fields.frameProductId = t('lab.error.frame');
  if (Object.keys(fields).length) invalid(fields);
  const created = await insertLabOrder(ctx.db, { ...input, branchId }, ctx.actor.id);
  if (!created) throw new AppError('conflict', t('lab.error.noInitialStage'));
  await afterEvent(ctx);
  return (await selectLabOrder(ctx.db, created.id, null))!;
}

/** Replaces an order's own fields; its customer, Rx, branch and stage never change here. */
export async function updateLabOrder(ctx: ShopContext, id: string, body: unknown): Promise<LabOrderDetail> {
  requireRight(ctx, 'labOrders.manage');
  const current = await getLabOrder(ctx, id);
  const input = await validOrder(
    ctx,
    { ...(body as Record<string, unknown>), customerId: current.customerId },
    current,
  );
  const refs = await labOrderRefs(ctx.db, { ...input, prescriptionId: null, invoiceId: null, quotationId: null });
  const fields: Record<string, string> = listErrors(input, refs.lists, current);
  if (input.labId && refs.lab?.kind !== 'supplier') fields.labId = t('lab.error.lab');
  if (input.frameProductId && !refs.frame) fields.frameProductId = t('lab.error.frame');
  if (Object.keys(fields).length) invalid(fields);
  if (!(await changeLabOrder(ctx.db, current.id, input, branchScope(ctx.actor), ctx.actor.id)))
    throw new AppError('not_found');
  return getLabOrder(ctx, current.id);
}

export async function getLabOrder(ctx: ShopContext, id: string): Promise<LabOrderDetail> {
  requireRight(ctx, 'labOrders.view');
  const order = await selectLabOrder(ctx.db, id, branchScope(ctx.actor));
  if (!order) throw new AppError('not_found');
  return order;
}

/** The detail page's data in one round trip: the order, its timeline, the stages, the company. */
export async function labOrderPage(ctx: ShopContext, id: string) {
  requireRight(ctx, 'labOrders.view');
  const page = await selectLabOrderPage(ctx.db, id, branchScope(ctx.actor));
  if (!page.order) throw new AppError('not_found');
  return { ...page, order: page.order };
}

export async function listLabOrders(ctx: ShopContext, filter: { after: { number: number } | null; limit?: number }) {
  requireRight(ctx, 'labOrders.view');
  return selectLabOrders(ctx.db, { ...filter, scope: branchScope(ctx.actor) });
}

export async function labStages(ctx: ShopContext): Promise<LabStage[]> {
  requireRight(ctx, 'labOrders.view');
  return labStagesQuery(ctx.db);
}

/**
 * Moves an order to another stage if it is still in the one the client saw (one atomic statement:
 * of simultaneous moves exactly one wins; the others get a 409 naming the current stage). Delivery
 * with an open invoice balance needs an override reason. After the commit, the event is dispatched.
 */
export async function moveLabOrder(
  ctx: ShopContext,
  id: string,
  move: { toStageId: string; expectedStageId: string; overrideReason?: string | null },
): Promise<{ id: string; version: number }> {
  requireRight(ctx, 'labOrders.manage');
  const input = parsed(labMoveFields, move);
  if (input.toStageId === input.expectedStageId) invalid({ toStageId: t('lab.error.sameStage') });
  const result = await moveOrder(
    ctx.db,
    id,
    { ...input, overrideReason: input.overrideReason ?? null },
    branchScope(ctx.actor),
    ctx.actor.id,
  );
  if (!result.ok) {
    const current =
      result.currentStageId && result.currentStageName
        ? { id: result.currentStageId, name: result.currentStageName }
        : null;
    if (result.reason === 'not_found') throw new AppError('not_found');
    if (result.reason === 'stage') invalid({ toStageId: t('lab.error.stage') });
    if (result.reason === 'balance')
      throw new LabMoveConflict(
        t('lab.error.balance', { balance: formatMoney(result.balance ?? '0') }),
        current,
        result.balance ?? null,
      );
    throw new LabMoveConflict(t('lab.error.stale', { stage: current?.name ?? '' }), current);
  }
  await afterEvent(ctx);
  return { id, version: result.version };
}

export async function addLabOrderNote(ctx: ShopContext, id: string, body: unknown): Promise<void> {
  requireRight(ctx, 'labOrders.manage');
  const { note } = parsed(labNoteFields, body);
  if (!(await insertLabOrderEntry(ctx.db, id, { kind: 'note', note }, branchScope(ctx.actor), ctx.actor.id)))
    throw new AppError('not_found');
}

export const labPhotoMaxBytes = 5 * 1024 * 1024;

/** The image type by its first bytes (never by the name or the declared type). */
export function photoType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, index) => bytes[index] === byte))
    return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** Stores a photo under the tenant's prefix and puts it on the timeline. */
export async function addLabOrderPhoto(ctx: ShopContext, id: string, file: unknown): Promise<void> {
  requireRight(ctx, 'labOrders.manage');
  const order = await getLabOrder(ctx, id);
  if (!(file instanceof File) || file.size === 0) invalid({ photo: t('lab.error.photoMissing') });
  if (file.size > labPhotoMaxBytes) invalid({ photo: t('lab.error.photoSize') });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = photoType(bytes);
  if (!type) invalid({ photo: t('lab.error.photoType') });
  const key = `lab-orders/${order.id}/${crypto.randomUUID()}`;
  await ctx.files.put(key, bytes, { httpMetadata: { contentType: type } });
  if (
    !(await insertLabOrderEntry(
      ctx.db,
      order.id,
      { kind: 'photo', photoKey: key, photoType: type },
      branchScope(ctx.actor),
      ctx.actor.id,
    ))
  )
    throw new AppError('not_found');
}

/** A photo of an order the actor sees, read from this shop's own files only. */
export async function labOrderPhoto(
  ctx: ShopContext,
  orderId: string,
  entryId: string,
): Promise<{ body: ReadableStream; type: string }> {
  requireRight(ctx, 'labOrders.view');
  const photo = await selectLabOrderPhoto(ctx.db, orderId, entryId, branchScope(ctx.actor));
  if (!photo) throw new AppError('not_found');
  const object = await ctx.files.get(photo.photoKey);
  if (!object) throw new AppError('not_found');
  return { body: object.body, type: photo.photoType };
}

/** What a new order starts with when made from an invoice, a quotation or a prescription. */
export async function labOrderSource(
  ctx: ShopContext,
  source: { invoiceId?: string | null; quotationId?: string | null; prescriptionId?: string | null },
) {
  requireRight(ctx, 'labOrders.manage');
  if (!source.invoiceId && !source.quotationId && !source.prescriptionId) return null;
  const found = await selectLabOrderSource(ctx.db, source);
  if (!found) throw new AppError('not_found');
  if (found.branchId && !ctx.actor.branches.some((branch) => branch.id === found.branchId) && branchScope(ctx.actor))
    throw new AppError('not_found');
  return found;
}

export async function searchLabs(ctx: ShopContext, q: string) {
  requireRight(ctx, 'labOrders.manage');
  return selectLabs(ctx.db, q.slice(0, 100));
}

/**
 * After the commit, hands the new outbox event to the dispatcher. The event row itself is written
 * in the order's own statement (a CTE), so it commits or rolls back with the move.
 */
async function afterEvent(ctx: ShopContext): Promise<void> {
  await queueEventDispatch(ctx);
}

/** The customer a form is for (404 when there is none), their prescriptions and the labs. */
export async function labOrderForm(ctx: ShopContext, customerId: string): Promise<LabFormData> {
  requireRight(ctx, 'labOrders.manage');
  const data = await selectLabOrderFormData(ctx.db, customerId);
  if (!data.customer) throw new AppError('not_found');
  return data;
}

/** Customers to pick for a new order (name, identification or phone). */
export async function searchCustomers(ctx: ShopContext, q: string): Promise<Contact[]> {
  requireRight(ctx, 'labOrders.manage');
  return q ? (await listContacts(ctx.db, { q: q.slice(0, 100), limit: 20 })).rows : [];
}
