-- A customer's rows of receivable_balances (null: the invoices without a customer), recomputed from
-- their issued, not settled invoices: per branch and for every branch together (the nil uuid), open
-- balance in DOP at each invoice's rate and credit balance (invoice_credit_available). Called by
-- receivables_track at commit, under its lock, so each statement reads what earlier commits wrote.
CREATE OR REPLACE FUNCTION receivables_refresh_customer(p_customer uuid)
RETURNS void
LANGUAGE plpgsql
-- Index scans even when the planner's figures predate a bulk load in the same transaction (a seed, a restore).
SET enable_seqscan = off AS $$
BEGIN
  IF p_customer IS NULL THEN
    DELETE FROM receivable_balances WHERE customer_id IS NULL;
  ELSE
    DELETE FROM receivable_balances WHERE customer_id = p_customer;
  END IF;
  INSERT INTO receivable_balances (branch_key, customer_id, open_dop, credit_dop, oldest_due, open_invoices)
  SELECT coalesce(o.branch_id, '00000000-0000-0000-0000-000000000000'::uuid), p_customer,
         sum(o.open_dop), sum(o.credit_dop), min(o.since), count(o.since)::int
    FROM (SELECT i.branch_id,
                 CASE WHEN i.balance > 0 THEN round(i.balance * i.exchange_rate, 2) ELSE 0 END AS open_dop,
                 CASE WHEN i.balance < 0 THEN round(invoice_credit_available(i.id) * i.exchange_rate, 2) ELSE 0 END AS credit_dop,
                 CASE WHEN i.balance > 0 THEN coalesce(i.due_on, i.issued_on) END AS since
            FROM (SELECT v.id, v.branch_id, v.exchange_rate, v.due_on, v.issued_on, v.total - v.paid_total - v.credited_total AS balance
                    FROM invoices v
                   WHERE v.customer_id = p_customer
                     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total
                  UNION ALL
                  SELECT v.id, v.branch_id, v.exchange_rate, v.due_on, v.issued_on, v.total - v.paid_total - v.credited_total
                    FROM invoices v
                   WHERE p_customer IS NULL AND v.customer_id IS NULL
                     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total) i) o
   GROUP BY GROUPING SETS ((o.branch_id), ())
  HAVING sum(o.open_dop) > 0 OR sum(o.credit_dop) > 0;
END
$$;
