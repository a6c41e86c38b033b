CREATE TYPE "public"."poll_eligibility" AS ENUM('present', 'all_members');--> statement-breakpoint
CREATE TYPE "public"."poll_kind" AS ENUM('motion', 'election');--> statement-breakpoint
CREATE TYPE "public"."poll_status" AS ENUM('draft', 'open', 'closed', 'published', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."poll_threshold" AS ENUM('half_all', 'two_thirds_all', 'half_present', 'custom');--> statement-breakpoint
CREATE TABLE "poll_ballots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"poll_id" uuid NOT NULL,
	"receipt" text NOT NULL,
	"choice" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_candidates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"poll_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"poll_id" uuid NOT NULL,
	"action" text NOT NULL,
	"by_user_id" uuid NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_voters" (
	"poll_id" uuid NOT NULL,
	"voter_user_id" uuid NOT NULL,
	"cast_by" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"sealed" text,
	"public_choice" jsonb,
	CONSTRAINT "poll_voters_poll_id_voter_user_id_pk" PRIMARY KEY("poll_id","voter_user_id")
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"agenda_item_id" uuid,
	"kind" "poll_kind" NOT NULL,
	"title" text NOT NULL,
	"secret" boolean NOT NULL,
	"eligibility" "poll_eligibility" DEFAULT 'present' NOT NULL,
	"allow_proxy" boolean DEFAULT true NOT NULL,
	"allow_change" boolean DEFAULT false NOT NULL,
	"threshold" "poll_threshold" DEFAULT 'half_all' NOT NULL,
	"custom_numerator" integer,
	"custom_denominator" integer,
	"max_choices" integer,
	"status" "poll_status" DEFAULT 'draft' NOT NULL,
	"eligible_voters" jsonb,
	"present_at_open" integer,
	"membership_total" integer,
	"quorum_override_reason" text,
	"paper_counts" jsonb,
	"result" jsonb,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "poll_ballots" ADD CONSTRAINT "poll_ballots_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_candidates" ADD CONSTRAINT "poll_candidates_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_events" ADD CONSTRAINT "poll_events_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_voter_user_id_users_id_fk" FOREIGN KEY ("voter_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_voters" ADD CONSTRAINT "poll_voters_cast_by_users_id_fk" FOREIGN KEY ("cast_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_agenda_item_id_agenda_items_id_fk" FOREIGN KEY ("agenda_item_id") REFERENCES "public"."agenda_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "poll_ballots_poll_idx" ON "poll_ballots" USING btree ("poll_id");--> statement-breakpoint
CREATE INDEX "polls_meeting_idx" ON "polls" USING btree ("meeting_id");