CREATE TABLE "receivable_balances" (
	"branch_key" uuid NOT NULL,
	"customer_id" uuid,
	"open_dop" numeric(14, 2) NOT NULL,
	"credit_dop" numeric(14, 2) NOT NULL,
	"oldest_due" date,
	"open_invoices" integer NOT NULL,
	CONSTRAINT "receivable_balances_key" UNIQUE NULLS NOT DISTINCT("customer_id","branch_key")
);
--> statement-breakpoint
CREATE TABLE "receivable_days" (
	"branch_id" uuid NOT NULL,
	"due_on" date NOT NULL,
	"open_dop" numeric(14, 2) NOT NULL,
	CONSTRAINT "receivable_days_branch_id_due_on_pk" PRIMARY KEY("branch_id","due_on")
);
--> statement-breakpoint
CREATE INDEX "receivable_balances_total_idx" ON "receivable_balances" USING btree ("branch_key","open_dop" DESC NULLS LAST,"credit_dop" DESC NULLS LAST,"customer_id");--> statement-breakpoint
CREATE INDEX "receivable_balances_oldest_idx" ON "receivable_balances" USING btree ("branch_key","oldest_due","open_dop" DESC NULLS LAST,"customer_id");--> statement-breakpoint
CREATE INDEX "invoices_open_due_idx" ON "invoices" USING btree ("branch_id",coalesce("due_on", "issued_on")) WHERE "invoices"."kind" = 'invoice' and "invoices"."status" in ('issued', 'partially_paid', 'paid') and "invoices"."paid_total" + "invoices"."credited_total" <> "invoices"."total";--> statement-breakpoint
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
--> statement-breakpoint
-- A customer's rows of receivable_balances (null: the invoices without a customer), recomputed from
-- their issued, not settled invoices: per branch and for every branch together (the nil uuid), open
-- balance in DOP at each invoice's rate and credit balance (invoice_credit_available). Called by
-- receivables_track at commit, under its lock, so each statement reads what earlier commits wrote.
CREATE OR REPLACE FUNCTION receivables_refresh_customer(p_customer uuid)
RETURNS void
LANGUAGE plpgsql
-- Index scans even when the planner's figures predate a bulk load in the same transaction (a seed, a restore).
SET enable_seqscan = off AS $$
BEGIN
  IF p_customer IS NULL THEN
    DELETE FROM receivable_balances WHERE customer_id IS NULL;
  ELSE
    DELETE FROM receivable_balances WHERE customer_id = p_customer;
  END IF;
  INSERT INTO receivable_balances (branch_key, customer_id, open_dop, credit_dop, oldest_due, open_invoices)
  SELECT coalesce(o.branch_id, '00000000-0000-0000-0000-000000000000'::uuid), p_customer,
         sum(o.open_dop), sum(o.credit_dop), min(o.since), count(o.since)::int
    FROM (SELECT i.branch_id,
                 CASE WHEN i.balance > 0 THEN round(i.balance * i.exchange_rate, 2) ELSE 0 END AS open_dop,
                 CASE WHEN i.balance < 0 THEN round(invoice_credit_available(i.id) * i.exchange_rate, 2) ELSE 0 END AS credit_dop,
                 CASE WHEN i.balance > 0 THEN coalesce(i.due_on, i.issued_on) END AS since
            FROM (SELECT v.id, v.branch_id, v.exchange_rate, v.due_on, v.issued_on, v.total - v.paid_total - v.credited_total AS balance
                    FROM invoices v
                   WHERE v.customer_id = p_customer
                     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total
                  UNION ALL
                  SELECT v.id, v.branch_id, v.exchange_rate, v.due_on, v.issued_on, v.total - v.paid_total - v.credited_total
                    FROM invoices v
                   WHERE p_customer IS NULL AND v.customer_id IS NULL
                     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total) i) o
   GROUP BY GROUPING SETS ((o.branch_id), ())
  HAVING sum(o.open_dop) > 0 OR sum(o.credit_dop) > 0;
END
$$;
--> statement-breakpoint
-- One branch's open balance in DOP of the invoices due (or issued, without a due date) on one day,
-- recomputed into receivable_days (invoices_open_due_idx finds them). Called by receivables_track at
-- commit, under its lock.
CREATE OR REPLACE FUNCTION receivables_refresh_day(p_branch uuid, p_day date)
RETURNS void
LANGUAGE plpgsql
-- Index scans even when the planner's figures predate a bulk load in the same transaction (a seed, a restore).
SET enable_seqscan = off AS $$
BEGIN
  DELETE FROM receivable_days WHERE branch_id = p_branch AND due_on = p_day;
  INSERT INTO receivable_days (branch_id, due_on, open_dop)
  SELECT p_branch, p_day, sum(round((v.total - v.paid_total - v.credited_total) * v.exchange_rate, 2))
    FROM invoices v
   WHERE v.branch_id = p_branch AND coalesce(v.due_on, v.issued_on) = p_day
     AND v.kind = 'invoice' AND v.status IN ('issued', 'partially_paid', 'paid') AND v.paid_total + v.credited_total <> v.total
     AND v.total - v.paid_total - v.credited_total > 0
  HAVING count(*) > 0;
END
$$;
--> statement-breakpoint
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
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER receivables_invoices_written AFTER INSERT OR DELETE ON "invoices" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION receivables_track();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER receivables_invoices_changed AFTER UPDATE ON "invoices" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.total IS DISTINCT FROM NEW.total
        OR OLD.paid_total IS DISTINCT FROM NEW.paid_total OR OLD.credited_total IS DISTINCT FROM NEW.credited_total
        OR OLD.exchange_rate IS DISTINCT FROM NEW.exchange_rate OR OLD.customer_id IS DISTINCT FROM NEW.customer_id
        OR OLD.branch_id IS DISTINCT FROM NEW.branch_id OR OLD.due_on IS DISTINCT FROM NEW.due_on OR OLD.issued_on IS DISTINCT FROM NEW.issued_on)
  EXECUTE FUNCTION receivables_track();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER receivables_refunds AFTER INSERT OR UPDATE OR DELETE ON "refunds" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION receivables_track();--> statement-breakpoint
CREATE CONSTRAINT TRIGGER receivables_credit_applications AFTER INSERT OR UPDATE OR DELETE ON "credit_applications" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION receivables_track();--> statement-breakpoint
SELECT receivables_refresh_customer(c.customer_id)
  FROM (SELECT DISTINCT customer_id FROM invoices
         WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'paid') AND paid_total + credited_total <> total) c;--> statement-breakpoint
SELECT receivables_refresh_day(d.branch_id, d.due_on)
  FROM (SELECT DISTINCT branch_id, coalesce(due_on, issued_on) AS due_on FROM invoices
         WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'paid') AND paid_total + credited_total < total) d;
