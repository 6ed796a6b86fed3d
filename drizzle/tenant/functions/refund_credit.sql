-- Pays back part of an invoice's credit balance (of p_contact_id's, when given) under the invoice's row lock (the lock every writer
-- of paid_total / credited_total takes), so simultaneous refunds and applications never take more
-- than is left; writes the refund and a 'refund.recorded' row in audit_log.
CREATE OR REPLACE FUNCTION refund_credit(
  p_invoice_id uuid, p_contact_id uuid, p_branch_id uuid, p_method text, p_amount numeric, p_refunded_on date, p_reference text,
  p_notes text, p_user_id uuid, p_branch_ids uuid[], p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  new_id uuid;
BEGIN
  SELECT * INTO inv FROM payments_lock_invoice(p_invoice_id, p_branch_ids);
  IF p_contact_id IS NOT NULL AND inv.customer_id IS DISTINCT FROM p_contact_id THEN
    RAISE EXCEPTION 'optiflow:credit_source_invalid';
  END IF;
  IF p_branch_ids IS NOT NULL AND NOT (p_branch_id = ANY (p_branch_ids)) THEN
    RAISE EXCEPTION 'optiflow:refund_branch_forbidden';
  END IF;
  IF p_amount > coalesce(invoice_credit_available(inv.id), 0) THEN
    RAISE EXCEPTION 'optiflow:credit_over_available';
  END IF;
  IF p_refunded_on < inv.issued_on THEN
    RAISE EXCEPTION 'optiflow:refund_before_invoice';
  END IF;
  INSERT INTO refunds (contact_id, invoice_id, branch_id, method, amount, currency_code, refunded_on, reference, notes, created_by)
  VALUES (inv.customer_id, inv.id, p_branch_id, p_method, p_amount, inv.currency_code, p_refunded_on, p_reference, p_notes, p_user_id)
  RETURNING id INTO new_id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('refund.recorded', p_actor, jsonb_build_object('refundId', new_id, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', p_amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'method', p_method));
  RETURN new_id;
END
$$;
