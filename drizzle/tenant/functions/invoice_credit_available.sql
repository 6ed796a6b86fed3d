-- Credit balance (saldo a favor) left on an invoice, in its currency: what its payments and credit
-- notes exceed its total by, less its active refunds and the applications whose receipt on the other
-- invoice is still active. Callers that consume it lock the invoice first.
CREATE OR REPLACE FUNCTION invoice_credit_available(p_invoice_id uuid)
RETURNS numeric
LANGUAGE sql STABLE AS $$
  SELECT greatest(i.paid_total + i.credited_total - i.total, 0)
         - coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.invoice_id = i.id AND r.status = 'active'), 0)
         - coalesce((SELECT sum(a.amount) FROM credit_applications a JOIN payments p ON p.id = a.payment_id
                      WHERE a.source_invoice_id = i.id AND p.status = 'active'), 0)
    FROM invoices i
   WHERE i.id = p_invoice_id AND i.kind = 'invoice' AND i.status NOT IN ('draft', 'voided')
$$;
