CREATE TABLE "cash_close_counter" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_number" bigint NOT NULL,
	CONSTRAINT "cash_close_counter_single_row" CHECK ("cash_close_counter"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "cash_close_lines" (
	"close_id" uuid NOT NULL,
	"method" text NOT NULL,
	"currency_code" text NOT NULL,
	"expected" numeric(14, 2) NOT NULL,
	"counted" numeric(14, 2) NOT NULL,
	"difference" numeric(14, 2) NOT NULL,
	"movements" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cash_close_lines_close_id_method_currency_code_pk" PRIMARY KEY("close_id","method","currency_code"),
	CONSTRAINT "cash_close_lines_difference" CHECK ("cash_close_lines"."difference" = "cash_close_lines"."counted" - "cash_close_lines"."expected")
);
--> statement-breakpoint
CREATE TABLE "cash_close_members" (
	"cashier_close_id" uuid PRIMARY KEY NOT NULL,
	"branch_close_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cash_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"branch_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"cashier_id" uuid,
	"business_date" date NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" uuid NOT NULL,
	"note" text,
	CONSTRAINT "cash_closes_kind_valid" CHECK ("cash_closes"."kind" in ('cashier', 'branch')),
	CONSTRAINT "cash_closes_cashier_kind" CHECK (("cash_closes"."kind" = 'cashier') = ("cash_closes"."cashier_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "cash_close_id" uuid;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "void_cash_close_id" uuid;--> statement-breakpoint
ALTER TABLE "cash_close_lines" ADD CONSTRAINT "cash_close_lines_close_id_cash_closes_id_fk" FOREIGN KEY ("close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_close_lines" ADD CONSTRAINT "cash_close_lines_currency_code_currencies_code_fk" FOREIGN KEY ("currency_code") REFERENCES "public"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_close_members" ADD CONSTRAINT "cash_close_members_cashier_close_id_cash_closes_id_fk" FOREIGN KEY ("cashier_close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_close_members" ADD CONSTRAINT "cash_close_members_branch_close_id_cash_closes_id_fk" FOREIGN KEY ("branch_close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_closes" ADD CONSTRAINT "cash_closes_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_closes" ADD CONSTRAINT "cash_closes_cashier_id_users_id_fk" FOREIGN KEY ("cashier_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cash_closes" ADD CONSTRAINT "cash_closes_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cash_close_members_branch_idx" ON "cash_close_members" USING btree ("branch_close_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cash_closes_number_key" ON "cash_closes" USING btree ("number");--> statement-breakpoint
CREATE INDEX "cash_closes_list_idx" ON "cash_closes" USING btree ("closed_at","id");--> statement-breakpoint
CREATE INDEX "cash_closes_branch_day_idx" ON "cash_closes" USING btree ("branch_id","business_date");--> statement-breakpoint
CREATE INDEX "cash_closes_cashier_idx" ON "cash_closes" USING btree ("cashier_id","closed_at");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_cash_close_id_cash_closes_id_fk" FOREIGN KEY ("cash_close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_void_cash_close_id_cash_closes_id_fk" FOREIGN KEY ("void_cash_close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payments_unclosed_idx" ON "payments" USING btree ("branch_id","created_by") WHERE "payments"."cash_close_id" is null and "payments"."status" = 'active';--> statement-breakpoint
CREATE INDEX "payments_unclosed_void_idx" ON "payments" USING btree ("branch_id","created_by") WHERE "payments"."cash_close_id" is not null and "payments"."void_cash_close_id" is null and "payments"."status" = 'voided';--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_cash_close_id_cash_closes_id_fk" FOREIGN KEY ("cash_close_id") REFERENCES "public"."cash_closes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refunds_unclosed_idx" ON "refunds" USING btree ("branch_id","created_by") WHERE "refunds"."cash_close_id" is null and "refunds"."status" = 'active';--> statement-breakpoint
-- The current body lives in functions/cash_closes_immutable.sql; the triggers need it to exist now.
CREATE OR REPLACE FUNCTION cash_closes_immutable()
RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'optiflow:cash_close_immutable';
END
$$;--> statement-breakpoint
CREATE TRIGGER cash_closes_immutable BEFORE UPDATE OR DELETE ON "cash_closes" FOR EACH ROW EXECUTE FUNCTION cash_closes_immutable();--> statement-breakpoint
CREATE TRIGGER cash_close_lines_immutable BEFORE UPDATE OR DELETE ON "cash_close_lines" FOR EACH ROW EXECUTE FUNCTION cash_closes_immutable();--> statement-breakpoint
CREATE TRIGGER cash_close_members_immutable BEFORE UPDATE OR DELETE ON "cash_close_members" FOR EACH ROW EXECUTE FUNCTION cash_closes_immutable();
