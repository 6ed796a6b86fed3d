CREATE TABLE "ecf_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"invoice_id" uuid NOT NULL,
	"encf" text NOT NULL,
	"ecf_type" text NOT NULL,
	"environment" text NOT NULL,
	"channel" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"security_code" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"total_dop" numeric(14, 2) NOT NULL,
	"signed_xml_key" text NOT NULL,
	"rfce_xml_key" text,
	"track_id" text,
	"dgii_status" text,
	"messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sequence_used" boolean,
	"attempts" integer DEFAULT 0 NOT NULL,
	"polls" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"exchanges" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sent_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ecf_documents_state_valid" CHECK ("ecf_documents"."state" in ('pending','sending','sent','accepted','accepted_conditional','rejected','contingency')),
	CONSTRAINT "ecf_documents_channel_valid" CHECK ("ecf_documents"."channel" in ('ecf','rfce'))
);
--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD CONSTRAINT "ecf_documents_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ecf_documents_invoice_key" ON "ecf_documents" USING btree ("invoice_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ecf_documents_encf_key" ON "ecf_documents" USING btree ("encf");--> statement-breakpoint
CREATE INDEX "ecf_documents_due_idx" ON "ecf_documents" USING btree ("state","next_attempt_at");