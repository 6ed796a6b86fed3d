-- The money movements of a branch (and cashier, or every cashier when NULL) that no cash close has
-- counted yet, up to p_through: active receipts (+), receipts voided after a close counted them (-,
-- shown by the next close) and active refunds (-). Credit-note applications (method 7) move no money
-- and are left out. The close page's expected totals and close_cash both read it.
CREATE OR REPLACE FUNCTION cash_close_pending(p_branch_id uuid, p_cashier_id uuid, p_through timestamptz)
RETURNS TABLE (source text, id uuid, cashier_id uuid, method text, currency_code text, amount numeric)
LANGUAGE sql STABLE AS $$
  SELECT 'payment', p.id, p.created_by, p.method, i.currency_code, p.amount
    FROM payments p JOIN invoices i ON i.id = p.invoice_id
   WHERE p.branch_id = p_branch_id AND (p_cashier_id IS NULL OR p.created_by = p_cashier_id)
     AND p.status = 'active' AND p.cash_close_id IS NULL AND p.method <> '7' AND p.created_at <= p_through
  UNION ALL
  SELECT 'payment_void', p.id, p.created_by, p.method, i.currency_code, -p.amount
    FROM payments p JOIN invoices i ON i.id = p.invoice_id
   WHERE p.branch_id = p_branch_id AND (p_cashier_id IS NULL OR p.created_by = p_cashier_id)
     AND p.status = 'voided' AND p.cash_close_id IS NOT NULL AND p.void_cash_close_id IS NULL AND p.voided_at <= p_through
  UNION ALL
  SELECT 'refund', r.id, r.created_by, r.method, r.currency_code, -r.amount
    FROM refunds r
   WHERE r.branch_id = p_branch_id AND (p_cashier_id IS NULL OR r.created_by = p_cashier_id)
     AND r.status = 'active' AND r.cash_close_id IS NULL AND r.method <> '7' AND r.created_at <= p_through
$$;
