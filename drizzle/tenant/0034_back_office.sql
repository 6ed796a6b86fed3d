CREATE TABLE "catalog_values" (
	"id" serial PRIMARY KEY NOT NULL,
	"list" text NOT NULL,
	"value" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalog_values_list_valid" CHECK ("catalog_values"."list" in ('lens_types','materials','indices','treatments','colours','frame_shapes','visit_reasons'))
);
--> statement-breakpoint
CREATE TABLE "commission_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" text NOT NULL,
	"closed_by" uuid,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commission_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"close_id" uuid NOT NULL,
	"seller_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"base" numeric(14, 2) NOT NULL,
	"amount" numeric(14, 2) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commission_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seller_id" uuid,
	"category" text,
	"rate" numeric(5, 2) NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commission_rules_scoped" CHECK ("commission_rules"."seller_id" is not null or "commission_rules"."category" is not null),
	CONSTRAINT "commission_rules_rate_range" CHECK ("commission_rules"."rate" >= 0 and "commission_rules"."rate" <= 100)
);
--> statement-breakpoint
CREATE TABLE "custom_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"permissions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "expense_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"expense_id" uuid NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "expenses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"supplier_id" uuid,
	"supplier_id_type" text NOT NULL,
	"supplier_id_number" text NOT NULL,
	"supplier_name" text NOT NULL,
	"ncf" text NOT NULL,
	"modified_ncf" text,
	"expense_type" text NOT NULL,
	"branch_id" uuid NOT NULL,
	"issued_on" date NOT NULL,
	"paid_on" date,
	"services_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"goods_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_billed" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_withheld" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_proportional" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_to_cost" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_advance" numeric(14, 2) DEFAULT '0' NOT NULL,
	"itbis_perceived" numeric(14, 2) DEFAULT '0' NOT NULL,
	"isr_withholding_type" text,
	"isr_withheld" numeric(14, 2) DEFAULT '0' NOT NULL,
	"isr_perceived" numeric(14, 2) DEFAULT '0' NOT NULL,
	"isc_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"other_taxes" numeric(14, 2) DEFAULT '0' NOT NULL,
	"legal_tip" numeric(14, 2) DEFAULT '0' NOT NULL,
	"payment_form" text NOT NULL,
	"payment_status" text DEFAULT 'pending' NOT NULL,
	"received_ecf_id" uuid,
	"notes" text,
	"voided_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "expenses_id_type_valid" CHECK ("expenses"."supplier_id_type" in ('rnc', 'cedula')),
	CONSTRAINT "expenses_type_valid" CHECK ("expenses"."expense_type" in ('01','02','03','04','05','06','07','08','09','10','11')),
	CONSTRAINT "expenses_payment_form_valid" CHECK ("expenses"."payment_form" in ('01','02','03','04','05','06','07')),
	CONSTRAINT "expenses_payment_status_valid" CHECK ("expenses"."payment_status" in ('pending', 'paid')),
	CONSTRAINT "expenses_total_is_sum" CHECK ("expenses"."total" = "expenses"."services_amount" + "expenses"."goods_amount"),
	CONSTRAINT "expenses_paid_has_date" CHECK ("expenses"."payment_status" = 'pending' or "expenses"."paid_on" is not null)
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"entity" text PRIMARY KEY NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"entity" text NOT NULL,
	"file_key" text NOT NULL,
	"file_name" text NOT NULL,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"mapping" jsonb,
	"total_rows" integer,
	"error_rows" integer,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error_report_key" text,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_runs_entity_valid" CHECK ("import_runs"."entity" in ('contacts', 'products', 'prescriptions', 'invoices')),
	CONSTRAINT "import_runs_status_valid" CHECK ("import_runs"."status" in ('uploaded', 'validated', 'queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "price_update_lines" (
	"update_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"old_price" numeric(14, 4) NOT NULL,
	"new_price" numeric(14, 4) NOT NULL,
	CONSTRAINT "price_update_lines_update_id_product_id_pk" PRIMARY KEY("update_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "price_updates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"filter" jsonb NOT NULL,
	"mode" text NOT NULL,
	"value" numeric(14, 4) NOT NULL,
	"product_count" integer NOT NULL,
	"applied_by" uuid,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_barcodes" (
	"code" text PRIMARY KEY NOT NULL,
	"product_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"report" text NOT NULL,
	"format" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"rows_total" integer,
	"file_key" text,
	"file_name" text,
	"byte_size" bigint,
	"error" text,
	"requested_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "report_exports_format_valid" CHECK ("report_exports"."format" in ('xlsx', 'csv')),
	CONSTRAINT "report_exports_status_valid" CHECK ("report_exports"."status" in ('queued', 'running', 'done', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "import_key" text;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "seller_id" uuid;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "imported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "prescriptions" ADD COLUMN "import_key" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "parent_id" uuid;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "variant_colour" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "variant_size" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "frame_shape" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "lens_type" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "lens_material" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "lens_index" text;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "lens_treatments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sphere_min" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "sphere_max" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "cylinder_min" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "cylinder_max" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "add_min" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "add_max" numeric(5, 2);--> statement-breakpoint
ALTER TABLE "quotations" ADD COLUMN "seller_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "custom_role_id" uuid;--> statement-breakpoint
ALTER TABLE "commission_closes" ADD CONSTRAINT "commission_closes_closed_by_users_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_entries" ADD CONSTRAINT "commission_entries_close_id_commission_closes_id_fk" FOREIGN KEY ("close_id") REFERENCES "public"."commission_closes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_entries" ADD CONSTRAINT "commission_entries_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_entries" ADD CONSTRAINT "commission_entries_document_id_invoices_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_rules" ADD CONSTRAINT "commission_rules_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_rules" ADD CONSTRAINT "commission_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "custom_roles" ADD CONSTRAINT "custom_roles_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_attachments" ADD CONSTRAINT "expense_attachments_expense_id_expenses_id_fk" FOREIGN KEY ("expense_id") REFERENCES "public"."expenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expense_attachments" ADD CONSTRAINT "expense_attachments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_supplier_id_contacts_id_fk" FOREIGN KEY ("supplier_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_received_ecf_id_received_ecf_id_fk" FOREIGN KEY ("received_ecf_id") REFERENCES "public"."received_ecf"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expenses" ADD CONSTRAINT "expenses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_runs" ADD CONSTRAINT "import_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_update_lines" ADD CONSTRAINT "price_update_lines_update_id_price_updates_id_fk" FOREIGN KEY ("update_id") REFERENCES "public"."price_updates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_update_lines" ADD CONSTRAINT "price_update_lines_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "price_updates" ADD CONSTRAINT "price_updates_applied_by_users_id_fk" FOREIGN KEY ("applied_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_barcodes" ADD CONSTRAINT "product_barcodes_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_exports" ADD CONSTRAINT "report_exports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "catalog_values_list_value_key" ON "catalog_values" USING btree ("list",lower("value"));--> statement-breakpoint
CREATE INDEX "catalog_values_list_idx" ON "catalog_values" USING btree ("list","position");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_closes_period_key" ON "commission_closes" USING btree ("period");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_entries_document_key" ON "commission_entries" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "commission_entries_close_idx" ON "commission_entries" USING btree ("close_id","seller_id");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_rules_scope_key" ON "commission_rules" USING btree (coalesce("seller_id"::text, ''),coalesce("category", '')) WHERE "commission_rules"."active";--> statement-breakpoint
CREATE UNIQUE INDEX "custom_roles_name_key" ON "custom_roles" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "expense_attachments_expense_idx" ON "expense_attachments" USING btree ("expense_id");--> statement-breakpoint
CREATE UNIQUE INDEX "expenses_supplier_ncf_key" ON "expenses" USING btree ("supplier_id_number","ncf") WHERE "expenses"."voided_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "expenses_received_ecf_key" ON "expenses" USING btree ("received_ecf_id") WHERE "expenses"."received_ecf_id" is not null;--> statement-breakpoint
CREATE INDEX "expenses_issued_idx" ON "expenses" USING btree ("issued_on","id");--> statement-breakpoint
CREATE INDEX "expenses_list_idx" ON "expenses" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "expenses_supplier_idx" ON "expenses" USING btree ("supplier_id");--> statement-breakpoint
CREATE INDEX "import_runs_list_idx" ON "import_runs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "product_barcodes_product_idx" ON "product_barcodes" USING btree ("product_id");--> statement-breakpoint
CREATE INDEX "report_exports_list_idx" ON "report_exports" USING btree ("created_at","id");--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_parent_id_products_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotations" ADD CONSTRAINT "quotations_seller_id_users_id_fk" FOREIGN KEY ("seller_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_custom_role_id_custom_roles_id_fk" FOREIGN KEY ("custom_role_id") REFERENCES "public"."custom_roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_import_key" ON "contacts" USING btree ("import_key") WHERE "contacts"."import_key" is not null;--> statement-breakpoint
CREATE INDEX "invoices_seller_idx" ON "invoices" USING btree ("seller_id","issued_on");--> statement-breakpoint
CREATE UNIQUE INDEX "prescriptions_import_key" ON "prescriptions" USING btree ("import_key") WHERE "prescriptions"."import_key" is not null;--> statement-breakpoint
CREATE INDEX "prescriptions_optometrist_idx" ON "prescriptions" USING btree ("optometrist_id","examined_on");--> statement-breakpoint
CREATE INDEX "products_parent_idx" ON "products" USING btree ("parent_id") WHERE "products"."parent_id" is not null;--> statement-breakpoint
UPDATE "invoices" SET "seller_id" = "created_by" WHERE "seller_id" IS NULL AND "created_by" IS NOT NULL;--> statement-breakpoint
UPDATE "quotations" SET "seller_id" = "created_by" WHERE "seller_id" IS NULL AND "created_by" IS NOT NULL;--> statement-breakpoint
INSERT INTO "catalog_values" ("list", "value", "position") VALUES
  ('lens_types', 'Monofocal', 1), ('lens_types', 'Bifocal', 2), ('lens_types', 'Progresivo', 3), ('lens_types', 'Ocupacional', 4),
  ('materials', 'CR-39', 1), ('materials', 'Policarbonato', 2), ('materials', 'Trivex', 3), ('materials', 'Alto índice', 4), ('materials', 'Vidrio', 5),
  ('indices', '1.50', 1), ('indices', '1.53', 2), ('indices', '1.56', 3), ('indices', '1.59', 4), ('indices', '1.60', 5), ('indices', '1.67', 6), ('indices', '1.74', 7),
  ('treatments', 'Antirreflejo', 1), ('treatments', 'Filtro de luz azul', 2), ('treatments', 'Fotocromático', 3), ('treatments', 'Polarizado', 4), ('treatments', 'Endurecido', 5), ('treatments', 'Tinte', 6),
  ('colours', 'Negro', 1), ('colours', 'Carey', 2), ('colours', 'Dorado', 3), ('colours', 'Plateado', 4), ('colours', 'Azul', 5), ('colours', 'Rojo', 6), ('colours', 'Transparente', 7),
  ('frame_shapes', 'Rectangular', 1), ('frame_shapes', 'Redonda', 2), ('frame_shapes', 'Cuadrada', 3), ('frame_shapes', 'Ovalada', 4), ('frame_shapes', 'Aviador', 5), ('frame_shapes', 'Cat-eye', 6), ('frame_shapes', 'Al aire', 7),
  ('visit_reasons', 'Examen de rutina', 1), ('visit_reasons', 'Visión borrosa', 2), ('visit_reasons', 'Dolor de cabeza', 3), ('visit_reasons', 'Control', 4), ('visit_reasons', 'Lentes de contacto', 5), ('visit_reasons', 'Urgencia', 6);
