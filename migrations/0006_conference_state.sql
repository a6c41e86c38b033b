CREATE TYPE "public"."conference_admission_status" AS ENUM('admitted', 'removed');--> statement-breakpoint
CREATE TABLE "conference_admissions" (
	"meeting_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"status" "conference_admission_status" NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conference_admissions_meeting_id_endpoint_id_pk" PRIMARY KEY("meeting_id","endpoint_id")
);
--> statement-breakpoint
CREATE TABLE "conference_mutes" (
	"meeting_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"sources" text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conference_mutes_meeting_id_user_id_pk" PRIMARY KEY("meeting_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "conference_settings" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"require_admission" boolean DEFAULT false NOT NULL,
	"spotlight_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conference_admissions" ADD CONSTRAINT "conference_admissions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_admissions" ADD CONSTRAINT "conference_admissions_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_admissions" ADD CONSTRAINT "conference_admissions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_mutes" ADD CONSTRAINT "conference_mutes_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_mutes" ADD CONSTRAINT "conference_mutes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_settings" ADD CONSTRAINT "conference_settings_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_settings" ADD CONSTRAINT "conference_settings_spotlight_user_id_users_id_fk" FOREIGN KEY ("spotlight_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;