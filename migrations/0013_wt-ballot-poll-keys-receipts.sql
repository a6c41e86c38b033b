CREATE TABLE "poll_receipts" (
	"poll_id" uuid NOT NULL,
	"receipt" text NOT NULL,
	CONSTRAINT "poll_receipts_poll_id_receipt_pk" PRIMARY KEY("poll_id","receipt")
);
--> statement-breakpoint
ALTER TABLE "poll_events" ALTER COLUMN "by_user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "poll_receipts" ADD CONSTRAINT "poll_receipts_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Receipts counted in earlier polls stay published, apart from their choices.
INSERT INTO "poll_receipts" ("poll_id", "receipt") SELECT "poll_id", "receipt" FROM "poll_ballots" ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "poll_ballots" DROP COLUMN "receipt";