-- Changes an active payment: the payment's invoice is locked first (the same order as
-- record_payment), then the payment; writes a 'payment.updated' row in audit_log (with the amount
-- before the change). Refuses 'payment_closed' for a new amount or method once a cash close counted it.
CREATE OR REPLACE FUNCTION update_payment(
  p_payment_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text, p_branch_ids uuid[], p_actor text
)
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
  -- A cash close counted this receipt and never changes: its amount and method stay (void it instead).
  IF pay.cash_close_id IS NOT NULL AND (p_amount <> pay.amount OR p_method <> pay.method) THEN
    RAISE EXCEPTION 'optiflow:payment_closed';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  IF p_received_on < inv.issued_on THEN
    RAISE EXCEPTION 'optiflow:payment_before_invoice';
  END IF;
  new_paid := inv.paid_total - pay.amount + p_amount;
  IF new_paid + inv.credited_total > inv.total THEN
    RAISE EXCEPTION 'optiflow:payment_over_balance';
  END IF;
  UPDATE payments p
     SET received_on = p_received_on, method = p_method, amount = p_amount, reference = p_reference, notes = p_notes, updated_at = now()
   WHERE p.id = p_payment_id;
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
  VALUES ('payment.updated', p_actor, jsonb_build_object('paymentId', pay.id, 'number', pay.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', p_amount::text, 'previousAmount', pay.amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'method', p_method));
  RETURN p_payment_id;
END
$$;
