import { AppError } from '../../errors';
import { actorLabel } from '../../queries/audit';
import { branchScope, listScope } from '../../queries/branch-scope';
import type { CreatedCursor } from '../../queries/keyset';
import {
  getPayment as loadPayment,
  listPayments as loadPayments,
  payableInvoice as loadPayableInvoice,
  recordPayment as recordPaymentSql,
  updatePayment as updatePaymentSql,
  voidPayment as voidPaymentSql,
  type PayableInvoice,
  type Payment,
  type PaymentListRow,
  type PaymentPeriod,
  type PaymentOutcome,
  type PaymentWrite,
} from '../../queries/payments';
import { refusalError } from '../refusals';
import { requireRight, type ShopContext } from './context';
import { queueEventDispatch } from './events';

/** Our SQL functions' refusals as AppErrors (src/domain/refusals.ts); anything else propagates. */
export function paymentError(error: unknown): never {
  throw refusalError(error, 'payment', { type: 'REC' });
}

function settled<T>(outcome: PaymentOutcome<T>): T {
  if (!outcome.ok) paymentError(outcome.refusal);
  return outcome.value;
}

export async function listPayments(
  ctx: ShopContext,
  filter: {
    invoiceId?: string;
    q?: string;
    branch?: string | null;
    after?: CreatedCursor | null;
    limit: number;
  } & PaymentPeriod,
): Promise<{ rows: PaymentListRow[]; next: CreatedCursor | null }> {
  requireRight(ctx, 'invoices.view');
  const { branch, ...rest } = filter;
  const scope = branchScope(ctx.actor);
  if (rest.invoiceId && !(await loadPayableInvoice(ctx.db, rest.invoiceId, scope))) throw new AppError('not_found');
  return loadPayments(ctx.db, { ...rest, scope: listScope(ctx.actor, branch) });
}

/** The invoice a payment would be recorded against (404 when unknown or outside the actor's branches). */
export async function payableInvoice(ctx: ShopContext, invoiceId: string): Promise<PayableInvoice> {
  requireRight(ctx, 'invoices.view');
  const invoice = await loadPayableInvoice(ctx.db, invoiceId, branchScope(ctx.actor));
  if (!invoice) throw new AppError('not_found');
  return invoice;
}

export async function getPayment(ctx: ShopContext, id: string): Promise<Payment> {
  requireRight(ctx, 'invoices.view');
  const payment = await loadPayment(ctx.db, id, branchScope(ctx.actor));
  if (!payment) throw new AppError('not_found');
  return payment;
}

/** Records a payment against an issued invoice; the new receipt. */
export async function recordPayment(ctx: ShopContext, invoiceId: string, input: PaymentWrite): Promise<Payment> {
  requireRight(ctx, 'payments.manage');
  const id = settled(
    await recordPaymentSql(ctx.db, invoiceId, input, {
      userId: ctx.actor.id,
      actor: actorLabel(ctx.actor),
      scope: branchScope(ctx.actor),
    }),
  );
  await queueEventDispatch(ctx);
  return getPayment(ctx, id);
}

/** Changes a payment: the fields given replace the stored ones; the invoice's figures follow. */
export async function updatePayment(
  ctx: ShopContext,
  id: string,
  input: Partial<PaymentWrite>,
  loaded?: Payment,
): Promise<Payment> {
  requireRight(ctx, 'payments.manage');
  const current = loaded ?? (await getPayment(ctx, id));
  const write: PaymentWrite = {
    receivedOn: input.receivedOn ?? current.receivedOn,
    method: input.method ?? current.method,
    amount: input.amount ?? current.amount,
    reference: input.reference === undefined ? current.reference : input.reference,
    notes: input.notes === undefined ? current.notes : input.notes,
  };
  settled(await updatePaymentSql(ctx.db, current.id, write, branchScope(ctx.actor), actorLabel(ctx.actor)));
  return getPayment(ctx, current.id);
}

export async function voidPayment(ctx: ShopContext, id: string, reason: string): Promise<Payment> {
  requireRight(ctx, 'payments.void');
  settled(await voidPaymentSql(ctx.db, id, reason, branchScope(ctx.actor), actorLabel(ctx.actor)));
  return getPayment(ctx, id);
}
