-- Issuing and voiding invoices. Each is one function call (one statement, one transaction), so the
-- NCF, the invoice and its stock movements are written together or not at all: a refusal raised
-- anywhere below rolls back the number taken by allocate_document_number (gapless).
-- Business refusals are raised as 'optiflow:<code>' (SQLSTATE P0001); the app maps them to HTTP.

-- Moves the stock of every stock-tracked product line of an invoice in its branch: sales (p_sign -1)
-- at issue, returns (+1) when voided. Rows are locked in product order (the upsert's row lock),
-- quantities summed per product; a sale that would leave a product that does not allow negative
-- stock below zero raises 'stock_insufficient' with the product's name as DETAIL.
CREATE FUNCTION invoice_stock_movements(p_invoice_id uuid, p_branch_id uuid, p_sign int, p_kind text, p_reference text, p_user_id uuid)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  v_balance int;
BEGIN
  FOR r IN
    SELECT l.product_id, sum(l.quantity)::int AS qty, p.allow_negative_stock, p.name
      FROM invoice_lines l JOIN products p ON p.id = l.product_id
     WHERE l.invoice_id = p_invoice_id AND p.track_stock
     GROUP BY l.product_id, p.allow_negative_stock, p.name
     ORDER BY l.product_id
  LOOP
    CONTINUE WHEN r.qty = 0;
    INSERT INTO stock AS s (product_id, branch_id, quantity, updated_at)
    VALUES (r.product_id, p_branch_id, p_sign * r.qty, now())
    ON CONFLICT (product_id, branch_id) DO UPDATE SET quantity = s.quantity + excluded.quantity, updated_at = now()
    RETURNING s.quantity INTO v_balance;
    IF p_sign < 0 AND v_balance < 0 AND NOT r.allow_negative_stock THEN
      RAISE EXCEPTION 'optiflow:stock_insufficient' USING DETAIL = r.name;
    END IF;
    INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
    VALUES (r.product_id, p_branch_id, p_kind, p_sign * r.qty, v_balance, NULL, p_reference, p_user_id);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Issues a draft invoice: locks it, checks it is still the draft the app validated (p_updated_at),
-- takes the NCF, snapshots the buyer, stores the exchange rate and the DOP totals computed by the
-- app (src/domain/totals.ts toDop, the one formula), and records the sale stock movements.
-- The same p_issue_key on an invoice already issued with it answers that invoice again (replayed).
CREATE FUNCTION issue_invoice(
  p_invoice_id uuid, p_updated_at timestamptz, p_issue_key text, p_issued_on date, p_exchange_rate numeric,
  p_taxable_dop numeric, p_exempt_dop numeric, p_itbis_dop numeric, p_total_dop numeric, p_user_id uuid
)
RETURNS TABLE (issued_ncf text, issued_valid_until date, issued_sequence_id uuid, replayed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  inv invoices%ROWTYPE;
  buyer contacts%ROWTYPE;
  allocated record;
BEGIN
  SELECT * INTO inv FROM invoices i WHERE i.id = p_invoice_id AND i.kind = 'invoice' FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'optiflow:invoice_not_found';
  END IF;
  IF inv.status <> 'draft' THEN
    IF p_issue_key IS NOT NULL AND inv.issue_key = p_issue_key THEN
      issued_ncf := inv.ncf; issued_valid_until := inv.ncf_valid_until; issued_sequence_id := inv.sequence_id; replayed := true;
      RETURN NEXT;
      RETURN;
    END IF;
    RAISE EXCEPTION 'optiflow:invoice_not_draft';
  END IF;
  IF inv.updated_at <> p_updated_at THEN
    RAISE EXCEPTION 'optiflow:invoice_changed';
  END IF;
  IF inv.customer_id IS NOT NULL THEN
    SELECT * INTO buyer FROM contacts c WHERE c.id = inv.customer_id;
  END IF;
  SELECT * INTO allocated FROM allocate_document_number(inv.sequence_id, inv.ncf_type, inv.branch_id, p_issued_on);
  UPDATE invoices i
     SET status = 'issued', ncf = allocated.number, ncf_valid_until = allocated.valid_until, sequence_id = allocated.sequence_id,
         issued_on = p_issued_on, buyer_name = buyer.name, buyer_id_type = buyer.id_type, buyer_id_number = buyer.id_number,
         exchange_rate = p_exchange_rate, taxable_total_dop = p_taxable_dop, exempt_total_dop = p_exempt_dop,
         itbis_total_dop = p_itbis_dop, total_dop = p_total_dop, issued_by = p_user_id, issue_key = p_issue_key, updated_at = now()
   WHERE i.id = inv.id;
  PERFORM invoice_stock_movements(inv.id, inv.branch_id, -1, 'sale', allocated.number, p_user_id);
  issued_ncf := allocated.number; issued_valid_until := allocated.valid_until; issued_sequence_id := allocated.sequence_id; replayed := false;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
-- Voids an issued invoice that has no active payments and no issued credit notes: status voided
-- with its 608 reason; the NCF stays used (report 608) and the stock sold comes back.
CREATE FUNCTION void_invoice(p_invoice_id uuid, p_reason text, p_note text, p_user_id uuid)
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
  RETURN v_at;
END
$$;
