CREATE TABLE "fiscal_sequences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"doc_type" text NOT NULL,
	"prefix" text NOT NULL,
	"description" text,
	"range_start" bigint NOT NULL,
	"range_end" bigint NOT NULL,
	"next_number" bigint NOT NULL,
	"valid_until" date,
	"active" boolean DEFAULT true NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"branch_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fiscal_sequences_range" CHECK ("fiscal_sequences"."range_start" >= 1 and "fiscal_sequences"."range_end" >= "fiscal_sequences"."range_start"),
	CONSTRAINT "fiscal_sequences_next" CHECK ("fiscal_sequences"."next_number" between "fiscal_sequences"."range_start" and "fiscal_sequences"."range_end" + 1)
);
--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"position" integer NOT NULL,
	"product_id" uuid,
	"description" text NOT NULL,
	"quantity" numeric(12, 2) NOT NULL,
	"unit_price" numeric(14, 4) NOT NULL,
	"discount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"tax_id" integer,
	"tax_rate" numeric(5, 2) NOT NULL,
	"exempt" boolean DEFAULT false NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"invoice_id" uuid NOT NULL,
	"source_line_id" uuid,
	"return_to_stock" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text DEFAULT 'invoice' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"ncf_type" text NOT NULL,
	"sequence_id" uuid,
	"ncf" text,
	"ncf_valid_until" date,
	"issued_on" date,
	"due_on" date,
	"customer_id" uuid,
	"buyer_name" text,
	"buyer_id_type" text,
	"buyer_id_number" text,
	"branch_id" uuid NOT NULL,
	"prescription_id" uuid,
	"quotation_id" uuid,
	"currency_code" text NOT NULL,
	"exchange_rate" numeric(14, 4) DEFAULT '1' NOT NULL,
	"gross_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"discount_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"taxable_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"exempt_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"tax_breakdown" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"taxable_total_dop" numeric(14, 2) DEFAULT '0' NOT NULL,
	"exempt_total_dop" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_total_dop" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total_dop" numeric(14, 2) DEFAULT '0' NOT NULL,
	"paid_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"credited_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"reference_invoice_id" uuid,
	"modified_ncf" text,
	"refunds_itbis" boolean,
	"credit_reason" text,
	"issue_key" text,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"void_note" text,
	"pdf_key" text,
	"notes" text,
	"created_by" uuid,
	"issued_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invoices_kind_valid" CHECK ("invoices"."kind" in ('invoice', 'credit_note')),
	CONSTRAINT "invoices_status_valid" CHECK ("invoices"."status" in ('draft', 'issued', 'partially_paid', 'paid', 'voided')),
	CONSTRAINT "invoices_issued_has_ncf" CHECK ("invoices"."status" = 'draft' or "invoices"."ncf" is not null),
	CONSTRAINT "invoices_void_reason" CHECK ("invoices"."void_reason" is null or "invoices"."void_reason" in ('01','02','03','04','05','06','07','08','09','10')),
	CONSTRAINT "invoices_amounts_within_total" CHECK ("invoices"."paid_total" between 0 and "invoices"."total" and "invoices"."credited_total" between 0 and "invoices"."total")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"number" text NOT NULL,
	"sequence_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"received_on" date NOT NULL,
	"method" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"reference" text,
	"notes" text,
	"status" text DEFAULT 'active' NOT NULL,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount" > 0),
	CONSTRAINT "payments_method_valid" CHECK ("payments"."method" in ('1','2','3','4','5','6','7','8')),
	CONSTRAINT "payments_status_valid" CHECK ("payments"."status" in ('active', 'voided'))
);
--> statement-breakpoint
CREATE TABLE "prescriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"patient_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"optometrist_id" uuid,
	"optometrist_name" text,
	"examined_on" date NOT NULL,
	"od_sphere" numeric(5, 2),
	"od_cylinder" numeric(5, 2),
	"od_axis" integer,
	"od_add" numeric(4, 2),
	"od_prism" numeric(4, 2),
	"od_prism_base" text,
	"od_pd" numeric(4, 1),
	"od_height" numeric(4, 1),
	"od_va_sc" text,
	"od_va_cc" text,
	"od_base_curve" numeric(4, 2),
	"od_diameter" numeric(4, 2),
	"od_keratometry" text,
	"od_iop" numeric(4, 1),
	"oi_sphere" numeric(5, 2),
	"oi_cylinder" numeric(5, 2),
	"oi_axis" integer,
	"oi_add" numeric(4, 2),
	"oi_prism" numeric(4, 2),
	"oi_prism_base" text,
	"oi_pd" numeric(4, 1),
	"oi_height" numeric(4, 1),
	"oi_va_sc" text,
	"oi_va_cc" text,
	"oi_base_curve" numeric(4, 2),
	"oi_diameter" numeric(4, 2),
	"oi_keratometry" text,
	"oi_iop" numeric(4, 1),
	"pd" numeric(4, 1),
	"contact_lens_brand" text,
	"biomicroscopy" text,
	"fundus" text,
	"diagnosis" text,
	"icd10_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"recommendations" text,
	"next_visit_on" date,
	"notes" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotation_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"position" integer NOT NULL,
	"product_id" uuid,
	"description" text NOT NULL,
	"quantity" numeric(12, 2) NOT NULL,
	"unit_price" numeric(14, 4) NOT NULL,
	"discount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"tax_id" integer,
	"tax_rate" numeric(5, 2) NOT NULL,
	"exempt" boolean DEFAULT false NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"quotation_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"sequence_id" uuid NOT NULL,
	"customer_id" uuid,
	"branch_id" uuid NOT NULL,
	"prescription_id" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"currency_code" text NOT NULL,
	"quoted_on" date NOT NULL,
	"valid_until" date,
	"notes" text,
	"gross_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"discount_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"taxable_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"exempt_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"tax_breakdown" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"converted_invoice_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quotations_status_valid" CHECK ("quotations"."status" in ('draft', 'sent', 'converted', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "share_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_opened_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "fiscal_sequences" ADD CONSTRAINT "fiscal_sequences_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_tax_id_taxes_id_fk" FOREIGN KEY ("tax_id") REFERENCES "public"."taxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_sequence_id_fiscal_sequences_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."fiscal_sequences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_contacts_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_prescription_id_prescriptions_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_quotation_id_quotations_id_fk" FOREIGN KEY ("quotation_id") REFERENCES "public"."quotations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_currency_code_currencies_code_fk" FOREIGN KEY ("currency_code") REFERENCES "public"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_sequence_id_fiscal_sequences_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."fiscal_sequences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_patient_id_contacts_id_fk" FOREIGN KEY ("patient_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_optometrist_id_users_id_fk" FOREIGN KEY ("optometrist_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD CONSTRAINT "prescriptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotation_lines" ADD CONSTRAINT "quotation_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotation_lines" ADD CONSTRAINT "quotation_lines_tax_id_taxes_id_fk" FOREIGN KEY ("tax_id") REFERENCES "public"."taxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotation_lines" ADD CONSTRAINT "quotation_lines_quotation_id_quotations_id_fk" FOREIGN KEY ("quotation_id") REFERENCES "public"."quotations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_sequence_id_fiscal_sequences_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."fiscal_sequences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_customer_id_contacts_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_prescription_id_prescriptions_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_currency_code_currencies_code_fk" FOREIGN KEY ("currency_code") REFERENCES "public"."currencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fiscal_sequences_default_key" ON "fiscal_sequences" USING btree ("doc_type") WHERE "fiscal_sequences"."is_default" and "fiscal_sequences"."active";--> statement-breakpoint
CREATE UNIQUE INDEX "fiscal_sequences_branch_key" ON "fiscal_sequences" USING btree ("doc_type","branch_id") WHERE "fiscal_sequences"."branch_id" is not null and "fiscal_sequences"."active";--> statement-breakpoint
CREATE INDEX "invoice_lines_doc_idx" ON "invoice_lines" USING btree ("invoice_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_ncf_key" ON "invoices" USING btree ("ncf") WHERE "invoices"."ncf" is not null;--> statement-breakpoint
CREATE INDEX "invoices_list_idx" ON "invoices" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "invoices_issued_idx" ON "invoices" USING btree ("issued_on","kind");--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "invoices" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "invoices_reference_idx" ON "invoices" USING btree ("reference_invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_number_key" ON "payments" USING btree ("number");--> statement-breakpoint
CREATE INDEX "payments_invoice_idx" ON "payments" USING btree ("invoice_id","created_at");--> statement-breakpoint
CREATE INDEX "prescriptions_patient_idx" ON "prescriptions" USING btree ("patient_id","examined_on","id");--> statement-breakpoint
CREATE INDEX "quotation_lines_doc_idx" ON "quotation_lines" USING btree ("quotation_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "quotations_number_key" ON "quotations" USING btree ("number");--> statement-breakpoint
CREATE INDEX "quotations_list_idx" ON "quotations" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "share_links_hash_key" ON "share_links" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "share_links_invoice_idx" ON "share_links" USING btree ("invoice_id");