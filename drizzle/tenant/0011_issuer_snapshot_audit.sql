-- Issue 9 items 13, 15, 16, 20: the issuer snapshot, the company-RNC refusal, the shop's activity log
-- and the credit-note race check, in the functions of migrations 0005 and 0006 (re-created here;
-- those files stay as they were applied). Business refusals stay 'optiflow:<code>' (P0001).

-- The issuer as printed on a fiscal document: the company (name, RNC, address, phones, e-mail,
-- logo key, footer) and the document's branch. Refuses 'company_rnc_missing' when the company has no
-- RNC: a fiscal document without the issuer's RNC is not valid, and the caller raises this BEFORE
-- it takes a number, so nothing is consumed.
CREATE FUNCTION document_issuer(p_branch_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_issuer jsonb;
BEGIN
  SELECT jsonb_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
           'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key,
           'branch', (SELECT jsonb_build_object('name', b.name, 'address', b.address, 'phone', b.phone) FROM branches b WHERE b.id = p_branch_id))
    INTO v_issuer
    FROM company co WHERE co.id = 1 AND nullif(btrim(co.rnc), '') IS NOT NULL;
  IF v_issuer IS NULL THEN
    RAISE EXCEPTION 'optiflow:company_rnc_missing';
  END IF;
  RETURN v_issuer;
END
$$;
--> statement-breakpoint
-- Documents issued before this migration print the company as it is now: the best record there is.
UPDATE invoices i
   SET issuer = jsonb_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
                  'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key,
                  'branch', (SELECT jsonb_build_object('name', b.name, 'address', b.address, 'phone', b.phone) FROM branches b WHERE b.id = i.branch_id))
  FROM company co
 WHERE co.id = 1 AND i.status <> 'draft' AND i.issuer IS NULL;
--> statement-breakpoint
DROP FUNCTION issue_invoice(uuid, timestamptz, text, date, numeric, numeric, numeric, numeric, numeric, uuid);
--> statement-breakpoint
-- As in 0005, plus: the issuer snapshot (refusing 'company_rnc_missing' before the number is taken)
-- and an 'invoice.issued' row in audit_log by p_actor, in the same transaction.
CREATE FUNCTION issue_invoice(
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
--> statement-breakpoint
DROP FUNCTION void_invoice(uuid, text, text, uuid);
--> statement-breakpoint
-- As in 0005, plus an 'invoice.voided' row in audit_log.
CREATE FUNCTION void_invoice(p_invoice_id uuid, p_reason text, p_note text, p_user_id uuid, p_actor text)
RETURNS timestamptz
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  v_at timestamptz := now();
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id AND i.kind = 'invoice' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  IF inv.status = 'draft' THEN
    RAISE EXCEPTION 'optiflow:invoice_not_issued';
  END IF;
  IF inv.paid_total > 0 OR EXISTS (SELECT 1 FROM payments p WHERE p.invoice_id = inv.id AND p.status = 'active') THEN
    RAISE EXCEPTION 'optiflow:invoice_has_payments';
  END IF;
  IF inv.credited_total > 0 OR EXISTS (
    SELECT 1 FROM invoices n WHERE n.reference_invoice_id = inv.id AND n.kind = 'credit_note' AND n.status <> 'draft' AND n.status <> 'voided'
  ) THEN
    RAISE EXCEPTION 'optiflow:invoice_has_credit_notes';
  END IF;
  UPDATE invoices i SET status = 'voided', voided_at = v_at, void_reason = p_reason, void_note = p_note, updated_at = v_at WHERE i.id = inv.id;
  PERFORM invoice_stock_movements(inv.id, inv.branch_id, 1, 'return', inv.ncf, p_user_id);
  INSERT INTO audit_log (action, actor, details)
  VALUES ('invoice.voided', p_actor, jsonb_build_object('invoiceId', inv.id, 'ncf', inv.ncf, 'reason', p_reason, 'note', p_note));
  RETURN v_at;
END
$$;
--> statement-breakpoint
DROP FUNCTION record_payment(uuid, date, text, numeric, text, text, uuid, uuid[]);
--> statement-breakpoint
-- As in 0006, plus a 'payment.recorded' row in audit_log.
CREATE FUNCTION record_payment(
  p_invoice_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text,
  p_user_id uuid, p_branch_ids uuid[], p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  num record;
  new_id uuid;
BEGIN
  SELECT * INTO inv FROM payments_lock_invoice(p_invoice_id, p_branch_ids);
  IF inv.kind <> 'invoice' OR inv.status NOT IN ('issued', 'partially_paid', 'paid') THEN
    RAISE EXCEPTION 'optiflow:invoice_not_payable';
  END IF;
  IF p_received_on < inv.issued_on THEN
    RAISE EXCEPTION 'optiflow:payment_before_invoice';
  END IF;
  IF p_amount > inv.total - inv.paid_total - inv.credited_total THEN
    RAISE EXCEPTION 'optiflow:payment_over_balance';
  END IF;
  SELECT * INTO num FROM allocate_document_number(NULL, 'REC', inv.branch_id, p_received_on);
  INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, reference, notes, created_by)
  VALUES (inv.id, num.number, num.sequence_id, inv.branch_id, p_received_on, p_method, p_amount, p_reference, p_notes, p_user_id)
  RETURNING id INTO new_id;
  UPDATE invoices i
     SET paid_total = i.paid_total + p_amount,
         status = payments_settlement_status(i.status, i.total, i.paid_total + p_amount, i.credited_total),
         updated_at = now()
   WHERE i.id = inv.id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('payment.recorded', p_actor, jsonb_build_object('paymentId', new_id, 'number', num.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', p_amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'method', p_method));
  RETURN new_id;
END
$$;
--> statement-breakpoint
DROP FUNCTION update_payment(uuid, date, text, numeric, text, text, uuid[]);
--> statement-breakpoint
-- As in 0006, plus a 'payment.updated' row in audit_log (with the amount before the change).
CREATE FUNCTION update_payment(
  p_payment_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text, p_branch_ids uuid[], p_actor text
)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  pay payments%ROWTYPE;
  new_paid numeric;
BEGIN
  SELECT i.* INTO inv FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE p.id = p_payment_id FOR UPDATE OF i;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:payment_not_found';
  END IF;
  SELECT * INTO pay FROM payments p WHERE p.id = p_payment_id FOR UPDATE;
  IF pay.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:payment_voided';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  IF p_received_on < inv.issued_on THEN
    RAISE EXCEPTION 'optiflow:payment_before_invoice';
  END IF;
  new_paid := inv.paid_total - pay.amount + p_amount;
  IF new_paid + inv.credited_total > inv.total THEN
    RAISE EXCEPTION 'optiflow:payment_over_balance';
  END IF;
  UPDATE payments p
     SET received_on = p_received_on, method = p_method, amount = p_amount, reference = p_reference, notes = p_notes, updated_at = now()
   WHERE p.id = p_payment_id;
  UPDATE invoices i
     SET paid_total = new_paid,
         status = payments_settlement_status(i.status, i.total, new_paid, i.credited_total),
         updated_at = now()
   WHERE i.id = inv.id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('payment.updated', p_actor, jsonb_build_object('paymentId', pay.id, 'number', pay.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', p_amount::text, 'previousAmount', pay.amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'method', p_method));
  RETURN p_payment_id;
END
$$;
--> statement-breakpoint
DROP FUNCTION void_payment(uuid, text, uuid[]);
--> statement-breakpoint
-- As in 0006, plus a 'payment.voided' row in audit_log.
CREATE FUNCTION void_payment(p_payment_id uuid, p_reason text, p_branch_ids uuid[], p_actor text)
RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  pay payments%ROWTYPE;
  new_paid numeric;
BEGIN
  SELECT i.* INTO inv FROM invoices i JOIN payments p ON p.invoice_id = i.id WHERE p.id = p_payment_id FOR UPDATE OF i;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:payment_not_found';
  END IF;
  SELECT * INTO pay FROM payments p WHERE p.id = p_payment_id FOR UPDATE;
  IF pay.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:payment_voided';
  END IF;
  IF inv.status = 'voided' THEN
    RAISE EXCEPTION 'optiflow:invoice_voided';
  END IF;
  new_paid := inv.paid_total - pay.amount;
  UPDATE payments p SET status = 'voided', voided_at = now(), void_reason = p_reason, updated_at = now() WHERE p.id = p_payment_id;
  UPDATE invoices i
     SET paid_total = new_paid,
         status = payments_settlement_status(i.status, i.total, new_paid, i.credited_total),
         updated_at = now()
   WHERE i.id = inv.id;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('payment.voided', p_actor, jsonb_build_object('paymentId', pay.id, 'number', pay.number, 'invoiceId', inv.id, 'ncf', inv.ncf,
          'amount', pay.amount::text, 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'reason', p_reason));
  RETURN p_payment_id;
END
$$;
--> statement-breakpoint
DROP FUNCTION issue_credit_note(uuid, text, boolean, jsonb, jsonb, date, uuid, uuid[]);
--> statement-breakpoint
-- As in 0006, plus: p_credited_before is the invoice's credited_total the app computed the note
-- from (src/domain/totals.ts computeCreditTotals works against what is left): another note in
-- between refuses 'credit_changed' instead of writing cents computed on a stale rest; the issuer
-- snapshot (refusing 'company_rnc_missing' before the number is taken); a 'credit_note.issued'
-- row in audit_log.
CREATE FUNCTION issue_credit_note(
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
  balance integer;
  v_issuer jsonb;
BEGIN
  SELECT * INTO inv FROM payments_lock_invoice(p_invoice_id, p_branch_ids);
  IF inv.kind <> 'invoice' OR inv.status NOT IN ('issued', 'partially_paid', 'paid') THEN
    RAISE EXCEPTION 'optiflow:invoice_not_creditable';
  END IF;
  IF p_refunds_itbis IS DISTINCT FROM ((p_today - inv.issued_on) <= 30) THEN
    RAISE EXCEPTION 'optiflow:credit_stale';
  END IF;
  note_type := CASE WHEN inv.ncf_type LIKE 'E%' THEN 'E34' ELSE 'B04' END;
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
    reference_invoice_id, modified_ncf, refunds_itbis, credit_reason, created_by, issued_by, issuer
  ) VALUES (
    'credit_note', 'issued', note_type, num.sequence_id, num.number, num.valid_until, p_today, inv.customer_id, inv.buyer_name, inv.buyer_id_type, inv.buyer_id_number,
    inv.branch_id, inv.prescription_id, inv.currency_code, inv.exchange_rate,
    (p_totals->>'grossTotal')::numeric, (p_totals->>'discountTotal')::numeric, (p_totals->>'taxableTotal')::numeric,
    (p_totals->>'exemptTotal')::numeric, (p_totals->>'itbisTotal')::numeric, (p_totals->>'total')::numeric, p_totals->'taxBreakdown',
    (p_totals->>'taxableTotalDop')::numeric, (p_totals->>'exemptTotalDop')::numeric, (p_totals->>'itbisTotalDop')::numeric, (p_totals->>'totalDop')::numeric,
    inv.id, inv.ncf, p_refunds_itbis, p_reason, p_user_id, p_user_id, v_issuer
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
    INSERT INTO stock AS s (product_id, branch_id, quantity, updated_at)
    VALUES (line.product_id, inv.branch_id, line.quantity::integer, now())
    ON CONFLICT (product_id, branch_id) DO UPDATE SET quantity = s.quantity + excluded.quantity, updated_at = now()
    RETURNING s.quantity INTO balance;
    INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
    VALUES (line.product_id, inv.branch_id, 'return', line.quantity::integer, balance, p_reason, num.number, p_user_id);
  END LOOP;
  INSERT INTO audit_log (action, actor, details)
  VALUES ('credit_note.issued', p_actor, jsonb_build_object('creditNoteId', new_id, 'ncf', num.number, 'invoiceId', inv.id, 'modifiedNcf', inv.ncf,
          'total', p_totals->>'total', 'currencySymbol', coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = inv.currency_code), inv.currency_code), 'refundsItbis', p_refunds_itbis, 'reason', p_reason));
  RETURN new_id;
END
$$;
