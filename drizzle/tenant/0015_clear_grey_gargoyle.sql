CREATE TABLE "receiver_rate_windows" (
	"sender" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "receiver_rate_windows_sender_window_start_pk" PRIMARY KEY("sender","window_start")
);
--> statement-breakpoint
CREATE TABLE "receiver_seed_claims" (
	"seed_hash" text PRIMARY KEY NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "receiver_seed_claims_claimed_idx" ON "receiver_seed_claims" USING btree ("claimed_at");