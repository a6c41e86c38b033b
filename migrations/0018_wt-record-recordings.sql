CREATE TYPE "public"."conference_recording_status" AS ENUM('recording', 'finalising', 'ready', 'interrupted', 'failed');--> statement-breakpoint
CREATE TABLE "conference_recordings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"status" "conference_recording_status" NOT NULL,
	"file" text NOT NULL,
	"started_by" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone,
	"stop_reason" text,
	"duration_ms" integer,
	"marks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"chapters" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conference_recordings" ADD CONSTRAINT "conference_recordings_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_recordings" ADD CONSTRAINT "conference_recordings_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conference_recordings_meeting_idx" ON "conference_recordings" USING btree ("meeting_id","started_at");