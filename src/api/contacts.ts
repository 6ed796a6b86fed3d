import { createRoute, type z } from '@hono/zod-openapi';
import { formatTaxId } from '../domain/tax-id';
import { contactCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { contactCreate, contactIdParam, contactListQuery, contactOut, contactPatch } from '../schemas/contacts';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  patchContact,
  type Contact,
} from '../services/shop/contacts';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: contacts. */
export const contactsApi = createApiApp();

function toJson(contact: Contact): z.infer<typeof contactOut> {
  return {
    id: contact.id,
    kind: contact.kind,
    idType: contact.idType ?? null,
    idNumber: contact.idNumber,
    idNumberFormatted:
      contact.idNumber && contact.idType !== 'pasaporte' ? formatTaxId(contact.idNumber) : contact.idNumber,
    name: contact.name,
    phone: contact.phone,
    mobile: contact.mobile,
    email: contact.email,
    address: contact.address,
    birthDate: contact.birthDate,
    gender: contact.gender ?? null,
    notes: contact.notes,
    archived: contact.archivedAt !== null,
    archivedAt: contact.archivedAt?.toISOString() ?? null,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}

const idParams = contactIdParam;
const tags = ['Contacts'];

contactsApi.openapi(
  createRoute({
    method: 'get',
    path: '/contacts',
    operationId: 'listContacts',
    summary: 'List contacts (name order, cursor pagination); q searches name, RNC/cédula/passport or phone',
    tags,
    middleware: [requirePermission('contacts.view')] as const,
    request: { query: pageQuery.extend(contactListQuery.shape) },
    responses: { 200: jsonResponse(pageOf(contactOut), 'A page of contacts'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const after = contactCursor.decode(query.cursor);
    const page = await listContacts(shopContext(c), {
      q: query.q,
      kind: query.kind,
      archived: query.archived,
      limit: query.limit,
      after,
    });
    return c.json({ data: page.rows.map(toJson), nextCursor: page.next ? contactCursor.encode(page.next) : null }, 200);
  },
);

contactsApi.openapi(
  createRoute({
    method: 'post',
    path: '/contacts',
    operationId: 'createContact',
    summary: 'Create a contact (RNC/cédula checked; a blank name is filled from the DGII registry)',
    tags,
    middleware: [requirePermission('contacts.manage')] as const,
    request: { body: jsonBody(contactCreate) },
    responses: { 201: jsonResponse(contactOut, 'The new contact'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => {
    return c.json(toJson(await createContact(shopContext(c), c.req.valid('json'))), 201);
  },
);

contactsApi.openapi(
  createRoute({
    method: 'get',
    path: '/contacts/{id}',
    operationId: 'getContact',
    summary: 'One contact',
    tags,
    middleware: [requirePermission('contacts.view')] as const,
    request: { params: idParams },
    responses: { 200: jsonResponse(contactOut, 'The contact'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getContact(shopContext(c), idParam(c))), 200),
);

contactsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/contacts/{id}',
    operationId: 'updateContact',
    summary: 'Change a contact; `archived` archives or restores it (needs contacts.archive)',
    tags,
    middleware: [requirePermission('contacts.manage')] as const,
    request: { params: idParams, body: jsonBody(contactPatch) },
    responses: { 200: jsonResponse(contactOut, 'The changed contact'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const contact = await patchContact(shopContext(c), idParam(c), c.req.valid('json'));
    return c.json(toJson(contact), 200);
  },
);

contactsApi.openapi(
  createRoute({
    method: 'delete',
    path: '/contacts/{id}',
    operationId: 'deleteContact',
    summary: 'Delete a contact that has no documents (otherwise 409: archive it instead)',
    tags,
    middleware: [requirePermission('contacts.archive')] as const,
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteContact(shopContext(c), idParam(c));
    return c.body(null, 204);
  },
);
