-- The next cash close number (CC-000001, ...): one counter row, taken under its row lock in the
-- closing transaction, so numbers are gapless (a refused close rolls its number back) and every close
-- of the shop is serialised behind the one before.
CREATE OR REPLACE FUNCTION cash_close_number()
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_next bigint;
BEGIN
  INSERT INTO cash_close_counter AS c (id, last_number) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET last_number = c.last_number + 1
  RETURNING c.last_number INTO v_next;
  RETURN 'CC-' || lpad(v_next::text, 6, '0');
END
$$;
