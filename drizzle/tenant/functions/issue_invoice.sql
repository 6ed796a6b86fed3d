-- Issues a draft invoice in one transaction: locks it, checks it is still the draft the app
-- validated (p_updated_at), snapshots the issuer (refusing 'company_rnc_missing' before the number
-- is taken), takes the NCF, snapshots the buyer, stores the exchange rate and the DOP totals
-- computed by the app (src/domain/totals.ts toDop), records the sale stock movements and an
-- 'invoice.issued' row in audit_log by p_actor. The same p_issue_key on an invoice already issued
-- with it answers that invoice again (replayed).
CREATE OR REPLACE FUNCTION issue_invoice(
  p_invoice_id uuid, p_updated_at timestamptz, p_issue_key text, p_issued_on date, p_exchange_rate numeric,
  p_taxable_dop numeric, p_exempt_dop numeric, p_itbis_dop numeric, p_total_dop numeric, p_user_id uuid, p_actor text
)
RETURNS TABLE (issued_ncf text, issued_valid_until date, issued_sequence_id uuid, replayed boolean, issued_issuer jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  buyer contacts%ROWTYPE;
  allocated record;
  v_issuer jsonb;
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id AND i.kind = 'invoice' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  IF inv.status <> 'draft' THEN
    IF p_issue_key IS NOT NULL AND inv.issue_key = p_issue_key THEN
      issued_ncf := inv.ncf; issued_valid_until := inv.ncf_valid_until; issued_sequence_id := inv.sequence_id; replayed := true; issued_issuer := inv.issuer;
      RETURN NEXT;
      RETURN;
    END IF;
    RAISE EXCEPTION 'optiflow:invoice_not_draft';
  END IF;
  IF inv.updated_at <> p_updated_at THEN
    RAISE EXCEPTION 'optiflow:invoice_changed';
  END IF;
  v_issuer := document_issuer(inv.branch_id);
  IF inv.customer_id IS NOT NULL THEN
    SELECT * INTO buyer FROM contacts c WHERE c.id = inv.customer_id;
  END IF;
  SELECT * INTO allocated FROM allocate_document_number(inv.sequence_id, inv.ncf_type, inv.branch_id, p_issued_on);
  UPDATE invoices i
     SET status = 'issued', ncf = allocated.number, ncf_valid_until = allocated.valid_until, sequence_id = allocated.sequence_id,
         issued_on = p_issued_on, buyer_name = buyer.name, buyer_id_type = buyer.id_type, buyer_id_number = buyer.id_number,
         exchange_rate = p_exchange_rate, taxable_total_dop = p_taxable_dop, exempt_total_dop = p_exempt_dop,
         itbis_total_dop = p_itbis_dop, total_dop = p_total_dop, issued_by = p_user_id, issue_key = p_issue_key, issuer = v_issuer, updated_at = now()
   WHERE i.id = inv.id;
  PERFORM invoice_stock_movements(inv.id, inv.branch_id, -1, 'sale', allocated.number, p_user_id);
  INSERT INTO audit_log (action, actor, details)
  VALUES ('invoice.issued', p_actor, jsonb_build_object('invoiceId', inv.id, 'ncf', allocated.number, 'ncfType', inv.ncf_type,
          'total', inv.total::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'customer', buyer.name));
  issued_ncf := allocated.number; issued_valid_until := allocated.valid_until; issued_sequence_id := allocated.sequence_id; replayed := false;
  issued_issuer := v_issuer;
  RETURN NEXT;
END
$$;
