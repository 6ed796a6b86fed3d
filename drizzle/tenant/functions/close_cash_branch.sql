-- A branch's close of one business day: sums the cashier closes of that branch and day that no branch
-- close has summed yet (cash_close_members). Refuses 'cash_close_open_receipts' while any cashier of
-- the branch has movements no close has counted (they close first), and 'cash_close_empty' when no
-- cashier close is left to sum.
CREATE OR REPLACE FUNCTION close_cash_branch(p_branch_id uuid, p_business_date date, p_note text, p_user_id uuid, p_actor text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  v_number text;
  v_id uuid;
  v_rows integer;
BEGIN
  v_number := cash_close_number();
  IF EXISTS (SELECT 1 FROM cash_close_pending(p_branch_id, NULL, clock_timestamp()) m WHERE m.cashier_id IS NOT NULL) THEN
    RAISE EXCEPTION 'optiflow:cash_close_open_receipts';
  END IF;
  INSERT INTO cash_closes (number, branch_id, kind, cashier_id, business_date, closed_by, note)
  VALUES (v_number, p_branch_id, 'branch', NULL, p_business_date, p_user_id, nullif(btrim(p_note), ''))
  RETURNING id INTO v_id;
  INSERT INTO cash_close_members (branch_close_id, cashier_close_id)
  SELECT v_id, c.id FROM cash_closes c
   WHERE c.kind = 'cashier' AND c.branch_id = p_branch_id AND c.business_date = p_business_date
     AND NOT EXISTS (SELECT 1 FROM cash_close_members m WHERE m.cashier_close_id = c.id);
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  IF v_rows = 0 THEN
    RAISE EXCEPTION 'optiflow:cash_close_empty';
  END IF;
  INSERT INTO cash_close_lines (close_id, method, currency_code, expected, counted, difference, movements)
  SELECT v_id, l.method, l.currency_code, sum(l.expected), sum(l.counted), sum(l.difference), sum(l.movements)::integer
    FROM cash_close_lines l JOIN cash_close_members m ON m.cashier_close_id = l.close_id
   WHERE m.branch_close_id = v_id
   GROUP BY l.method, l.currency_code;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('cashClose.closed', p_actor, jsonb_build_object('cashCloseId', v_id, 'number', v_number, 'kind', 'branch'));
  RETURN v_id;
END
$$;
