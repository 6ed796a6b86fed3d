-- The one place of the 30-day rule (docs/domain.md, ITBIS): a credit note refunds the ITBIS only
-- when it is issued at most 30 days after the invoice. issue_credit_note checks the app's note
-- against it; the app reads it through its queries (src/queries/credit-notes.ts), never recomputes it.
CREATE OR REPLACE FUNCTION credit_refunds_itbis(p_invoice_issued_on date, p_today date)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT (p_today - p_invoice_issued_on) <= 30
$$;
