-- Whether a credit note may modify the document: an issued invoice, paid or not, never a draft,
-- a voided invoice or a credit note. issue_credit_note refuses the rest; the app reads the answer.
CREATE OR REPLACE FUNCTION invoice_creditable(p_kind text, p_status text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_kind = 'invoice' AND p_status IN ('issued', 'partially_paid', 'paid')
$$;
