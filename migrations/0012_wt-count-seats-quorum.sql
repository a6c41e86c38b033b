ALTER TABLE "meetings" ADD COLUMN "proxies_count_for_quorum" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "seats" integer;--> statement-breakpoint
ALTER TABLE "polls" ADD COLUMN "runoff_of" uuid;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_runoff_of_polls_id_fk" FOREIGN KEY ("runoff_of") REFERENCES "public"."polls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- Elections made before seats existed: their per-ballot limit was the number to elect.
UPDATE "polls" SET "seats" = "max_choices" WHERE "kind" = 'election' AND "seats" IS NULL;
