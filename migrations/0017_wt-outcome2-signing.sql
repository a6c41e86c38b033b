CREATE TABLE "issued_document_signatures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issued_id" uuid NOT NULL,
	"slot" integer NOT NULL,
	"pdf" "bytea" NOT NULL,
	"signed_by" uuid,
	"signer_name" text NOT NULL,
	"signed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "issued_document_signatures_slot_unique" UNIQUE("issued_id","slot")
);
--> statement-breakpoint
CREATE TABLE "trusted_roots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"der" "bytea" NOT NULL,
	"fingerprint" text NOT NULL,
	"subject" text NOT NULL,
	"not_after" text NOT NULL,
	"added_by" uuid,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trusted_roots_fingerprint_unique" UNIQUE("fingerprint")
);
--> statement-breakpoint
ALTER TABLE "issued_document_signatures" ADD CONSTRAINT "issued_document_signatures_issued_id_issued_documents_id_fk" FOREIGN KEY ("issued_id") REFERENCES "public"."issued_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_document_signatures" ADD CONSTRAINT "issued_document_signatures_signed_by_users_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trusted_roots" ADD CONSTRAINT "trusted_roots_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;