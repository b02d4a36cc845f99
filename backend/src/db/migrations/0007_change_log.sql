CREATE TYPE "public"."change_kind" AS ENUM('create', 'update', 'delete');--> statement-breakpoint
CREATE TABLE "changes" (
	"user_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" "change_kind" NOT NULL,
	"task_ids" integer[] NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"actor_id" uuid,
	"request_id" text,
	"undoes" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "changes_user_id_id_pk" PRIMARY KEY("user_id","id")
);
--> statement-breakpoint
ALTER TABLE "tasks" ALTER COLUMN "tags" SET DEFAULT '{}';--> statement-breakpoint
CREATE INDEX "changes_created_at_idx" ON "changes" USING brin ("created_at");--> statement-breakpoint
-- Custom: the change log is written by the database (decision 021). After each statement on
-- tasks, one change per feed (task owner) it touched, with the rows as they were and as they are:
-- a trigger, so no code path can forget one, and it commits or rolls back with the statement.
--
-- Order: before taking an id, the change takes its feed's advisory lock, held until commit. Two
-- changes to one feed therefore get their ids in the order they commit, and a reader that has seen
-- id N never later finds a smaller id in that feed (a plain sequence hands ids out in the order
-- statements run, which is not the order they commit). Feeds are locked in order, so one
-- statement never deadlocks with another.
--
-- Who and which request: the statement sets todo.actor, todo.request_id and todo.undoes
-- (changes/change-context.ts); they are unset ('' or null) for a hand-written statement.
-- A feed whose user no longer exists (the cascade of an account deletion) gets no change.
CREATE FUNCTION tasks_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  feed uuid;
  actor uuid := nullif(current_setting('todo.actor', true), '')::uuid;
  request text := nullif(current_setting('todo.request_id', true), '');
  undone bigint := nullif(current_setting('todo.undoes', true), '')::bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR feed IN SELECT DISTINCT user_id FROM new_rows ORDER BY 1 LOOP
      CONTINUE WHEN NOT EXISTS (SELECT FROM users WHERE id = feed);
      PERFORM pg_advisory_xact_lock(21, hashtext(feed::text));
      INSERT INTO changes (user_id, kind, task_ids, after, actor_id, request_id, undoes)
      SELECT feed, 'create', array_agg(n.id ORDER BY n.id),
             jsonb_agg(to_jsonb(n) - 'search_text' ORDER BY n.id), actor, request, undone
      FROM new_rows n WHERE n.user_id = feed;
    END LOOP;
  ELSIF TG_OP = 'UPDATE' THEN
    FOR feed IN SELECT DISTINCT user_id FROM new_rows ORDER BY 1 LOOP
      CONTINUE WHEN NOT EXISTS (SELECT FROM users WHERE id = feed);
      PERFORM pg_advisory_xact_lock(21, hashtext(feed::text));
      INSERT INTO changes (user_id, kind, task_ids, before, after, actor_id, request_id, undoes)
      SELECT feed, 'update', array_agg(n.id ORDER BY n.id),
             jsonb_agg(to_jsonb(o) - 'search_text' ORDER BY n.id),
             jsonb_agg(to_jsonb(n) - 'search_text' ORDER BY n.id), actor, request, undone
      FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.user_id = feed;
    END LOOP;
  ELSE
    FOR feed IN SELECT DISTINCT user_id FROM old_rows ORDER BY 1 LOOP
      CONTINUE WHEN NOT EXISTS (SELECT FROM users WHERE id = feed);
      PERFORM pg_advisory_xact_lock(21, hashtext(feed::text));
      INSERT INTO changes (user_id, kind, task_ids, before, actor_id, request_id, undoes)
      SELECT feed, 'delete', array_agg(o.id ORDER BY o.id),
             jsonb_agg(to_jsonb(o) - 'search_text' ORDER BY o.id), actor, request, undone
      FROM old_rows o WHERE o.user_id = feed;
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
-- Transition tables allow one event per trigger: three triggers, one function.
CREATE TRIGGER tasks_log_insert AFTER INSERT ON tasks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_log_change();--> statement-breakpoint
CREATE TRIGGER tasks_log_update AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_log_change();--> statement-breakpoint
CREATE TRIGGER tasks_log_delete AFTER DELETE ON tasks
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tasks_log_change();--> statement-breakpoint
-- A deleted account takes its feed with it (changes has no foreign key, see schema.ts).
CREATE FUNCTION users_forget_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM changes WHERE user_id = OLD.id;
  RETURN OLD;
END;
$$;--> statement-breakpoint
CREATE TRIGGER users_forget_changes
  AFTER DELETE ON "users"
  FOR EACH ROW EXECUTE FUNCTION users_forget_changes();
