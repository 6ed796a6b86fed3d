CREATE TABLE "received_ecf" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer_rnc" text NOT NULL,
	"issuer_name" text NOT NULL,
	"encf" text NOT NULL,
	"ecf_type" text NOT NULL,
	"buyer_rnc" text,
	"issued_on" date NOT NULL,
	"total" numeric(14, 2) NOT NULL,
	"itbis_total" numeric(14, 2),
	"currency" text DEFAULT 'DOP' NOT NULL,
	"security_code" text NOT NULL,
	"signed_at" timestamp with time zone NOT NULL,
	"xml_key" text NOT NULL,
	"arecf_xml_key" text,
	"approval" text DEFAULT 'pending' NOT NULL,
	"approval_reason" text,
	"approved_at" timestamp with time zone,
	"approved_by" uuid,
	"acecf_xml_key" text,
	"approval_exchanges" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "received_ecf_approval_valid" CHECK ("received_ecf"."approval" in ('pending','approved','rejected'))
);
--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "buyer_approval" text;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "buyer_approval_reason" text;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "buyer_approval_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "buyer_acecf_key" text;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD CONSTRAINT "received_ecf_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "received_ecf_issuer_encf_key" ON "received_ecf" USING btree ("issuer_rnc","encf");--> statement-breakpoint
CREATE INDEX "received_ecf_created_idx" ON "received_ecf" USING btree ("created_at","id");--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD CONSTRAINT "ecf_documents_buyer_approval_valid" CHECK ("ecf_documents"."buyer_approval" in ('approved','rejected'));