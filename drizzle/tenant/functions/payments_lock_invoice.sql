-- The invoice a payment or credit note is written against, locked; 'invoice_not_found' also for an
-- invoice outside the caller's branches (p_branch_ids null = every branch).
CREATE OR REPLACE FUNCTION payments_lock_invoice(p_invoice_id uuid, p_branch_ids uuid[])
RETURNS invoices
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id FOR UPDATE;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  RETURN inv;
END
$$;
