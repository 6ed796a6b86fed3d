-- Voids a payment (invoice locked first, then the payment) and gives its amount back to the
-- invoice's balance; writes a 'payment.voided' row in audit_log.
CREATE OR REPLACE FUNCTION void_payment(p_payment_id uuid, p_reason text, p_branch_ids uuid[], p_actor text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  pay payments%ROWTYPE;
  new_paid numeric;
BEGIN
  SELECT i.* INTO inv FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE p.id = p_payment_id FOR UPDATE OF i;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:payment_not_found';
  END IF;
  SELECT * INTO pay FROM payments p WHERE p.id = p_payment_id FOR UPDATE;
  IF pay.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:payment_voided';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  new_paid := inv.paid_total - pay.amount;
  UPDATE payments p SET status = 'voided', voided_at = now(), void_reason = p_reason, updated_at = now() WHERE p.id = p_payment_id;
  UPDATE invoices i
     SET paid_total = new_paid,
         status = payments_settlement_status(i.status, i.total, new_paid, i.credited_total),
         updated_at = now()
   WHERE i.id = inv.id;
  -- A credit balance already refunded or applied cannot be taken back by lowering the payments.
  IF invoice_credit_available(inv.id) < 0 THEN
    RAISE EXCEPTION 'optiflow:payment_credit_used';
  END IF;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('payment.voided', p_actor, jsonb_build_object('paymentId', pay.id, 'number', pay.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', pay.amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'reason', p_reason));
  RETURN p_payment_id;
END
$$;
