ALTER TABLE "ecf_fallback_documents" ADD COLUMN "replacement_encf" text;--> statement-breakpoint
ALTER TABLE "ecf_fallback_documents" ADD COLUMN "replacement_valid_until" date;