DROP INDEX "contacts_name_idx";--> statement-breakpoint
CREATE INDEX "contacts_name_fold_order_idx" ON "contacts" USING btree ("name_fold","id");