-- Records a payment under the invoice's row lock (every writer of paid_total / credited_total locks
-- it first, so each check sees the latest committed amounts): checks the balance, takes the next
-- REC number, writes the receipt, the invoice's paid_total and status and a 'payment.recorded' row
-- in audit_log. A refused payment consumes no number.
CREATE OR REPLACE FUNCTION record_payment(
  p_invoice_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text,
  p_user_id uuid, p_branch_ids uuid[], p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  num record;
  new_id uuid;
BEGIN
  SELECT * INTO inv FROM payments_lock_invoice(p_invoice_id, p_branch_ids);
  IF NOT invoice_payable(inv.kind, inv.status) THEN
    RAISE EXCEPTION 'optiflow:invoice_not_payable';
  END IF;
  IF p_received_on < inv.issued_on THEN
    RAISE EXCEPTION 'optiflow:payment_before_invoice';
  END IF;
  IF p_amount > inv.total - inv.paid_total - inv.credited_total THEN
    RAISE EXCEPTION 'optiflow:payment_over_balance';
  END IF;
  SELECT * INTO num FROM allocate_document_number(NULL, 'REC', inv.branch_id, p_received_on);
  INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, reference, notes, created_by)
  VALUES (inv.id, num.number, num.sequence_id, inv.branch_id, p_received_on, p_method, p_amount, p_reference, p_notes, p_user_id)
  RETURNING id INTO new_id;
  UPDATE invoices i
     SET paid_total = i.paid_total + p_amount,
         status = payments_settlement_status(i.status, i.total, i.paid_total + p_amount, i.credited_total),
         updated_at = now()
   WHERE i.id = inv.id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('payment.recorded', p_actor, jsonb_build_object('paymentId', new_id, 'number', num.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', p_amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'method', p_method));
  RETURN new_id;
END
$$;
