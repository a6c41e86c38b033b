CREATE TYPE "public"."attendance_status" AS ENUM('present', 'absent', 'proxy');--> statement-breakpoint
CREATE TYPE "public"."speaker_status" AS ENUM('waiting', 'speaking', 'done', 'withdrawn');--> statement-breakpoint
CREATE TABLE "agenda_item_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "attendance" (
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "attendance_status" NOT NULL,
	"reason" text,
	"proxy_user_id" uuid,
	"marked_by" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "attendance_meeting_id_user_id_pk" PRIMARY KEY("meeting_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_live_state" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"current_item_id" uuid,
	"presentation_document_id" uuid,
	"presentation_version" integer,
	"presentation_page" integer,
	"presentation_zoom" real,
	"presenter_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "speaker_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"item_id" uuid,
	"topic" text,
	"status" "speaker_status" DEFAULT 'waiting' NOT NULL,
	"position" integer NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"timer_started_at" timestamp with time zone,
	"timer_accumulated_ms" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "quorum_numerator" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "quorum_denominator" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "agenda_item_runs" ADD CONSTRAINT "agenda_item_runs_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agenda_item_runs" ADD CONSTRAINT "agenda_item_runs_item_id_agenda_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."agenda_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_proxy_user_id_users_id_fk" FOREIGN KEY ("proxy_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_marked_by_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_live_state" ADD CONSTRAINT "meeting_live_state_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_live_state" ADD CONSTRAINT "meeting_live_state_current_item_id_agenda_items_id_fk" FOREIGN KEY ("current_item_id") REFERENCES "public"."agenda_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_live_state" ADD CONSTRAINT "meeting_live_state_presentation_document_id_documents_id_fk" FOREIGN KEY ("presentation_document_id") REFERENCES "public"."documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_live_state" ADD CONSTRAINT "meeting_live_state_presenter_user_id_users_id_fk" FOREIGN KEY ("presenter_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speaker_requests" ADD CONSTRAINT "speaker_requests_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speaker_requests" ADD CONSTRAINT "speaker_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "speaker_requests" ADD CONSTRAINT "speaker_requests_item_id_agenda_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."agenda_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agenda_runs_meeting_idx" ON "agenda_item_runs" USING btree ("meeting_id","item_id");--> statement-breakpoint
CREATE INDEX "speaker_requests_meeting_idx" ON "speaker_requests" USING btree ("meeting_id","status","position");