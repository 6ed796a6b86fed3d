CREATE TABLE "ecf_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"environment" text DEFAULT 'TesteCF' NOT NULL,
	"sealed_credentials" text NOT NULL,
	"subject" text NOT NULL,
	"common_name" text,
	"tax_id" text NOT NULL,
	"issuer" text NOT NULL,
	"serial_number" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "ecf_settings_single_row" CHECK ("ecf_settings"."id" = 1),
	CONSTRAINT "ecf_settings_environment_valid" CHECK ("ecf_settings"."environment" in ('TesteCF', 'CerteCF', 'eCF'))
);
--> statement-breakpoint
ALTER TABLE "ecf_settings" ADD CONSTRAINT "ecf_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;