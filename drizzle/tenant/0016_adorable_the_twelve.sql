ALTER TABLE "ecf_documents" ADD COLUMN "delivery_state" text;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "delivery_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "delivery_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "delivery_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "delivery_error" text;--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD COLUMN "arecf_xml_key" text;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_dgii_state" text;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_issuer_state" text;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "received_ecf" ADD COLUMN "approval_error" text;--> statement-breakpoint
CREATE INDEX "ecf_documents_delivery_due_idx" ON "ecf_documents" USING btree ("delivery_state","delivery_next_at");--> statement-breakpoint
ALTER TABLE "ecf_documents" ADD CONSTRAINT "ecf_documents_delivery_state_valid" CHECK ("ecf_documents"."delivery_state" in ('pending','sending','delivered','not_received','not_receiver','failed'));--> statement-breakpoint
ALTER TABLE "received_ecf" ADD CONSTRAINT "received_ecf_approval_send_valid" CHECK ("received_ecf"."approval_dgii_state" in ('pending','sending','sent','failed') and "received_ecf"."approval_issuer_state" in ('pending','sending','sent','failed'));