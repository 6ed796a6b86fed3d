import { findTaxpayer, type Taxpayer } from '../../dgii/lookup';
import { registrySql } from '../../dgii/registry';
import { compactTaxId } from '../../domain/tax-id';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  createContact as insertContact,
  deleteContact as removeContact,
  getContact as selectContact,
  listContacts as selectContacts,
  updateContact as changeContact,
  type Contact,
  type ContactFilter,
  type ContactPage,
  type ContactValues,
  type ContactWrite,
} from '../../queries/contacts';
import { taxIdIssue } from '../../schemas/common';
import type { ContactInput } from '../../schemas/contacts';
import { requireRight, type ShopContext } from './context';

export type { Contact, ContactFilter, ContactPage };

/** A duplicate identification (409): the contact that already has it, for the form's link. */
export class DuplicateContactError extends AppError {
  readonly duplicate: Pick<Contact, 'id' | 'name'>;

  constructor(duplicate: Pick<Contact, 'id' | 'name'>) {
    super('conflict', `${t('contacts.duplicate')} id: ${duplicate.id} (/api/v1/contacts/${duplicate.id})`, {
      idNumber: t('contacts.duplicate'),
    });
    this.duplicate = duplicate;
  }
}

export type TaxpayerLookup = (taxId: string) => Promise<Taxpayer | null>;

const registryLookup =
  (ctx: ShopContext): TaxpayerLookup =>
  (taxId) =>
    findTaxpayer(registrySql(ctx.env), taxId);

/**
 * Applies the identification rules to validated fields: type and number go together; cédula and
 * RNC must pass their check digit unless the DGII registry has them; they are stored as digits,
 * passports upper-case without spaces; a blank name is filled from the registry. The registry is
 * asked only when it can change the outcome. Throws a validation AppError with field messages.
 */
export async function prepareContact(
  input: ContactInput,
  lookup: TaxpayerLookup,
): Promise<{ values: ContactValues; taxpayer: Taxpayer | null }> {
  const errors: Record<string, string> = {};
  let idNumber: string | null = null;
  let taxpayer: Taxpayer | null = null;
  const idType = input.idType ?? null;
  const raw = input.idNumber ?? null;
  if (raw && !idType) errors.idType = t('contacts.idTypeRequired');
  else if (idType && !raw) errors.idNumber = t('contacts.idNumberRequired');
  else if (idType === 'pasaporte' && raw) {
    idNumber = raw.replace(/[\s-]/g, '').toUpperCase();
    if (!/^[A-Z0-9]{5,20}$/.test(idNumber)) errors.idNumber = t('contacts.passportFormat');
  } else if ((idType === 'cedula' || idType === 'rnc') && raw) {
    const formatIssue = taxIdIssue(idType, raw, true);
    if (formatIssue) errors.idNumber = formatIssue;
    else {
      idNumber = compactTaxId(raw);
      if (taxIdIssue(idType, idNumber, false) !== null || !input.name) taxpayer = await lookup(idNumber);
      const issue = taxIdIssue(idType, idNumber, taxpayer !== null);
      if (issue) errors.idNumber = issue;
    }
  }
  const name = input.name ?? taxpayer?.name ?? null;
  if (!name) errors.name = t('validation.required');
  if (Object.keys(errors).length) throw new AppError('validation', t('validation.summary'), errors);
  return {
    taxpayer,
    values: {
      kind: input.kind,
      idType,
      idNumber,
      name: name!,
      phone: input.phone ?? null,
      mobile: input.mobile ?? null,
      email: input.email ?? null,
      address: input.address ?? null,
      birthDate: input.birthDate ?? null,
      gender: input.gender ?? null,
      notes: input.notes ?? null,
    },
  };
}

/** The written contact; a duplicate identification is a DuplicateContactError, a vanished contact a 404. */
function written(result: ContactWrite | null): Contact {
  if (!result) throw new AppError('not_found');
  if (!result.ok) throw new DuplicateContactError(result.duplicate);
  return result.contact;
}

export async function listContacts(ctx: ShopContext, filter: ContactFilter): Promise<ContactPage> {
  requireRight(ctx, 'contacts.view');
  return selectContacts(ctx.db, filter);
}

export async function getContact(ctx: ShopContext, id: string): Promise<Contact> {
  requireRight(ctx, 'contacts.view');
  const contact = await selectContact(ctx.db, id);
  if (!contact) throw new AppError('not_found');
  return contact;
}

export async function createContact(ctx: ShopContext, input: ContactInput): Promise<Contact> {
  requireRight(ctx, 'contacts.manage');
  const { values } = await prepareContact(input, registryLookup(ctx));
  return written(await insertContact(ctx.db, values));
}

/** Replaces every field of a contact (the form). */
export async function updateContact(ctx: ShopContext, id: string, input: ContactInput): Promise<Contact> {
  requireRight(ctx, 'contacts.manage');
  const { values } = await prepareContact(input, registryLookup(ctx));
  return written(await changeContact(ctx.db, id, values));
}

/** Changes the fields given (the API's PATCH); `archived` archives or restores, which needs contacts.archive. */
export async function patchContact(
  ctx: ShopContext,
  id: string,
  changes: Partial<ContactInput> & { archived?: boolean },
): Promise<Contact> {
  requireRight(ctx, 'contacts.manage');
  const { archived, ...fields } = changes;
  if (archived !== undefined) requireRight(ctx, 'contacts.archive');
  const contact = await getContact(ctx, id);
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
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const { values } = await prepareContact({ ...current, ...present }, registryLookup(ctx));
  return written(await changeContact(ctx.db, contact.id, { ...values, archived }));
}

export async function setContactArchived(ctx: ShopContext, id: string, archived: boolean): Promise<Contact> {
  requireRight(ctx, 'contacts.archive');
  return written(await changeContact(ctx.db, id, { archived }));
}

/** Deletes a contact that no document refers to; 409 (contacts.hasDocuments) otherwise: archive it instead. */
export async function deleteContact(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'contacts.archive');
  const outcome = await removeContact(ctx.db, id);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'has_documents') throw new AppError('conflict', t('contacts.hasDocuments'));
}

export type RegistryCheck =
  | { kind: 'none' }
  | { kind: 'message'; message: string; tone: 'info' | 'warn' }
  | { kind: 'taxpayer'; taxpayer: Taxpayer };

/** What the DGII registry says about an RNC/cédula being typed in the contact form. */
export async function checkRegistry(
  ctx: ShopContext,
  input: { idType: string | undefined; idNumber: string },
): Promise<RegistryCheck> {
  requireRight(ctx, 'contacts.manage');
  const { idType, idNumber } = input;
  if (idNumber !== '' && !idType) return { kind: 'message', message: t('contacts.idTypeRequired'), tone: 'warn' };
  if ((idType !== 'rnc' && idType !== 'cedula') || idNumber === '') return { kind: 'none' };
  const digits = compactTaxId(idNumber);
  const formatIssue = taxIdIssue(idType, digits, true);
  if (formatIssue) {
    const typing = /^\d+$/.test(digits) && digits.length < (idType === 'rnc' ? 9 : 11);
    return typing
      ? { kind: 'message', message: t('dgii.incomplete'), tone: 'info' }
      : { kind: 'message', message: formatIssue, tone: 'warn' };
  }
  const taxpayer = await registryLookup(ctx)(digits);
  if (taxpayer) return { kind: 'taxpayer', taxpayer };
  // The same message the submit gives for a number that fails its check digit.
  const checksumIssue = taxIdIssue(idType, digits, false);
  return checksumIssue
    ? { kind: 'message', message: checksumIssue, tone: 'warn' }
    : { kind: 'message', message: t('dgii.notFound'), tone: 'info' };
}
