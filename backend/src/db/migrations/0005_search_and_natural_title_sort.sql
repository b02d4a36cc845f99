-- Written by hand (decision 014): drizzle-kit manages neither functions nor this column, which
-- schema.ts leaves undeclared so that no select or RETURNING carries it.
-- array_to_string is only STABLE because some element types print according to settings; text
-- does not, so joining a text[] is immutable, as a generated column requires.
CREATE FUNCTION task_search_text(title text, description text, tags text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ select lower(title || ' ' || description || ' ' || array_to_string(tags, ' ')) $$;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "search_text" text NOT NULL
  GENERATED ALWAYS AS (task_search_text("title", "description", "tags")) STORED;--> statement-breakpoint
DROP INDEX "tasks_user_title_idx";--> statement-breakpoint
DROP INDEX "tasks_user_search_idx";--> statement-breakpoint
CREATE INDEX "tasks_user_title_natural_idx" ON "tasks" USING btree ("user_id",regexp_replace(regexp_replace(lower("title"), '[0-9]+', '00000000000000000000\&', 'g'), '0*([0-9]{20,})', '\1', 'g'),"id");--> statement-breakpoint
CREATE INDEX "tasks_user_search_idx" ON "tasks" USING gin ("user_id","search_text" gin_trgm_ops);