import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../errors';
import { contactCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { contactFields, contactKinds } from '../schemas/contacts';
import {
  checkRegistry,
  createContact,
  deleteContact,
  DuplicateContactError,
  getContact,
  listContacts,
  setContactArchived,
  updateContact,
  type Contact,
} from '../services/shop/contacts';
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

function listState(c: Context<SignedInEnv>): ListState {
  const kind = c.req.query('kind') ?? '';
  const archived = c.req.query('archived');
  return {
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    kind: (contactKinds as readonly string[]).includes(kind) ? kind : '',
    archived: archived === 'true' || archived === 'all' ? archived : 'false',
  };
}

function submittedValues(body: Record<string, unknown>): ContactFormValues {
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The form's refusals: field errors, and the contact that already has a duplicate identification. */
function refusal(error: unknown): { errors: FieldErrors; duplicate?: { id: string; name: string } } {
  if (error instanceof DuplicateContactError)
    return { errors: { idNumber: t('contacts.duplicate') }, duplicate: error.duplicate };
  if (error instanceof AppError && error.code === 'validation' && error.fields) return { errors: error.fields };
  throw error;
}

const newContactShell = { title: t('contacts.new'), current: '/contacts' };
const contactShell = (contact: Contact) => ({ title: contact.name, current: '/contacts' });

contactsRoutes.get('/contacts', requirePermission('contacts.view'), async (c) => {
  const state = listState(c);
  const after = contactCursor.decode(c.req.query('cursor'));
  const page = await listContacts(shopContext(c), {
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
  const idNumber = (c.req.query('idNumber') ?? '').trim().slice(0, 30);
  const name = (c.req.query('name') ?? '').trim();
  const registryName = c.req.query('registryName') ?? '';
  const check = await checkRegistry(shopContext(c), { idType: c.req.query('idType'), idNumber });
  if (check.kind === 'none') return c.html(<RegistryResult />);
  if (check.kind === 'message')
    return c.html(<RegistryResult message={check.message} tone={check.tone} filledName={registryName} />);
  const fill = name === '' || name === registryName;
  return c.html(
    <>
      <RegistryResult taxpayer={check.taxpayer} filledName={fill ? check.taxpayer.name : registryName} />
      {fill ? <NameField value={check.taxpayer.name} oob fromRegistry /> : null}
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
    try {
      const contact = await createContact(shopContext(c), c.req.valid('form'));
      return c.redirect(`/contacts/${contact.id}?notice=created`, 303);
    } catch (error) {
      const { errors, duplicate } = refusal(error);
      const values = submittedValues(await c.req.parseBody());
      c.status(422);
      return c.render(<NewContactPage values={values} errors={errors} duplicate={duplicate} />, newContactShell);
    }
  },
);

const notices: readonly ContactNotice[] = ['created', 'saved', 'archived', 'unarchived', 'hasDocuments'];

contactsRoutes.get('/contacts/:id', requirePermission('contacts.view'), async (c) => {
  const contact = await getContact(shopContext(c), idParam(c));
  const notice = notices.find((value) => value === c.req.query('notice')) ?? null;
  return c.render(<ContactPage user={c.var.session} contact={contact} notice={notice} />, contactShell(contact));
});

contactsRoutes.post(
  '/contacts/:id',
  requirePermission('contacts.manage'),
  validForm(contactFields, async (c, errors, submitted) => {
    const contact = await getContact(shopContext(c as Context<SignedInEnv>), idParam(c));
    c.status(422);
    return c.render(
      <ContactPage user={c.var.session} contact={contact} values={submittedValues(submitted)} errors={errors} />,
      contactShell(contact),
    );
  }),
  async (c) => {
    const ctx = shopContext(c);
    const contact = await getContact(ctx, idParam(c));
    try {
      await updateContact(ctx, contact.id, c.req.valid('form'));
      return c.redirect(`/contacts/${contact.id}?notice=saved`, 303);
    } catch (error) {
      const { errors, duplicate } = refusal(error);
      const values = submittedValues(await c.req.parseBody());
      c.status(422);
      return c.render(
        <ContactPage user={c.var.session} contact={contact} values={values} errors={errors} duplicate={duplicate} />,
        contactShell(contact),
      );
    }
  },
);

for (const [action, archived] of [
  ['archive', true],
  ['unarchive', false],
] as const) {
  contactsRoutes.post(`/contacts/:id/${action}`, requirePermission('contacts.archive'), async (c) => {
    const contact = await setContactArchived(shopContext(c), idParam(c), archived);
    return c.redirect(`/contacts/${contact.id}?notice=${archived ? 'archived' : 'unarchived'}`, 303);
  });
}

contactsRoutes.post('/contacts/:id/delete', requirePermission('contacts.archive'), async (c) => {
  const id = idParam(c);
  try {
    await deleteContact(shopContext(c), id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict')
      return c.redirect(`/contacts/${id}?notice=hasDocuments`, 303);
    throw error;
  }
  return c.redirect('/contacts', 303);
});
