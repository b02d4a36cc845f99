-- Written by hand (decision 014): drizzle-kit manages neither functions nor this column, which
-- schema.ts leaves undeclared so that no select or RETURNING carries it.
-- array_to_string is only STABLE because some element types print according to settings; text
-- does not, so joining a text[] is immutable, as an index and a generated column require.
CREATE FUNCTION task_search_text(title text, description text, tags text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ select lower(title || ' ' || description || ' ' || array_to_string(tags, ' ')) $$;--> statement-breakpoint
-- The characters and pairs of characters of a text: what a word without a trigram ("ab", "#9") is
-- looked up by. Built-ins only, with no subquery, so Postgres inlines it: an index entry costs no
-- function call. Pairs are cut at even offsets, then at odd ones (U+0001 never occurs in a task).
CREATE FUNCTION task_search_grams(text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ select array_remove(string_to_array($1, null)
    || regexp_split_to_array(regexp_replace($1, '(..)', E'\\1\x01', 'g'), E'\x01')
    || regexp_split_to_array(regexp_replace(substr($1, 2), '(..)', E'\\1\x01', 'g'), E'\x01'), '') $$;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "search_text" text NOT NULL
  GENERATED ALWAYS AS (task_search_text("title", "description", "tags")) STORED;--> statement-breakpoint
DROP INDEX "tasks_user_title_idx";--> statement-breakpoint
DROP INDEX "tasks_user_search_idx";--> statement-breakpoint
CREATE INDEX "tasks_user_title_natural_idx" ON "tasks" USING btree ("user_id",regexp_replace(regexp_replace(lower("title"), '[0-9]+', '00000000000000000000\&', 'g'), '0*([0-9]{20,})', '\1', 'g'),"id");--> statement-breakpoint
CREATE INDEX "tasks_user_search_grams_idx" ON "tasks" USING gin ("user_id",task_search_grams("search_text"));--> statement-breakpoint
CREATE INDEX "tasks_user_search_idx" ON "tasks" USING gin ("user_id","search_text" gin_trgm_ops);