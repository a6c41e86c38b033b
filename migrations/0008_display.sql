CREATE TABLE "displays" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"secret_hash" text NOT NULL,
	"name" text,
	"pairing_code" text,
	"code_expires_at" timestamp with time zone,
	"meeting_id" uuid,
	"paired_by" uuid,
	"paired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "displays" ADD CONSTRAINT "displays_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "displays" ADD CONSTRAINT "displays_paired_by_users_id_fk" FOREIGN KEY ("paired_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "displays_secret_hash_idx" ON "displays" USING btree ("secret_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "displays_pairing_code_idx" ON "displays" USING btree ("pairing_code") WHERE "displays"."pairing_code" is not null;--> statement-breakpoint
CREATE INDEX "displays_meeting_idx" ON "displays" USING btree ("meeting_id");