-- One branch's open balance in DOP of the invoices due (or issued, without a due date) on one day,
-- recomputed into receivable_days (invoices_open_due_idx finds them). Called by receivables_track at
-- commit, under its lock.
CREATE OR REPLACE FUNCTION receivables_refresh_day(p_branch uuid, p_day date)
RETURNS void
LANGUAGE plpgsql
-- Index scans even when the planner's figures predate a bulk load in the same transaction (a seed, a restore).
SET enable_seqscan = off AS $$
BEGIN
  DELETE FROM receivable_days WHERE branch_id = p_branch AND due_on = p_day;
  INSERT INTO receivable_days (branch_id, due_on, open_dop)
  SELECT p_branch, p_day, sum(round((v.total - v.paid_total - v.credited_total) * v.exchange_rate, 2))
    FROM invoices v
   WHERE v.branch_id = p_branch AND coalesce(v.due_on, v.issued_on) = p_day
     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total
     AND v.total - v.paid_total - v.credited_total > 0
  HAVING count(*) > 0;
END
$$;
