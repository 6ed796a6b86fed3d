-- Payments (abonos) and credit notes. Every write that changes an invoice's paid_total or
-- credited_total goes through one of these functions: each locks the invoice row first (FOR UPDATE),
-- so concurrent payments and credit notes on one invoice are serialised and each check sees the
-- latest committed amounts; the receipt / NCF number is allocated in the same transaction, so a
-- refused write consumes no number. Business errors are raised as 'optiflow:<code>' (P0001).

-- The settlement rule every writer of paid_total / credited_total applies: voided stays voided;
-- fully settled -> paid; anything settled -> partially_paid; else issued.
CREATE FUNCTION payments_settlement_status(p_status text, p_total numeric, p_paid numeric, p_credited numeric)
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p_status IN ('voided', 'draft') THEN p_status
    WHEN p_paid + p_credited >= p_total THEN 'paid'
    WHEN p_paid + p_credited > 0 THEN 'partially_paid'
    ELSE 'issued'
  END
$$;
--> statement-breakpoint
-- The invoice a payment or credit note is written against, locked; 'invoice_not_found' also for an
-- invoice outside the caller's branches (p_branch_ids null = every branch).
CREATE FUNCTION payments_lock_invoice(p_invoice_id uuid, p_branch_ids uuid[])
RETURNS invoices
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id FOR UPDATE;
  IF NOT FOUND OR (p_branch_ids IS NOT NULL AND NOT (inv.branch_id = ANY (p_branch_ids))) THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  RETURN inv;
END
$$;
--> statement-breakpoint
CREATE FUNCTION record_payment(
  p_invoice_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text,
  p_user_id uuid, p_branch_ids uuid[]
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
  RETURN new_id;
END
$$;
--> statement-breakpoint
-- The payment's invoice is locked first (the same order as record_payment), then the payment.
CREATE FUNCTION update_payment(
  p_payment_id uuid, p_received_on date, p_method text, p_amount numeric, p_reference text, p_notes text, p_branch_ids uuid[]
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
  RETURN p_payment_id;
END
$$;
--> statement-breakpoint
CREATE FUNCTION void_payment(p_payment_id uuid, p_reason text, p_branch_ids uuid[])
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
  RETURN p_payment_id;
END
$$;
--> statement-breakpoint
-- A credit note, issued at creation. Lines and totals are computed by the app (computeTotals) from
-- the original's lines; here, under the original's lock, every line is checked against its source
-- line (same product, description, price, rate; quantity within what earlier notes left) and the
-- total against what remains creditable, then the B04/E34 number is allocated, the note and its
-- lines written, the original's credited_total and status updated and returned goods put back in
-- stock - all or nothing.
CREATE FUNCTION issue_credit_note(
  p_invoice_id uuid, p_reason text, p_refunds_itbis boolean, p_lines jsonb, p_totals jsonb, p_today date,
  p_user_id uuid, p_branch_ids uuid[]
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
  -- Every requested line must match a line of the original, within the quantity not yet credited.
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
  SELECT * INTO num FROM allocate_document_number(NULL, note_type, inv.branch_id, p_today);
  INSERT INTO invoices (
    kind, status, ncf_type, sequence_id, ncf, ncf_valid_until, issued_on, customer_id, buyer_name, buyer_id_type, buyer_id_number,
    branch_id, prescription_id, currency_code, exchange_rate,
    gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown,
    taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop,
    reference_invoice_id, modified_ncf, refunds_itbis, credit_reason, created_by, issued_by
  ) VALUES (
    'credit_note', 'issued', note_type, num.sequence_id, num.number, num.valid_until, p_today, inv.customer_id, inv.buyer_name, inv.buyer_id_type, inv.buyer_id_number,
    inv.branch_id, inv.prescription_id, inv.currency_code, inv.exchange_rate,
    (p_totals->>'grossTotal')::numeric, (p_totals->>'discountTotal')::numeric, (p_totals->>'taxableTotal')::numeric,
    (p_totals->>'exemptTotal')::numeric, (p_totals->>'itbisTotal')::numeric, (p_totals->>'total')::numeric, p_totals->'taxBreakdown',
    (p_totals->>'taxableTotalDop')::numeric, (p_totals->>'exemptTotalDop')::numeric, (p_totals->>'itbisTotalDop')::numeric, (p_totals->>'totalDop')::numeric,
    inv.id, inv.ncf, p_refunds_itbis, p_reason, p_user_id, p_user_id
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
  -- Returned goods go back to the original's branch through the stock ledger (one 'return' movement per line).
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
  RETURN new_id;
END
$$;
