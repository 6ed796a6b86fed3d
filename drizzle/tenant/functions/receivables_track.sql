-- Trigger (deferred to commit) on invoices, refunds and credit_applications: recomputes the
-- receivable_balances rows of the customers a change touches and, for invoices, the receivable_days
-- rows of the old and new (branch, due day). One shop-wide lock serialises this work between
-- commits: no two refreshes of the same rows interleave, each reads what the previous commit wrote,
-- and no lock is taken after it, so it cannot deadlock.
CREATE OR REPLACE FUNCTION receivables_track()
RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_invoice uuid;
  v_old boolean := false;
  v_new boolean := false;
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
      PERFORM receivables_refresh_customer(OLD.customer_id);
      IF OLD.paid_total + OLD.credited_total < OLD.total THEN
        PERFORM receivables_refresh_day(OLD.branch_id, coalesce(OLD.due_on, OLD.issued_on));
      END IF;
    END IF;
    IF v_new THEN
      IF NOT v_old OR OLD.customer_id IS DISTINCT FROM NEW.customer_id THEN
        PERFORM receivables_refresh_customer(NEW.customer_id);
      END IF;
      IF NEW.paid_total + NEW.credited_total < NEW.total
         AND NOT (v_old AND OLD.paid_total + OLD.credited_total < OLD.total AND OLD.branch_id = NEW.branch_id
                  AND coalesce(OLD.due_on, OLD.issued_on) = coalesce(NEW.due_on, NEW.issued_on)) THEN
        PERFORM receivables_refresh_day(NEW.branch_id, coalesce(NEW.due_on, NEW.issued_on));
      END IF;
    END IF;
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
  PERFORM receivables_refresh_customer(i.customer_id) FROM invoices i WHERE i.id = v_invoice;
  RETURN NULL;
END
$$;
