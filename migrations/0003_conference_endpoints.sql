CREATE TABLE "endpoint_accounts" (
	"endpoint_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	CONSTRAINT "endpoint_accounts_endpoint_id_user_id_pk" PRIMARY KEY("endpoint_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"name_search" text NOT NULL,
	"level" "unit_level" NOT NULL,
	"unit_id" uuid NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_endpoints" (
	"meeting_id" uuid NOT NULL,
	"endpoint_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_endpoints_meeting_id_endpoint_id_pk" PRIMARY KEY("meeting_id","endpoint_id")
);
--> statement-breakpoint
ALTER TABLE "endpoint_accounts" ADD CONSTRAINT "endpoint_accounts_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoint_accounts" ADD CONSTRAINT "endpoint_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_endpoints" ADD CONSTRAINT "meeting_endpoints_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_endpoints" ADD CONSTRAINT "meeting_endpoints_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoint_accounts_user_idx" ON "endpoint_accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "endpoints_unit_idx" ON "endpoints" USING btree ("unit_id");