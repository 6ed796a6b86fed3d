-- Voids a refund (invoice locked first, then the refund): its amount is credit again. A refund a
-- cash close has counted stays, like the close.
CREATE OR REPLACE FUNCTION void_refund(p_refund_id uuid, p_reason text, p_branch_ids uuid[], p_actor text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  ref refunds%ROWTYPE;
BEGIN
  SELECT i.* INTO inv FROM invoices i JOIN refunds r ON r.invoice_id = i.id WHERE r.id = p_refund_id FOR UPDATE OF i;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:refund_not_found';
  END IF;
  SELECT * INTO ref FROM refunds r WHERE r.id = p_refund_id FOR UPDATE;
  IF ref.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:refund_voided';
  END IF;
  IF ref.cash_close_id IS NOT NULL THEN
    RAISE EXCEPTION 'optiflow:refund_closed';
  END IF;
  UPDATE refunds r SET status = 'voided', voided_at = now(), void_reason = p_reason WHERE r.id = p_refund_id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('refund.voided', p_actor, jsonb_build_object('refundId', ref.id, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', ref.amount::text, 'reason', p_reason));
  RETURN p_refund_id;
END
$$;
