-- Moves the stock of every stock-tracked product line of an invoice in its branch: sales (p_sign -1)
-- at issue, returns (+1) when voided. Rows are locked in product order (the upsert's row lock),
-- quantities summed per product; a sale that would leave a product that does not allow negative
-- stock below zero raises 'stock_insufficient' with the product's name as DETAIL.
CREATE OR REPLACE FUNCTION invoice_stock_movements(p_invoice_id uuid, p_branch_id uuid, p_sign int, p_kind text, p_reference text, p_user_id uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_balance int;
BEGIN
  FOR r IN
    SELECT l.product_id, sum(l.quantity)::int AS qty, p.allow_negative_stock, p.name
      FROM invoice_lines l JOIN products p ON p.id = l.product_id
     WHERE l.invoice_id = p_invoice_id AND p.track_stock
     GROUP BY l.product_id, p.allow_negative_stock, p.name
     ORDER BY l.product_id
  LOOP
    CONTINUE WHEN r.qty = 0;
    INSERT INTO stock AS s (product_id, branch_id, quantity, updated_at)
    VALUES (r.product_id, p_branch_id, p_sign * r.qty, now())
    ON CONFLICT (product_id, branch_id) DO UPDATE SET quantity = s.quantity + excluded.quantity, updated_at = now()
    RETURNING s.quantity INTO v_balance;
    IF p_sign < 0 AND v_balance < 0 AND NOT r.allow_negative_stock THEN
      RAISE EXCEPTION 'optiflow:stock_insufficient' USING DETAIL = r.name;
    END IF;
    INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
    VALUES (r.product_id, p_branch_id, p_kind, p_sign * r.qty, v_balance, NULL, p_reference, p_user_id);
  END LOOP;
END
$$;
