CREATE TABLE "document_number_registers" (
	"unit_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"type_code" text NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "document_number_registers_unit_id_year_type_code_pk" PRIMARY KEY("unit_id","year","type_code")
);
--> statement-breakpoint
CREATE TABLE "issued_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"meeting_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"type_code" text NOT NULL,
	"number" integer NOT NULL,
	"symbol" text NOT NULL,
	"content" jsonb NOT NULL,
	"pdf" "bytea" NOT NULL,
	"signature_slots" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"issued_by" uuid,
	CONSTRAINT "issued_documents_number_unique" UNIQUE("unit_id","year","type_code","number")
);
--> statement-breakpoint
ALTER TABLE "document_number_registers" ADD CONSTRAINT "document_number_registers_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_documents" ADD CONSTRAINT "issued_documents_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_documents" ADD CONSTRAINT "issued_documents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_documents" ADD CONSTRAINT "issued_documents_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issued_documents_meeting_idx" ON "issued_documents" USING btree ("meeting_id","issued_at");