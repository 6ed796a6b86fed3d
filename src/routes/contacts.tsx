import { wantsFragment } from '../http/fragments';
import type { Context } from 'hono';
import { z } from 'zod';
import { requirePermission } from '../http/session';
import { contactKinds } from '../db/tenant-schema';
import { findTaxpayer } from '../dgii/lookup';
import { registrySql } from '../dgii/registry';
import { compactTaxId } from '../domain/tax-id';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  prepareContact,
  setContactArchived,
  updateContact,
  type Contact,
  type ContactWrite,
} from '../queries/contacts';
import { contactCursor } from '../http/cursors';
import { contactFields, type ContactInput } from '../schemas/contacts';
import { taxIdIssue } from '../schemas/common';
import type { FieldErrors } from '../errors';
import {
  ContactPage,
  ContactsPage,
  ContactResults,
  NameField,
  NewContactPage,
  RegistryResult,
  type ContactFormValues,
  type ContactNotice,
  type ListState,
} from '../views/contacts';

/** Shop screens: contacts. */
export const contactsRoutes = factory.createApp();

const uuid = z.uuid();

/** A fragment for htmx's own requests; boosted navigation and history restores want the whole page. */

function listState(c: Context<SignedInEnv>): ListState {
  const kind = c.req.query('kind') ?? '';
  const archived = c.req.query('archived');
  return {
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    kind: (contactKinds as readonly string[]).includes(kind) ? kind : '',
    archived: archived === 'true' || archived === 'all' ? archived : 'false',
  };
}

async function contactOr404(c: Context<SignedInEnv>, id: string | undefined): Promise<Contact> {
  const contact = uuid.safeParse(id).success ? await getContact(c.var.db, id!) : null;
  if (!contact) throw new AppError('not_found');
  return contact;
}

function submittedValues(body: Record<string, unknown>): ContactFormValues {
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

const lookupIn = (c: Context<SignedInEnv>) => (taxId: string) => findTaxpayer(registrySql(c.env), taxId);

/** prepareContact + the write; a validation failure or a duplicate becomes field errors for the form. */
async function saveContact(
  c: Context<SignedInEnv>,
  input: ContactInput,
  write: (values: Awaited<ReturnType<typeof prepareContact>>['values']) => Promise<ContactWrite | null>,
): Promise<{ result: ContactWrite | null; errors?: FieldErrors; duplicate?: { id: string; name: string } }> {
  try {
    const { values } = await prepareContact(input, lookupIn(c));
    const result = await write(values);
    if (result && !result.ok)
      return { result, errors: { idNumber: t('contacts.duplicate') }, duplicate: result.duplicate };
    return { result };
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation' && error.fields)
      return { result: null, errors: error.fields };
    throw error;
  }
}

const newContactShell = { title: t('contacts.new'), current: '/contacts' };
const contactShell = (contact: Contact) => ({ title: contact.name, current: '/contacts' });

contactsRoutes.get('/contacts', requirePermission('contacts.view'), async (c) => {
  const state = listState(c);
  const after = contactCursor.decode(c.req.query('cursor'));
  const page = await listContacts(c.var.db, {
    q: state.q,
    kind: (state.kind || null) as Contact['kind'] | null,
    archived: state.archived,
    after,
  });
  const props = {
    state,
    rows: page.rows,
    nextCursor: page.next ? contactCursor.encode(page.next) : null,
    isFirstPage: after === null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<ContactResults {...props} />);
  return c.render(<ContactsPage user={c.var.session} {...props} />, {
    title: t('contacts.title'),
    current: '/contacts',
  });
});

contactsRoutes.get('/contacts/new', requirePermission('contacts.manage'), (c) => {
  const kind = c.req.query('kind');
  return c.render(
    <NewContactPage
      values={{ kind: kind && (contactKinds as readonly string[]).includes(kind) ? kind : 'customer' }}
    />,
    newContactShell,
  );
});

/** What the DGII registry says about the RNC/cédula being typed; fills a blank (or registry-filled) name. */
contactsRoutes.get('/contacts/registry', requirePermission('contacts.manage'), async (c) => {
  const idType = c.req.query('idType');
  const idNumber = (c.req.query('idNumber') ?? '').trim().slice(0, 30);
  const name = (c.req.query('name') ?? '').trim();
  const registryName = c.req.query('registryName') ?? '';
  if (idNumber !== '' && !idType)
    return c.html(<RegistryResult message={t('contacts.idTypeRequired')} tone="warn" filledName={registryName} />);
  if ((idType !== 'rnc' && idType !== 'cedula') || idNumber === '') return c.html(<RegistryResult />);
  const digits = compactTaxId(idNumber);
  const formatIssue = taxIdIssue(idType, digits, true);
  if (formatIssue) {
    const typing = /^\d+$/.test(digits) && digits.length < (idType === 'rnc' ? 9 : 11);
    return c.html(
      <RegistryResult
        message={typing ? t('dgii.incomplete') : formatIssue}
        tone={typing ? 'info' : 'warn'}
        filledName={registryName}
      />,
    );
  }
  const taxpayer = await findTaxpayer(registrySql(c.env), digits);
  if (!taxpayer) {
    // The same message the submit gives for a number that fails its check digit.
    const checksumIssue = taxIdIssue(idType, digits, false);
    return c.html(
      <RegistryResult
        message={checksumIssue ?? t('dgii.notFound')}
        tone={checksumIssue ? 'warn' : 'info'}
        filledName={registryName}
      />,
    );
  }
  const fill = name === '' || name === registryName;
  return c.html(
    <>
      <RegistryResult taxpayer={taxpayer} filledName={fill ? taxpayer.name : registryName} />
      {fill ? <NameField value={taxpayer.name} oob fromRegistry /> : null}
    </>,
  );
});

contactsRoutes.post(
  '/contacts',
  requirePermission('contacts.manage'),
  validForm(contactFields, (c, errors, submitted) => {
    c.status(422);
    return c.render(<NewContactPage values={submittedValues(submitted)} errors={errors} />, newContactShell);
  }),
  async (c) => {
    const saved = await saveContact(c, c.req.valid('form'), (values) => createContact(c.var.db, values));
    if (saved.result?.ok) return c.redirect(`/contacts/${saved.result.contact.id}?notice=created`, 303);
    const values = submittedValues(await c.req.parseBody());
    c.status(422);
    return c.render(
      <NewContactPage values={values} errors={saved.errors} duplicate={saved.duplicate} />,
      newContactShell,
    );
  },
);

const notices: readonly ContactNotice[] = ['created', 'saved', 'archived', 'unarchived', 'hasDocuments'];

contactsRoutes.get('/contacts/:id', requirePermission('contacts.view'), async (c) => {
  const contact = await contactOr404(c, c.req.param('id'));
  const notice = notices.find((value) => value === c.req.query('notice')) ?? null;
  return c.render(<ContactPage user={c.var.session} contact={contact} notice={notice} />, contactShell(contact));
});

contactsRoutes.post(
  '/contacts/:id',
  requirePermission('contacts.manage'),
  validForm(contactFields, async (c, errors, submitted) => {
    const contact = await contactOr404(c, c.req.param('id'));
    c.status(422);
    return c.render(
      <ContactPage user={c.var.session} contact={contact} values={submittedValues(submitted)} errors={errors} />,
      contactShell(contact),
    );
  }),
  async (c) => {
    const contact = await contactOr404(c, c.req.param('id'));
    const saved = await saveContact(c, c.req.valid('form'), (values) => updateContact(c.var.db, contact.id, values));
    if (saved.result?.ok) return c.redirect(`/contacts/${contact.id}?notice=saved`, 303);
    if (!saved.errors) throw new AppError('not_found'); // deleted meanwhile
    const values = submittedValues(await c.req.parseBody());
    c.status(422);
    return c.render(
      <ContactPage
        user={c.var.session}
        contact={contact}
        values={values}
        errors={saved.errors}
        duplicate={saved.duplicate}
      />,
      contactShell(contact),
    );
  },
);

for (const [action, archived] of [
  ['archive', true],
  ['unarchive', false],
] as const) {
  contactsRoutes.post(`/contacts/:id/${action}`, requirePermission('contacts.archive'), async (c) => {
    const id = c.req.param('id');
    const contact = uuid.safeParse(id).success ? await setContactArchived(c.var.db, id, archived) : null;
    if (!contact) throw new AppError('not_found');
    return c.redirect(`/contacts/${contact.id}?notice=${archived ? 'archived' : 'unarchived'}`, 303);
  });
}

contactsRoutes.post('/contacts/:id/delete', requirePermission('contacts.archive'), async (c) => {
  const id = c.req.param('id');
  if (!uuid.safeParse(id).success) throw new AppError('not_found');
  const outcome = await deleteContact(c.var.db, id);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'has_documents') return c.redirect(`/contacts/${id}?notice=hasDocuments`, 303);
  return c.redirect('/contacts', 303);
});
