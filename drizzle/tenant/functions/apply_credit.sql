-- Applies part of one invoice's credit balance (of p_contact_id's, when given) to another open invoice of the same customer and
-- currency: both invoices locked in id order (no deadlock between two opposite applications), the
-- credit checked under the lock, then a receipt on the target with method 7 (nota de crédito)
-- through record_payment (its balance check, REC number and status), and the application row.
CREATE OR REPLACE FUNCTION apply_credit(
  p_source_id uuid, p_target_id uuid, p_contact_id uuid, p_amount numeric, p_applied_on date, p_user_id uuid, p_branch_ids uuid[], p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  src invoices%ROWTYPE;
  tgt invoices%ROWTYPE;
  pay_id uuid;
  new_id uuid;
BEGIN
  PERFORM 1 FROM invoices i WHERE i.id IN (p_source_id, p_target_id) ORDER BY i.id FOR UPDATE;
  SELECT * INTO src FROM payments_lock_invoice(p_source_id, p_branch_ids);
  IF p_contact_id IS NOT NULL AND src.customer_id IS DISTINCT FROM p_contact_id THEN
    RAISE EXCEPTION 'optiflow:credit_source_invalid';
  END IF;
  IF p_target_id = p_source_id THEN
    RAISE EXCEPTION 'optiflow:credit_target_invalid';
  END IF;
  SELECT * INTO tgt FROM invoices i WHERE i.id = p_target_id;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (tgt.branch_id = ANY (p_branch_ids)))
     OR src.customer_id IS NULL OR tgt.customer_id IS DISTINCT FROM src.customer_id THEN
    RAISE EXCEPTION 'optiflow:credit_target_invalid';
  END IF;
  IF tgt.currency_code <> src.currency_code THEN
    RAISE EXCEPTION 'optiflow:credit_currency_mismatch';
  END IF;
  IF p_amount > coalesce(invoice_credit_available(src.id), 0) THEN
    RAISE EXCEPTION 'optiflow:credit_over_available';
  END IF;
  pay_id := record_payment(tgt.id, p_applied_on, '7', p_amount, src.ncf, NULL, p_user_id, p_branch_ids, p_actor);
  INSERT INTO credit_applications (contact_id, source_invoice_id, target_invoice_id, payment_id, amount, currency_code, applied_on, created_by)
  VALUES (src.customer_id, src.id, tgt.id, pay_id, p_amount, src.currency_code, p_applied_on, p_user_id)
  RETURNING id INTO new_id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('credit.applied', p_actor, jsonb_build_object('applicationId', new_id, 'paymentId', pay_id, 'sourceInvoiceId', src.id,
          'sourceNcf', src.ncf, 'targetInvoiceId', tgt.id, 'targetNcf', tgt.ncf, 'amount', p_amount::text));
  RETURN new_id;
END
$$;
