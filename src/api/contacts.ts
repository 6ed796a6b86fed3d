import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { findTaxpayer } from '../dgii/lookup';
import { registrySql } from '../dgii/registry';
import { formatTaxId } from '../domain/tax-id';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  prepareContact,
  updateContact,
  type Contact,
  type ContactWrite,
} from '../queries/contacts';
import { contactCursor } from '../http/cursors';
import {
  contactCreate,
  contactIdParam,
  contactListQuery,
  contactOut,
  contactPatch,
  type ContactInput,
} from '../schemas/contacts';
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

const uuid = z.uuid();

async function contactOr404(c: Context<SignedInEnv>, id: string): Promise<Contact> {
  const contact = uuid.safeParse(id).success ? await getContact(c.var.db, id) : null;
  if (!contact) throw new AppError('not_found');
  return contact;
}

/** A duplicate identification: 409 naming the contact that already has it. */
function written(result: ContactWrite | null): Contact {
  if (!result) throw new AppError('not_found');
  if (!result.ok) {
    throw new AppError(
      'conflict',
      `${t('contacts.duplicate')} id: ${result.duplicate.id} (/api/v1/contacts/${result.duplicate.id})`,
      {
        idNumber: t('contacts.duplicate'),
      },
    );
  }
  return result.contact;
}

const lookupIn = (c: Context<SignedInEnv>) => (taxId: string) => findTaxpayer(registrySql(c.env), taxId);

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
    if (query.cursor && !after)
      throw new AppError('validation', 'The request has invalid fields', { cursor: 'Malformed cursor' });
    const page = await listContacts(c.var.db, {
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
    const { values } = await prepareContact(c.req.valid('json'), lookupIn(c));
    return c.json(toJson(written(await createContact(c.var.db, values))), 201);
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
  async (c) => c.json(toJson(await contactOr404(c, c.req.valid('param').id)), 200),
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
    const { archived, ...changes } = c.req.valid('json');
    if (archived !== undefined && !can(c.var.session.role, 'contacts.archive')) throw new AppError('forbidden');
    const contact = await contactOr404(c, c.req.valid('param').id);
    const current: ContactInput = {
      kind: contact.kind,
      idType: contact.idType,
      idNumber: contact.idNumber,
      name: contact.name,
      phone: contact.phone,
      mobile: contact.mobile,
      email: contact.email,
      address: contact.address,
      birthDate: contact.birthDate,
      gender: contact.gender,
      notes: contact.notes,
    };
    const present = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const { values } = await prepareContact({ ...current, ...present }, lookupIn(c));
    return c.json(toJson(written(await updateContact(c.var.db, contact.id, { ...values, archived }))), 200);
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
    const id = c.req.valid('param').id;
    if (!uuid.safeParse(id).success) throw new AppError('not_found');
    const outcome = await deleteContact(c.var.db, id);
    if (outcome === 'not_found') throw new AppError('not_found');
    if (outcome === 'has_documents') throw new AppError('conflict', t('contacts.hasDocuments'));
    return c.body(null, 204);
  },
);
