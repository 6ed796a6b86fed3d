ALTER TABLE "share_links" ALTER COLUMN "invoice_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "share_links" ADD COLUMN "quotation_id" uuid;--> statement-breakpoint
ALTER TABLE "share_links" ADD COLUMN "prescription_id" uuid;--> statement-breakpoint
ALTER TABLE "share_links" ADD COLUMN "payment_id" uuid;--> statement-breakpoint
ALTER TABLE "share_links" ADD COLUMN "lab_order_id" uuid;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_quotation_id_quotations_id_fk" FOREIGN KEY ("quotation_id") REFERENCES "public"."quotations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_prescription_id_prescriptions_id_fk" FOREIGN KEY ("prescription_id") REFERENCES "public"."prescriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_payment_id_payments_id_fk" FOREIGN KEY ("payment_id") REFERENCES "public"."payments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_lab_order_id_lab_orders_id_fk" FOREIGN KEY ("lab_order_id") REFERENCES "public"."lab_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "share_links_quotation_idx" ON "share_links" USING btree ("quotation_id");--> statement-breakpoint
CREATE INDEX "share_links_prescription_idx" ON "share_links" USING btree ("prescription_id");--> statement-breakpoint
CREATE INDEX "share_links_payment_idx" ON "share_links" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "share_links_lab_order_idx" ON "share_links" USING btree ("lab_order_id");--> statement-breakpoint
ALTER TABLE "share_links" ADD CONSTRAINT "share_links_one_subject" CHECK (num_nonnulls("share_links"."invoice_id", "share_links"."quotation_id", "share_links"."prescription_id", "share_links"."payment_id", "share_links"."lab_order_id") = 1);