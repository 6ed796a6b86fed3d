-- A cashier's close: claims every movement of the branch and cashier not yet counted (cash_close_pending)
-- up to p_through (the moment the count was shown; never later than now) and writes the close with
-- one line per method and currency: expected (the claimed movements), counted (p_counted:
-- [{"method","currency","counted"}], a line not counted is 0) and the difference. Everything in one
-- transaction behind the counter's lock: a second close of the same movements finds nothing left.
-- Refuses 'cash_close_empty' (nothing to close) and 'cash_close_note_required' (a difference without a note).
CREATE OR REPLACE FUNCTION close_cash(
  p_branch_id uuid, p_cashier_id uuid, p_through timestamptz, p_counted jsonb, p_note text, p_user_id uuid, p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  v_number text;
  v_id uuid;
  v_through timestamptz := least(coalesce(p_through, clock_timestamp()), clock_timestamp());
  v_rows integer;
  v_claimed integer := 0;
BEGIN
  v_number := cash_close_number();
  INSERT INTO cash_closes (number, branch_id, kind, cashier_id, business_date, closed_by, note)
  VALUES (v_number, p_branch_id, 'cashier', p_cashier_id, (now() AT TIME ZONE 'America/Santo_Domingo')::date, p_user_id,
          nullif(btrim(p_note), ''))
  RETURNING id INTO v_id;

  UPDATE payments p SET cash_close_id = v_id
    FROM cash_close_pending(p_branch_id, p_cashier_id, v_through) m
   WHERE m.source = 'payment' AND p.id = m.id AND p.status = 'active' AND p.cash_close_id IS NULL;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  v_claimed := v_claimed + v_rows;
  UPDATE payments p SET void_cash_close_id = v_id
    FROM cash_close_pending(p_branch_id, p_cashier_id, v_through) m
   WHERE m.source = 'payment_void' AND p.id = m.id AND p.status = 'voided' AND p.void_cash_close_id IS NULL;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  v_claimed := v_claimed + v_rows;
  UPDATE refunds r SET cash_close_id = v_id
    FROM cash_close_pending(p_branch_id, p_cashier_id, v_through) m
   WHERE m.source = 'refund' AND r.id = m.id AND r.status = 'active' AND r.cash_close_id IS NULL;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  v_claimed := v_claimed + v_rows;
  IF v_claimed = 0 THEN
    RAISE EXCEPTION 'optiflow:cash_close_empty';
  END IF;

  INSERT INTO cash_close_lines (close_id, method, currency_code, expected, counted, difference, movements)
  WITH moves AS (
    SELECT p.method, i.currency_code, p.amount FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.cash_close_id = v_id
    UNION ALL
    SELECT p.method, i.currency_code, -p.amount FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.void_cash_close_id = v_id
    UNION ALL
    SELECT r.method, r.currency_code, -r.amount FROM refunds r WHERE r.cash_close_id = v_id
  ),
  expected AS (SELECT m.method, m.currency_code, sum(m.amount) AS expected, count(*)::integer AS movements FROM moves m GROUP BY 1, 2),
  counted AS (
    SELECT c.method, c.currency AS currency_code, sum(c.counted) AS counted
      FROM jsonb_to_recordset(coalesce(p_counted, '[]'::jsonb)) AS c(method text, currency text, counted numeric)
     GROUP BY 1, 2
  )
  SELECT v_id, coalesce(e.method, c.method), coalesce(e.currency_code, c.currency_code), coalesce(e.expected, 0), coalesce(c.counted, 0),
         coalesce(c.counted, 0) - coalesce(e.expected, 0), coalesce(e.movements, 0)
    FROM expected e FULL JOIN counted c ON c.method = e.method AND c.currency_code = e.currency_code;

  IF nullif(btrim(p_note), '') IS NULL AND EXISTS (SELECT 1 FROM cash_close_lines l WHERE l.close_id = v_id AND l.difference <> 0) THEN
    RAISE EXCEPTION 'optiflow:cash_close_note_required';
  END IF;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('cashClose.closed', p_actor, jsonb_build_object('cashCloseId', v_id, 'number', v_number, 'kind', 'cashier'));
  RETURN v_id;
END
$$;
