-- Voids an issued invoice that has no active payments and no issued credit notes: status voided
-- with its 608 reason; the NCF stays used (report 608), the stock sold comes back and an
-- 'invoice.voided' row goes to audit_log.
CREATE OR REPLACE FUNCTION void_invoice(p_invoice_id uuid, p_reason text, p_note text, p_user_id uuid, p_actor text)
RETURNS timestamptz
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  v_at timestamptz := now();
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id AND i.kind = 'invoice' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  IF inv.status = 'draft' THEN
    RAISE EXCEPTION 'optiflow:invoice_not_issued';
  END IF;
  IF inv.paid_total > 0 OR EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = inv.id AND p.status = 'active') THEN
    RAISE EXCEPTION 'optiflow:invoice_has_payments';
  END IF;
  IF inv.credited_total > 0 OR EXISTS (
    SELECT 1 FROM invoices n WHERE n.reference_invoice_id = inv.id AND n.kind = 'credit_note' AND n.status <> 'draft' AND n.status <> 'voided'
  ) THEN
    RAISE EXCEPTION 'optiflow:invoice_has_credit_notes';
  END IF;
  UPDATE invoices i SET status = 'voided', voided_at = v_at, void_reason = p_reason, void_note = p_note, updated_at = v_at WHERE i.id = inv.id;
  PERFORM invoice_stock_movements(inv.id, inv.branch_id, 1, 'return', inv.ncf, p_user_id);
  INSERT INTO audit_log (action, actor, details)
  VALUES ('invoice.voided', p_actor, jsonb_build_object('invoiceId', inv.id, 'ncf', inv.ncf, 'reason', p_reason, 'note', p_note));
  RETURN v_at;
END
$$;
