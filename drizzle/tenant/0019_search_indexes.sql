-- unaccent is a trusted extension (PostgreSQL 13+): the database owner may create it. search_fold is
-- created here because the indexes below use it; its file in functions/ stays the current definition.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE OR REPLACE FUNCTION search_fold(p_value text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT lower(public.unaccent('public.unaccent'::regdictionary, p_value))
$$;
--> statement-breakpoint
DROP INDEX "contacts_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "contacts_name_search_idx" ON "contacts" USING gin (search_fold("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_ncf_search_idx" ON "invoices" USING gin ("ncf" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_buyer_name_search_idx" ON "invoices" USING gin (search_fold("buyer_name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "invoices_buyer_id_number_idx" ON "invoices" USING btree ("buyer_id_number");--> statement-breakpoint
CREATE INDEX "payments_number_search_idx" ON "payments" USING gin (lower("number") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "products_name_search_idx" ON "products" USING gin (search_fold("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "quotations_customer_idx" ON "quotations" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "quotations_number_search_idx" ON "quotations" USING gin (lower("number") gin_trgm_ops);