import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { shopToday } from '../domain/dates';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { priceLines } from '../queries/document-lines';
import {
  createDraft,
  deleteDraft,
  getInvoice,
  issueDraftInvoice,
  listInvoices,
  updateDraft,
  voidIssuedInvoice,
  type InvoiceDetail,
} from '../queries/invoices';
import type { SessionUser } from '../auth/session';
import { branchScope } from '../queries/branch-scope';
import {
  invoiceCreate,
  invoiceListQuery,
  invoiceOut,
  invoiceSummaryOut,
  invoiceUpdate,
  invoiceVoid,
} from '../schemas/invoices';
import { draftWriteErrors } from '../routes/invoices';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';
import { actorLabel } from '../queries/audit';
import { registryStatusOf } from '../dgii/lookup';

/** `/api/v1` resources: invoices. */
export const invoicesApi = createApiApp();

const idParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });
const uuid = z.uuid();

function pathId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id');
  if (!id || !uuid.safeParse(id).success) throw new AppError('not_found');
  return id;
}

/** The branches where the user may create documents (the current one first). */
function writableBranches(user: SessionUser): string[] {
  return [...(user.branch ? [user.branch.id] : []), ...user.branches.map((branch) => branch.id)];
}

function toJson(invoice: InvoiceDetail) {
  const {
    customerIdType: _type,
    customerIdNumber: _number,
    sequencePrefix: _prefix,
    issueKey: _key,
    version: _version,
    rateOnDate: _rate,
    createdByName: _by,
    prescriptionDate: _rx,
    ...rest
  } = invoice;
  return { ...rest, lines: invoice.lines.map(({ id: _id, trackStock: _track, ...line }) => line) };
}

const lineErrors = (errors: Record<string, string | undefined>) =>
  new AppError('validation', 'The request has invalid fields', errors as Record<string, string>);

invoicesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices',
    operationId: 'listInvoices',
    summary: 'Invoices, newest first (the branches the user may see)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { query: pageQuery.extend(invoiceListQuery.shape) },
    responses: {
      200: jsonResponse(pageOf(invoiceSummaryOut), 'One page of invoices'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, status, q } = c.req.valid('query');
    const values = decodeCursor(cursor);
    if (
      cursor &&
      (values?.length !== 2 || !uuid.safeParse(values[1]).success || Number.isNaN(Date.parse(String(values[0]))))
    ) {
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    }
    const after = values ? { createdAt: String(values[0]), id: String(values[1]) } : null;
    const { rows, next } = await listInvoices(c.var.db, {
      branchIds: branchScope(c.var.session),
      status,
      q: q || undefined,
      after,
      limit,
    });
    return c.json(
      {
        data: rows.map(({ currencySymbol: _symbol, ...row }) => row),
        nextCursor: next ? encodeCursor([next.createdAt, next.id]) : null,
      },
      200,
    );
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices',
    operationId: 'createInvoice',
    summary: 'Create a draft invoice (no NCF yet); totals are computed by the server',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { body: jsonBody(invoiceCreate) },
    responses: { 201: jsonResponse(invoiceOut, 'The draft'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const branches = writableBranches(c.var.session);
    const branchId = input.branchId ?? branches[0];
    if (!branchId || !branches.includes(branchId))
      throw new AppError('validation', t('invoices.validation.branch'), { branchId: t('invoices.validation.branch') });
    const priced = await priceLines(c.var.db, input.lines);
    if (!priced.ok) throw lineErrors(priced.errors);
    const result = await createDraft(c.var.db, { ...input, branchId }, priced.lines, priced.totals, c.var.session.id);
    if (!result.ok) throw lineErrors(draftWriteErrors(result));
    const invoice = await getInvoice(c.var.db, result.id);
    return c.json(toJson(invoice!), 201);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}',
    operationId: 'getInvoice',
    summary: 'An invoice with its lines, totals, payments and credit notes',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { params: idParam },
    responses: { 200: jsonResponse(invoiceOut, 'The invoice'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    const invoice = await getInvoice(c.var.db, pathId(c), { branchIds: branchScope(c.var.session) });
    if (invoice?.kind !== 'invoice') throw new AppError('not_found');
    return c.json(toJson(invoice), 200);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/invoices/{id}',
    operationId: 'updateInvoice',
    summary: 'Change a draft (fields given replace the stored ones; `lines` replaces every line)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { params: idParam, body: jsonBody(invoiceUpdate) },
    responses: { 200: jsonResponse(invoiceOut, 'The draft'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const id = pathId(c);
    const input = c.req.valid('json');
    const current = await getInvoice(c.var.db, id, { branchIds: branchScope(c.var.session) });
    if (current?.kind !== 'invoice') throw new AppError('not_found');
    if (current.status !== 'draft') throw new AppError('conflict', t('invoices.error.notDraft'));
    const branchId = input.branchId ?? current.branchId;
    if (
      input.branchId &&
      input.branchId !== current.branchId &&
      !writableBranches(c.var.session).includes(input.branchId)
    ) {
      throw new AppError('validation', t('invoices.validation.branch'), { branchId: t('invoices.validation.branch') });
    }
    const pick = <K extends keyof typeof input>(key: K, fallback: NonNullable<(typeof input)[K]> | null) =>
      input[key] === undefined ? fallback : input[key];
    const storedLines = current.lines.map((line) => ({
      productId: line.productId,
      sku: null,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
      taxId: line.taxId,
    }));
    const priced = await priceLines(c.var.db, input.lines ?? storedLines);
    if (!priced.ok) throw lineErrors(priced.errors);
    const result = await updateDraft(
      c.var.db,
      id,
      {
        branchId,
        ncfType: input.ncfType ?? current.ncfType,
        customerId: pick('customerId', current.customerId),
        sequenceId: pick('sequenceId', current.sequenceId),
        currencyCode: input.currencyCode ?? current.currencyCode,
        dueOn: pick('dueOn', current.dueOn),
        prescriptionId: pick('prescriptionId', current.prescriptionId),
        notes: pick('notes', current.notes),
      },
      priced.lines,
      priced.totals,
    );
    if (!result.ok && 'notDraft' in result) throw new AppError('conflict', t('invoices.error.notDraft'));
    if (!result.ok) throw lineErrors(draftWriteErrors(result));
    const invoice = await getInvoice(c.var.db, id);
    return c.json(toJson(invoice!), 200);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'delete',
    path: '/invoices/{id}',
    operationId: 'deleteInvoice',
    summary: 'Delete a draft (issued invoices are fiscal documents and are never deleted)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const outcome = await deleteDraft(c.var.db, pathId(c), branchScope(c.var.session));
    if (outcome === 'not_found') throw new AppError('not_found');
    if (outcome === 'not_draft') throw new AppError('conflict', t('invoices.error.notDraft'));
    return c.body(null, 204);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/issue',
    operationId: 'issueInvoice',
    summary:
      'Issue a draft: allocates the NCF, dates it today, snapshots the buyer and records the sale in stock, atomically',
    description:
      'Idempotent with the `Idempotency-Key` header: repeating the request with the same key answers the issued invoice again (no new number); ' +
      'issuing an invoice already issued without that key answers 409. An exhausted, expired or missing sequence answers 422 and the invoice stays a draft.',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: {
      params: idParam,
      headers: z.object({
        'idempotency-key': z
          .string()
          .min(1)
          .max(200)
          .optional()
          .openapi({ description: 'Idempotency-Key: the same key repeats the first answer' }),
      }),
    },
    responses: { 200: jsonResponse(invoiceOut, 'The issued invoice'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const user = c.var.session;
    const id = pathId(c);
    const key = c.req.header('idempotency-key')?.trim() || null;
    const { invoice } = await issueDraftInvoice(c.var.db, {
      id,
      branchIds: branchScope(c.var.session),
      issueKey: key,
      userId: user.id,
      actor: actorLabel(user),
      today: shopToday(),
      registryStatus: registryStatusOf(c.env),
    });
    return c.json(toJson(invoice), 200);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/void',
    operationId: 'voidInvoice',
    summary:
      'Void an issued invoice without active payments or credit notes (DGII 608 reason 01-10); the stock sold comes back',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.void')] as const,
    request: { params: idParam, body: jsonBody(invoiceVoid) },
    responses: { 200: jsonResponse(invoiceOut, 'The voided invoice'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const id = pathId(c);
    const input = c.req.valid('json');
    const scope = branchScope(c.var.session);
    if (scope) {
      const visible = await getInvoice(c.var.db, id, { branchIds: scope });
      if (!visible) throw new AppError('not_found');
    }
    await voidIssuedInvoice(c.var.db, {
      id,
      reason: input.reason,
      note: input.note ?? null,
      userId: c.var.session.id,
      actor: actorLabel(c.var.session),
    });
    const invoice = await getInvoice(c.var.db, id);
    return c.json(toJson(invoice!), 200);
  },
);
