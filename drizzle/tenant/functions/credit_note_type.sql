-- The NCF type of the credit note that modifies an invoice of type p_invoice_type: E34 for an
-- electronic (E-series) invoice, B04 otherwise. issue_credit_note numbers the note with it; the
-- app shows what it returns (src/queries/credit-notes.ts).
CREATE OR REPLACE FUNCTION credit_note_type(p_invoice_type text)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_invoice_type LIKE 'E%' THEN 'E34' ELSE 'B04' END
$$;
