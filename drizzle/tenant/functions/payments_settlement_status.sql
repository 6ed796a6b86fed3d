-- The settlement rule every writer of paid_total / credited_total applies: voided stays voided;
-- fully settled -> paid; anything settled -> partially_paid; else issued.
CREATE OR REPLACE FUNCTION payments_settlement_status(p_status text, p_total numeric, p_paid numeric, p_credited numeric)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_status IN ('voided', 'draft') THEN p_status
    WHEN p_paid + p_credited >= p_total THEN 'paid'
    WHEN p_paid + p_credited > 0 THEN 'partially_paid'
    ELSE 'issued'
  END
$$;
