-- Trigger: a cash close, its lines and the cashier closes a branch close summed are never changed or
-- deleted once written (the migration that made the tables attached it).
CREATE OR REPLACE FUNCTION cash_closes_immutable()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'optiflow:cash_close_immutable';
END
$$;
