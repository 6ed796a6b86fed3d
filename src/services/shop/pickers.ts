import { can, type Permission } from '../../auth/permissions';
import { AppError } from '../../errors';
import {
  type CustomerRx,
  customerRx,
  pickCustomers,
  pickProducts,
  type PickerCustomer,
  type PickerProduct,
} from '../../queries/pickers';
import type { ShopContext } from './context';

/** The forms a picker serves, each with the permission its form needs. */
export const pickerForms = {
  invoices: 'invoices.manage',
  quotations: 'quotations.manage',
  'stock-adjust': 'stock.adjust',
  'stock-transfer': 'stock.transfer',
} as const satisfies Record<string, Permission>;

export type PickerForm = keyof typeof pickerForms;

export const customerPickerForms = ['invoices', 'quotations'] as const satisfies readonly PickerForm[];

export function isPickerForm(value: string | undefined): value is PickerForm {
  return value !== undefined && Object.hasOwn(pickerForms, value);
}

function ensureForm(ctx: ShopContext, form: PickerForm): void {
  if (!can(ctx.actor, pickerForms[form])) throw new AppError('forbidden');
}

/** One of the actor's branches: the one asked for, else their current one (stock is shown for it). */
export function pickerBranch(ctx: ShopContext, requested: string | null): string | null {
  const { branch, branches } = ctx.actor;
  if (requested && branches.some((candidate) => candidate.id === requested)) return requested;
  return branch?.id ?? null;
}

/** Customers a form's search box finds (at most a page), the chosen one first. */
export function searchPickerCustomers(
  ctx: ShopContext,
  input: { form: PickerForm; q: string; chosenId: string | null },
): Promise<PickerCustomer[]> {
  if (!(customerPickerForms as readonly string[]).includes(input.form)) throw new AppError('not_found');
  ensureForm(ctx, input.form);
  return pickCustomers(ctx.db, input.q, input.chosenId);
}

/** The customer just picked on a sales form: their prescriptions and latest one (the form's Rx offer). */
export function pickedCustomerRx(
  ctx: ShopContext,
  input: { form: PickerForm; customerId: string | null },
): Promise<CustomerRx> {
  if (!(customerPickerForms as readonly string[]).includes(input.form)) throw new AppError('not_found');
  ensureForm(ctx, input.form);
  return customerRx(ctx.db, input.customerId);
}

/** Products a form's search box finds (at most a page), with the on-hand quantity of the actor's branch. */
export function searchPickerProducts(
  ctx: ShopContext,
  input: { form: PickerForm; q: string; branchId: string | null },
): Promise<PickerProduct[]> {
  ensureForm(ctx, input.form);
  return pickProducts(ctx.db, input.q, pickerBranch(ctx, input.branchId));
}
