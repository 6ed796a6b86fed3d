CREATE TYPE "public"."tenant_status" AS ENUM('provisioning', 'active', 'suspended', 'failed', 'deleting');--> statement-breakpoint
CREATE TABLE "clients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"rnc" text,
	"email" text,
	"phone" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "domains" (
	"hostname" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domains_hostname_lower" CHECK ("domains"."hostname" = lower("domains"."hostname"))
);
--> statement-breakpoint
CREATE TABLE "provisioning_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"operation" text NOT NULL,
	"step" text NOT NULL,
	"outcome" text NOT NULL,
	"message" text,
	"duration_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"client_id" uuid,
	"status" "tenant_status" DEFAULT 'provisioning' NOT NULL,
	"placement" text NOT NULL,
	"placement_ref" jsonb,
	"connection_secret" text,
	"schema_version" integer DEFAULT 0 NOT NULL,
	"provisioning_step" text,
	"last_error" text,
	"suspended_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_id_is_dns_label" CHECK ("tenants"."id" ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
);
--> statement-breakpoint
ALTER TABLE "domains" ADD CONSTRAINT "domains_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "domains_tenant_idx" ON "domains" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "provisioning_log_tenant_idx" ON "provisioning_log" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "tenants_client_idx" ON "tenants" USING btree ("client_id");