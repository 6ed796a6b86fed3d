-- THE writer of the stock ledger: moves one product's stock in one branch by p_quantity (signed
-- units) and appends the movement with the balance after it, atomically, returning the movement.
-- Every writer goes through here: adjustments and transfers (src/services/shop/stock.ts), the
-- sales and returns of invoice_stock_movements and the returns of issue_credit_note. The upsert's
-- row lock serialises concurrent movements of one product and branch, so balance_after always
-- chains. A movement that takes a product that does not allow negative stock below zero raises
-- 'stock_insufficient' (DETAIL: the product's name) and, like every refusal, leaves nothing written.
CREATE OR REPLACE FUNCTION record_stock_movement(
  p_product_id uuid, p_branch_id uuid, p_kind text, p_quantity integer, p_reason text, p_reference text, p_user_id uuid
)
RETURNS stock_movements
LANGUAGE plpgsql AS $$
DECLARE
  v_product record;
  v_balance integer;
  v_movement stock_movements;
BEGIN
  SELECT p.name, p.track_stock, p.allow_negative_stock INTO v_product FROM products p WHERE p.id = p_product_id;
  IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM branches b WHERE b.id = p_branch_id) THEN
    RAISE EXCEPTION 'optiflow:stock_not_found';
  END IF;
  IF NOT v_product.track_stock THEN
    RAISE EXCEPTION 'optiflow:stock_not_tracked';
  END IF;
  INSERT INTO stock AS s (product_id, branch_id, quantity, updated_at)
  VALUES (p_product_id, p_branch_id, p_quantity, now())
  ON CONFLICT (product_id, branch_id) DO UPDATE SET quantity = s.quantity + excluded.quantity, updated_at = now()
  RETURNING s.quantity INTO v_balance;
  IF p_quantity < 0 AND v_balance < 0 AND NOT v_product.allow_negative_stock THEN
    RAISE EXCEPTION 'optiflow:stock_insufficient' USING DETAIL = v_product.name;
  END IF;
  INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
  VALUES (p_product_id, p_branch_id, p_kind, p_quantity, v_balance, p_reason, p_reference, p_user_id)
  RETURNING * INTO v_movement;
  RETURN v_movement;
END
$$;
