-- Trigger (deferred to commit) on invoices, refunds and credit_applications: recomputes the
-- receivable_balances rows of the customers a change touches and, for invoices, the receivable_days
-- rows of the old and new (branch, due day). One shop-wide lock serialises this work between
-- commits: no two refreshes of the same rows interleave, each reads what the previous commit wrote,
-- and no lock is taken after it, so it cannot deadlock. Deferred triggers fire at commit, after every
-- write of the transaction, so a day (or the customer-less invoices) refreshed once is final: those
-- keys are kept in a transaction-local setting and later rows skip them (a bulk load of thousands of
-- invoices on a few days pays a few refreshes of those days, not one per row over the same invoices).
-- A named customer is refreshed each time (a few of its own rows): the setting stays as small as
-- the number of days a transaction touches, however many customers it writes.
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
      IF OLD.customer_id IS NOT NULL THEN
        PERFORM receivables_refresh_customer(OLD.customer_id);
      ELSIF position('|c-|' IN v_done) = 0 THEN
        PERFORM receivables_refresh_customer(NULL);
        v_done := v_done || '|c-|';
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
      IF NEW.customer_id IS NOT NULL THEN
        IF NOT v_old OR OLD.customer_id IS DISTINCT FROM NEW.customer_id THEN
          PERFORM receivables_refresh_customer(NEW.customer_id);
        END IF;
      ELSIF position('|c-|' IN v_done) = 0 THEN
        PERFORM receivables_refresh_customer(NULL);
        v_done := v_done || '|c-|';
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
  IF FOUND AND v_customer IS NOT NULL THEN
    PERFORM receivables_refresh_customer(v_customer);
  ELSIF FOUND AND position('|c-|' IN v_done) = 0 THEN
    PERFORM receivables_refresh_customer(NULL);
    PERFORM set_config('optiflow.receivables_done', v_done || '|c-|', true);
  END IF;
  RETURN NULL;
END
$$;
