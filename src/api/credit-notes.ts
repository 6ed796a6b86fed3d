import { createRoute, type z } from '@hono/zod-openapi';
import { createdCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { CreditNote, CreditNoteSummary } from '../queries/credit-notes';
import { creditNoteCreate, creditNoteOut, creditNoteSummaryOut } from '../schemas/credit-notes';
import { paymentIdParam } from '../schemas/payments';
import { getCreditNote, issueCreditNote, listCreditNotes } from '../services/shop/credit-notes';
import { signedEcfXml } from '../services/shop/ecf-xml';
import { createApiApp } from './app';
import { ecfJson, signedXmlResponse, xmlResponse } from './ecf';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { uuidPath } from './payments';

/** `/api/v1` resources: credit-notes. */
export const creditNotesApi = createApiApp();

const tags = ['Credit notes'];

function summaryJson(note: CreditNoteSummary): z.infer<typeof creditNoteSummaryOut> {
  return {
    id: note.id,
    status: note.status,
    ncf: note.ncf,
    ncfType: note.ncfType,
    ncfValidUntil: note.ncfValidUntil,
    issuedOn: note.issuedOn,
    customerId: note.customerId,
    buyerName: note.buyerName,
    buyerIdType: note.buyerIdType,
    buyerIdNumber: note.buyerIdNumber,
    branchId: note.branchId,
    currencyCode: note.currencyCode,
    exchangeRate: note.exchangeRate,
    grossTotal: note.grossTotal,
    discountTotal: note.discountTotal,
    taxableTotal: note.taxableTotal,
    exemptTotal: note.exemptTotal,
    itbisTotal: note.itbisTotal,
    total: note.total,
    totalDop: note.totalDop,
    taxBreakdown: note.taxBreakdown,
    refundsItbis: note.refundsItbis,
    creditReason: note.creditReason,
    modifiedNcf: note.modifiedNcf,
    originalId: note.originalId,
    createdAt: note.createdAt,
    ecfStatus: note.ecfStatus,
  };
}

function noteJson(note: CreditNote): z.infer<typeof creditNoteOut> {
  return {
    ...summaryJson({ ...note, ecfStatus: note.ecf?.state ?? null }),
    lines: note.lines,
    ecf: ecfJson({
      ecf: note.ecf,
      issuedOn: note.issuedOn,
      buyer: { idType: note.buyerIdType, idNumber: note.buyerIdNumber },
    }),
  };
}

creditNotesApi.openapi(
  createRoute({
    method: 'get',
    path: '/credit-notes',
    operationId: 'listCreditNotes',
    summary: 'Credit notes, newest first (cursor pagination)',
    tags,
    middleware: [requirePermission('invoices.view')] as const,
    request: { query: pageQuery },
    responses: {
      200: jsonResponse(pageOf(creditNoteSummaryOut), 'One page of credit notes'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listCreditNotes(shopContext(c), { after, limit });
    return c.json({ data: rows.map(summaryJson), nextCursor: next ? createdCursor.encode(next) : null }, 200);
  },
);

creditNotesApi.openapi(
  createRoute({
    method: 'get',
    path: '/credit-notes/{id}',
    operationId: 'getCreditNote',
    summary: 'One credit note with its lines',
    tags,
    middleware: [requirePermission('invoices.view'), uuidPath] as const,
    request: { params: paymentIdParam },
    responses: { 200: jsonResponse(creditNoteOut, 'The credit note'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    return c.json(noteJson(await getCreditNote(shopContext(c), idParam(c))), 200);
  },
);

creditNotesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}/credit-notes',
    operationId: 'listInvoiceCreditNotes',
    summary: 'The credit notes that modify one invoice, newest first',
    tags,
    middleware: [requirePermission('invoices.view'), uuidPath] as const,
    request: { params: paymentIdParam, query: pageQuery },
    responses: {
      200: jsonResponse(pageOf(creditNoteSummaryOut), 'One page of the invoice’s credit notes'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listCreditNotes(shopContext(c), { invoiceId: idParam(c), after, limit });
    return c.json({ data: rows.map(summaryJson), nextCursor: next ? createdCursor.encode(next) : null }, 200);
  },
);

creditNotesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/credit-notes',
    operationId: 'createCreditNote',
    summary:
      'Issue a credit note (B04, or E34 for an E-series invoice) for chosen lines or in full; same buyer; no ITBIS refund after 30 days; total within what remains creditable',
    tags,
    middleware: [requirePermission('creditNotes.manage'), uuidPath] as const,
    request: { params: paymentIdParam, body: jsonBody(creditNoteCreate) },
    responses: {
      201: jsonResponse(creditNoteOut, 'The issued credit note'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const ctx = shopContext(c);
    const noteId = await issueCreditNote(ctx, idParam(c), c.req.valid('json'));
    return c.json(noteJson(await getCreditNote(ctx, noteId)), 201);
  },
);

creditNotesApi.openapi(
  createRoute({
    method: 'get',
    path: '/credit-notes/{id}/ecf.xml',
    operationId: 'getCreditNoteEcfXml',
    summary: 'The signed e-CF XML of an E34 credit note, as sent to DGII (404 for B04)',
    tags,
    middleware: [requirePermission('invoices.view'), uuidPath] as const,
    request: { params: paymentIdParam },
    responses: { 200: signedXmlResponse, ...problemResponses(401, 403, 404) },
  }),
  // The typed responses cannot describe an XML body; the Response is what the route documents.
  async (c) => xmlResponse(await signedEcfXml(shopContext(c), idParam(c), 'credit_note')) as never,
);
