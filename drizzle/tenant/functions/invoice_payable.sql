-- Whether a payment may be recorded against the document (the balance is checked apart): an issued
-- invoice, never a draft, a voided invoice or a credit note. record_payment refuses the rest; the
-- app reads the answer (src/queries/payments.ts).
CREATE OR REPLACE FUNCTION invoice_payable(p_kind text, p_status text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT p_kind = 'invoice' AND p_status IN ('issued', 'partially_paid', 'paid')
$$;
