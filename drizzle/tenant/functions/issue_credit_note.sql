-- A credit note, issued at creation. Lines and totals are computed by the app (computeCreditTotals)
-- from the original's lines; here, under the original's lock, every line is checked against its
-- source line (same product, description, price, rate; quantity within what earlier notes left)
-- and the total against what remains creditable. p_credited_before is the credited_total the app
-- computed the note from: another note in between refuses 'credit_changed' instead of writing cents
-- computed on a stale rest. Then the issuer snapshot (refusing 'company_rnc_missing' before the
-- number is taken), the B04/E34 number, the note (its seller is the original's, so commissions
-- deduct it there) and its lines, the original's credited_total and status, returned goods back in
-- stock and a 'credit_note.issued' row in audit_log - all or nothing.
CREATE OR REPLACE FUNCTION issue_credit_note(
  p_invoice_id uuid, p_reason text, p_refunds_itbis boolean, p_lines jsonb, p_totals jsonb, p_today date,
  p_user_id uuid, p_branch_ids uuid[], p_credited_before numeric, p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  note_type text;
  num record;
  new_id uuid;
  bad integer;
  line record;
  v_issuer jsonb;
BEGIN
  SELECT * INTO inv FROM payments_lock_invoice(p_invoice_id, p_branch_ids);
  IF NOT invoice_creditable(inv.kind, inv.status) THEN
    RAISE EXCEPTION 'optiflow:invoice_not_creditable';
  END IF;
  IF p_refunds_itbis IS DISTINCT FROM credit_refunds_itbis(inv.issued_on, p_today) THEN
    RAISE EXCEPTION 'optiflow:credit_stale';
  END IF;
  note_type := credit_note_type(inv.ncf_type);
  IF note_type = 'E34' AND coalesce(inv.buyer_id_number, '') = '' THEN
    RAISE EXCEPTION 'optiflow:credit_buyer_required';
  END IF;
  IF jsonb_array_length(p_lines) = 0 THEN
    RAISE EXCEPTION 'optiflow:credit_no_lines';
  END IF;
  SELECT count(*) INTO bad
    FROM jsonb_to_recordset(p_lines) AS r(source_line_id uuid, product_id uuid, description text, quantity numeric, unit_price numeric, tax_rate numeric, exempt boolean)
    LEFT JOIN invoice_lines s ON s.id = r.source_line_id AND s.invoice_id = inv.id
   WHERE s.id IS NULL
      OR s.product_id IS DISTINCT FROM r.product_id OR s.description <> r.description
      OR s.unit_price <> r.unit_price OR s.tax_rate <> r.tax_rate OR s.exempt <> r.exempt
      OR r.quantity <= 0;
  IF bad > 0 THEN
    RAISE EXCEPTION 'optiflow:credit_line_invalid';
  END IF;
  SELECT count(*) INTO bad
    FROM jsonb_to_recordset(p_lines) AS r(source_line_id uuid, quantity numeric)
    JOIN invoice_lines s ON s.id = r.source_line_id
   WHERE r.quantity > s.quantity - coalesce((
           SELECT sum(cl.quantity) FROM invoice_lines cl JOIN invoices cn ON cn.id = cl.invoice_id
            WHERE cl.source_line_id = s.id AND cn.kind = 'credit_note' AND cn.status <> 'voided'), 0);
  IF bad > 0 THEN
    RAISE EXCEPTION 'optiflow:credit_quantity_exceeded';
  END IF;
  IF (p_totals->>'total')::numeric <= 0 THEN
    RAISE EXCEPTION 'optiflow:credit_no_lines';
  END IF;
  IF (p_totals->>'total')::numeric > inv.total - inv.credited_total THEN
    RAISE EXCEPTION 'optiflow:credit_exceeds_creditable';
  END IF;
  IF p_credited_before IS DISTINCT FROM inv.credited_total THEN
    RAISE EXCEPTION 'optiflow:credit_changed';
  END IF;
  v_issuer := document_issuer(inv.branch_id);
  SELECT * INTO num FROM allocate_document_number(NULL, note_type, inv.branch_id, p_today);
  INSERT INTO invoices (
    kind, status, ncf_type, sequence_id, ncf, ncf_valid_until, issued_on, customer_id, buyer_name, buyer_id_type, buyer_id_number,
    branch_id, prescription_id, currency_code, exchange_rate,
    gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown,
    taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop,
    reference_invoice_id, modified_ncf, refunds_itbis, credit_reason, created_by, issued_by, issuer, seller_id
  ) VALUES (
    'credit_note', 'issued', note_type, num.sequence_id, num.number, num.valid_until, p_today, inv.customer_id, inv.buyer_name, inv.buyer_id_type, inv.buyer_id_number,
    inv.branch_id, inv.prescription_id, inv.currency_code, inv.exchange_rate,
    (p_totals->>'grossTotal')::numeric, (p_totals->>'discountTotal')::numeric, (p_totals->>'taxableTotal')::numeric,
    (p_totals->>'exemptTotal')::numeric, (p_totals->>'itbisTotal')::numeric, (p_totals->>'total')::numeric, p_totals->'taxBreakdown',
    (p_totals->>'taxableTotalDop')::numeric, (p_totals->>'exemptTotalDop')::numeric, (p_totals->>'itbisTotalDop')::numeric, (p_totals->>'totalDop')::numeric,
    inv.id, inv.ncf, p_refunds_itbis, p_reason, p_user_id, p_user_id, v_issuer, inv.seller_id
  ) RETURNING id INTO new_id;
  INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount, source_line_id, return_to_stock)
  SELECT new_id, r.position, s.product_id, s.description, r.quantity, s.unit_price, r.discount, s.tax_id, s.tax_rate, s.exempt, r.amount, s.id,
         r.return_to_stock AND coalesce(p.track_stock, false)
    FROM jsonb_to_recordset(p_lines) AS r(source_line_id uuid, position integer, quantity numeric, discount numeric, amount numeric, return_to_stock boolean)
    JOIN invoice_lines s ON s.id = r.source_line_id
    LEFT JOIN products p ON p.id = s.product_id;
  UPDATE invoices i
     SET credited_total = i.credited_total + (p_totals->>'total')::numeric,
         status = payments_settlement_status(i.status, i.total, i.paid_total, i.credited_total + (p_totals->>'total')::numeric),
         updated_at = now()
   WHERE i.id = inv.id;
  FOR line IN
    SELECT l.product_id, l.quantity FROM invoice_lines l WHERE l.invoice_id = new_id AND l.return_to_stock ORDER BY l.position
  LOOP
    IF line.quantity <> trunc(line.quantity) THEN
      RAISE EXCEPTION 'optiflow:credit_return_fraction';
    END IF;
    PERFORM record_stock_movement(line.product_id, inv.branch_id, 'return', line.quantity::integer, p_reason, num.number, p_user_id);
  END LOOP;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('credit_note.issued', p_actor, jsonb_build_object('creditNoteId', new_id, 'ncf', num.number, 'invoiceId', inv.id, 'modifiedNcf', inv.ncf,
          'total', p_totals->>'total', 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'refundsItbis', p_refunds_itbis, 'reason', p_reason));
  RETURN new_id;
END
$$;
