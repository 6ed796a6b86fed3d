ALTER TABLE "fiscal_sequences" ADD COLUMN "authorized_on" date;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "issuer" jsonb;