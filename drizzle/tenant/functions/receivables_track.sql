-- Trigger (deferred to commit) on invoices, refunds and credit_applications: recomputes the
-- receivable_balances rows of the customers a change touches and, for invoices, the receivable_days
-- rows of the old and new (branch, due day). One shop-wide lock serialises this work between
-- commits: no two refreshes of the same rows interleave, each reads what the previous commit wrote,
-- and no lock is taken after it, so it cannot deadlock. Deferred triggers fire at commit, after every
-- write of the transaction, so a customer or day refreshed once is final: the keys refreshed are kept
-- in a transaction-local setting and later rows skip them (a bulk load of thousands of invoices of a
-- few customers and days pays a few refreshes, not one per row over the same invoices).
CREATE OR REPLACE FUNCTION receivables_track()
RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_invoice uuid;
  v_customer uuid;
  v_old boolean := false;
  v_new boolean := false;
  v_done text := coalesce(current_setting('optiflow.receivables_done', true), '');
  v_key text;
BEGIN
  IF TG_TABLE_NAME = 'invoices' THEN
    -- Issued and not exactly settled (invoices_unsettled_idx's rows): only these have balances to keep.
    IF TG_OP <> 'INSERT' THEN
      v_old := OLD.kind = 'invoice' AND OLD.status IN ('issued', 'partially_paid', 'paid') AND OLD.paid_total + OLD.credited_total <> OLD.total;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      v_new := NEW.kind = 'invoice' AND NEW.status IN ('issued', 'partially_paid', 'paid') AND NEW.paid_total + NEW.credited_total <> NEW.total;
    END IF;
    IF NOT v_old AND NOT v_new THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('optiflow:receivables'));
  IF TG_TABLE_NAME = 'invoices' THEN
    IF v_old THEN
      v_key := '|c' || coalesce(OLD.customer_id::text, '-') || '|';
      IF position(v_key IN v_done) = 0 THEN
        PERFORM receivables_refresh_customer(OLD.customer_id);
        v_done := v_done || v_key;
      END IF;
      IF OLD.paid_total + OLD.credited_total < OLD.total THEN
        v_key := '|d' || OLD.branch_id::text || coalesce(OLD.due_on, OLD.issued_on)::text || '|';
        IF position(v_key IN v_done) = 0 THEN
          PERFORM receivables_refresh_day(OLD.branch_id, coalesce(OLD.due_on, OLD.issued_on));
          v_done := v_done || v_key;
        END IF;
      END IF;
    END IF;
    IF v_new THEN
      v_key := '|c' || coalesce(NEW.customer_id::text, '-') || '|';
      IF position(v_key IN v_done) = 0 THEN
        PERFORM receivables_refresh_customer(NEW.customer_id);
        v_done := v_done || v_key;
      END IF;
      IF NEW.paid_total + NEW.credited_total < NEW.total THEN
        v_key := '|d' || NEW.branch_id::text || coalesce(NEW.due_on, NEW.issued_on)::text || '|';
        IF position(v_key IN v_done) = 0 THEN
          PERFORM receivables_refresh_day(NEW.branch_id, coalesce(NEW.due_on, NEW.issued_on));
          v_done := v_done || v_key;
        END IF;
      END IF;
    END IF;
    PERFORM set_config('optiflow.receivables_done', v_done, true);
    RETURN NULL;
  END IF;
  -- A refund or a credit application moves the credit balance of its (source) invoice's customer.
  IF TG_TABLE_NAME = 'refunds' AND TG_OP = 'DELETE' THEN
    v_invoice := OLD.invoice_id;
  ELSIF TG_TABLE_NAME = 'refunds' THEN
    v_invoice := NEW.invoice_id;
  ELSIF TG_OP = 'DELETE' THEN
    v_invoice := OLD.source_invoice_id;
  ELSE
    v_invoice := NEW.source_invoice_id;
  END IF;
  SELECT i.customer_id INTO v_customer FROM invoices i WHERE i.id = v_invoice;
  IF FOUND THEN
    v_key := '|c' || coalesce(v_customer::text, '-') || '|';
    IF position(v_key IN v_done) = 0 THEN
      PERFORM receivables_refresh_customer(v_customer);
      PERFORM set_config('optiflow.receivables_done', v_done || v_key, true);
    END IF;
  END IF;
  RETURN NULL;
END
$$;
