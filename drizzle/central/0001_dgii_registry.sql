CREATE TABLE "dgii_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"rows_skipped" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "dgii_imports_status" CHECK ("dgii_imports"."status" IN ('running', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "dgii_taxpayers" (
	"tax_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"commercial_name" text,
	"activity" text,
	"status" text,
	"regime" text,
	"started_on" date
);
--> statement-breakpoint
CREATE INDEX "dgii_taxpayers_name_prefix_idx" ON "dgii_taxpayers" USING btree (lower("name") text_pattern_ops);