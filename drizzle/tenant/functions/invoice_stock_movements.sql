-- Moves the stock of every stock-tracked product line of an invoice in its branch: sales (p_sign -1)
-- at issue, returns (+1) when voided, each through record_stock_movement (the one ledger writer).
-- Rows are locked in product order, quantities summed per product; a sale that would leave a
-- product that does not allow negative stock below zero raises 'stock_insufficient' there.
CREATE OR REPLACE FUNCTION invoice_stock_movements(p_invoice_id uuid, p_branch_id uuid, p_sign int, p_kind text, p_reference text, p_user_id uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT l.product_id, sum(l.quantity)::int AS qty, p.allow_negative_stock, p.name
      FROM invoice_lines l JOIN products p ON p.id = l.product_id
     WHERE l.invoice_id = p_invoice_id AND p.track_stock
     GROUP BY l.product_id, p.allow_negative_stock, p.name
     ORDER BY l.product_id
  LOOP
    CONTINUE WHEN r.qty = 0;
    PERFORM record_stock_movement(r.product_id, p_branch_id, p_kind, p_sign * r.qty, NULL, p_reference, p_user_id);
  END LOOP;
END
$$;
