CREATE TABLE "ecf_cancellations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sequence_id" uuid NOT NULL,
	"doc_type" text NOT NULL,
	"from_number" bigint NOT NULL,
	"to_number" bigint NOT NULL,
	"first_encf" text NOT NULL,
	"last_encf" text NOT NULL,
	"state" text DEFAULT 'sending' NOT NULL,
	"environment" text,
	"anecf_xml_key" text,
	"response_key" text,
	"dgii_code" text,
	"dgii_messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"last_error" text,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ecf_cancellations_range" CHECK ("ecf_cancellations"."from_number" >= 1 and "ecf_cancellations"."to_number" >= "ecf_cancellations"."from_number"),
	CONSTRAINT "ecf_cancellations_state_valid" CHECK ("ecf_cancellations"."state" in ('sending','accepted','unconfirmed'))
);
--> statement-breakpoint
CREATE TABLE "ecf_fallback_documents" (
	"invoice_id" uuid PRIMARY KEY NOT NULL,
	"fallback_id" uuid NOT NULL,
	"ecf_type" text NOT NULL,
	"replaced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ecf_fallbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reason" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_by" text NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" text
);
--> statement-breakpoint
ALTER TABLE "ecf_cancellations" ADD CONSTRAINT "ecf_cancellations_sequence_id_fiscal_sequences_id_fk" FOREIGN KEY ("sequence_id") REFERENCES "public"."fiscal_sequences"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ecf_fallback_documents" ADD CONSTRAINT "ecf_fallback_documents_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ecf_fallback_documents" ADD CONSTRAINT "ecf_fallback_documents_fallback_id_ecf_fallbacks_id_fk" FOREIGN KEY ("fallback_id") REFERENCES "public"."ecf_fallbacks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ecf_cancellations_sequence_idx" ON "ecf_cancellations" USING btree ("sequence_id","from_number");--> statement-breakpoint
CREATE UNIQUE INDEX "ecf_fallbacks_open_key" ON "ecf_fallbacks" USING btree (("ended_at" is null)) WHERE "ecf_fallbacks"."ended_at" is null;